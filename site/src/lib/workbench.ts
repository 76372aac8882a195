// "Why this decision" and "What you can do now" for one evaluated workspace: the SDK's explanation
// (explainDecision), the largest buy and sell the policy allows now (PolicyGate.maxQty on a gate
// holding the workspace's state), the decision for a MODIFY's reduced order, and the figures that
// turn gauge margins into money and units. Pure SDK calls; no DOM.
import { explainDecision, type PolicyEngine, PolicyGate, type Decision, type Explanation, type GateSnapshot, type MaxQty } from 'policygate-capital';
import type { EvaluatedInputs } from './evaluate-workspace';
import type { HeadroomContext } from './gauge';

/** Everything the decision panel shows beyond the decision itself. */
export interface Workbench {
  explanation: Explanation;
  /** The largest buy and sell allowed now; null when the gate could not be built from the workspace (explained in `maxQtyProblem`). */
  buy: MaxQty | null;
  sell: MaxQty | null;
  maxQtyProblem: string | null;
  /** For a MODIFY: the decision on the reduced order (same state), whose gauges show what is sent. */
  modified: Decision | null;
  /** Null when the symbol has no valid mark (SYS-001). */
  headroom: HeadroomContext | null;
  /** The execution-state gauges' figures. */
  rates: { global: number; strategy: number; globalLimit: number | null; strategyLimit: number | null };
  killSwitch: { active: boolean; violations: number; tripAfter: number; windowSeconds: number };
}

/**
 * The quantity step of "buy up to N": the instrument's `lot_size` under a v0.2 policy that lists
 * one, whole units when the order is for a whole number, else the engine's resolution (1e-8).
 *
 * @example
 * ```ts
 * lotFor(engine, 'AAPL', 100) // 1
 * ```
 */
export function lotFor(engine: PolicyEngine, symbol: string, qty: number): number | undefined {
  const policy = engine.policy;
  if (policy.version === '0.2' && Object.hasOwn(policy.instruments, symbol)) {
    const lot = policy.instruments[symbol]!.lot_size;
    if (lot != null) return lot;
  }
  return Number.isInteger(qty) ? 1 : undefined;
}

/**
 * A PolicyGate holding the workspace's state: its portfolio and market, the execution state's order
 * counts as orders inside the current minute, its kill switch, recent orders and violations.
 *
 * @throws {Error} when the state cannot be gate state (fewer orders in all than for the strategy alone, or a portfolio the gate refuses).
 * @example
 * ```ts
 * gateFromInputs(engine, inputs).maxQty('AAPL', 'buy', inputs.market, { lot: 1 })
 * ```
 */
export function gateFromInputs(engine: PolicyEngine, inputs: EvaluatedInputs): PolicyGate {
  const { intent, portfolio, market, execution } = inputs;
  const strategy = intent.strategy_id;
  const global = execution.orders_last_60s_global;
  const mine = Object.hasOwn(execution.orders_last_60s_by_strategy, strategy) ? execution.orders_last_60s_by_strategy[strategy]! : 0;
  if (global < mine) throw new Error(`the execution state counts fewer orders in all (${global}) than for ${strategy} alone (${mine})`);
  const at = intent.timestamp;
  const v2 = engine.policy.version === '0.2';
  const snapshot: GateSnapshot = {
    format: v2 ? 'policygate-gate-snapshot/2' : 'policygate-gate-snapshot/1',
    engine_version: '0.1.0',
    policy_hash: engine.policyHash,
    clock: at,
    portfolio,
    market,
    // The counts are orders in the last 60 s: at the order's own time they are all inside the window.
    orders: [...Array.from({ length: mine }, (): [string, string] => [at, strategy]), ...Array.from({ length: global - mine }, (): [string, string] => [at, `${strategy}\u0000other`])],
    pending: [],
    violations: [],
    kill_switch: { active: execution.kill_switch_active, tripped_at: null, reason: execution.kill_switch_active ? 'the workspace execution state' : null, history: [] },
    ...(v2 && { recent_orders: execution.recent_orders ?? [], market_timestamp: market.timestamp }),
  };
  return PolicyGate.restore(engine, snapshot);
}

const safeMaxQty = (gate: PolicyGate, side: 'buy' | 'sell', inputs: EvaluatedInputs, lot: number | undefined): MaxQty => {
  const { intent, market } = inputs;
  const priced = intent.order_type === 'limit' && intent.limit_price != null;
  return gate.maxQty(intent.instrument.symbol, side, market, {
    strategyId: intent.strategy_id,
    accountId: intent.account_id,
    ...(lot !== undefined && { lot }),
    ...(priced && { limitPrice: intent.limit_price! }),
  });
};

/**
 * Explains the workspace's decision and works out what can be done now.
 *
 * @example
 * ```ts
 * const wb = buildWorkbench(engine, result.policyText, result.inputs)
 * wb.buy?.qty // 25
 * ```
 */
export function buildWorkbench(engine: PolicyEngine, policyText: string, inputs: EvaluatedInputs): Workbench {
  const { intent, portfolio, market, execution } = inputs;
  const explanation = explainDecision(engine, intent, portfolio, market, execution, { policyText });
  const d = explanation.decision;
  let buy: MaxQty | null = null;
  let sell: MaxQty | null = null;
  let maxQtyProblem: string | null = null;
  try {
    const gate = gateFromInputs(engine, inputs);
    const lot = lotFor(engine, intent.instrument.symbol, intent.qty);
    buy = safeMaxQty(gate, 'buy', inputs, lot);
    sell = safeMaxQty(gate, 'sell', inputs, lot);
  } catch (e) {
    maxQtyProblem = (e as Error).message;
  }
  const modified = d.decision === 'MODIFY' ? engine.evaluate(d.modified_intent, portfolio, market, execution) : null;
  const symbol = intent.instrument.symbol;
  const price = Object.hasOwn(market.prices, symbol) ? market.prices[symbol]! : Number.NaN;
  const policy = engine.policy;
  const multiplier = policy.version === '0.2' && Object.hasOwn(policy.instruments, symbol) ? policy.instruments[symbol]!.multiplier : 1;
  const ks = policy.limits.kill_switch;
  const limitOf = (ruleId: string) => (explanation.limits[ruleId]?.value as number | null | undefined) ?? null;
  return {
    explanation,
    buy,
    sell,
    maxQtyProblem,
    modified,
    headroom: price > 0 && Number.isFinite(price) ? { equity: portfolio.equity, startOfDayEquity: portfolio.start_of_day_equity, peakEquity: portfolio.peak_equity, price, multiplier } : null,
    rates: {
      global: execution.orders_last_60s_global,
      strategy: Object.hasOwn(execution.orders_last_60s_by_strategy, intent.strategy_id) ? execution.orders_last_60s_by_strategy[intent.strategy_id]! : 0,
      globalLimit: limitOf('EXEC-001'),
      strategyLimit: limitOf('EXEC-002'),
    },
    killSwitch: { active: execution.kill_switch_active, violations: execution.violations_last_window.length, tripAfter: ks.trip_after_n_violations, windowSeconds: ks.violation_window_seconds },
  };
}

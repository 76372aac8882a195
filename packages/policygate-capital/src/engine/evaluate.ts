// SPEC.md "Evaluation": SYS-001, metrics, evidence, the rules in order, the kill-switch flag and the
// decision. Pure and deterministic; never throws (errors are decisions: SYS-002).
import type { ExecutionStateInput, MarketSnapshot, OrderIntent, PortfolioState } from '../model/schemas.js';
import { compilePolicy, resolveLimits, type CompiledPolicy, type ResolvedLimits } from '../policy/compile.js';
import type { Policy } from '../policy/schema.js';
import { pyRound } from '../util/py-round.js';
import { certified, currentQuantity, exactHoldings, holdings, isValidPrice, metricsFromSums, own, scanHoldings, type Metrics } from './metrics.js';
import { RULES, type RuleContext } from './rules.js';
import type { Decision, Evidence, Violation } from './types.js';

const r6 = (x: number) => pyRound(x, 6);

/** Code-point order, as Python sorts strings (JavaScript's default sorts UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

function requireObject(value: unknown, what: string): Record<string, number> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} must be an object`);
  // A Map, Date or Set has no own keys: read as a plain object it would look empty, and an empty
  // `positions` or rate map under-states risk (fail open). Cross-realm plain objects still pass.
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null && Object.prototype.toString.call(value) !== '[object Object]') {
    throw new Error(`${what} must be a plain object, got ${Object.prototype.toString.call(value).slice(8, -1)}`);
  }
  return value as Record<string, number>;
}

const NONE_MISSING: readonly string[] = Object.freeze([]);

/** The intent symbol's price as `missingPrices` read it (module-level, as `holdings`: read once per call). */
let intentPrice: number | undefined;

/**
 * SYS-001's symbols: the intent's, then every other non-zero holding without a valid price, in
 * sorted order. As a side effect, `holdings` holds the other holdings' exposure sums, and
 * `intentPrice` the intent symbol's price.
 */
export function missingPrices(intent: OrderIntent, portfolio: PortfolioState, market: MarketSnapshot): readonly string[] {
  const symbol = intent.instrument.symbol;
  if (typeof symbol !== 'string') throw new Error('intent.instrument.symbol must be a string');
  const prices = requireObject(market.prices, 'market.prices');
  const positions = requireObject(portfolio.positions ?? {}, 'portfolio.positions');
  intentPrice = own(prices, symbol);
  const priced = isValidPrice(intentPrice);
  const held = scanHoldings(positions, prices, symbol).missing;
  if (priced && !held) return NONE_MISSING;
  const missing = priced ? [] : [symbol];
  if (held) missing.push(...held.sort(compareCodePoints));
  return missing;
}

function finitePositive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value > 0) || value === Infinity) throw new Error(`${name} must be a finite number > 0, got ${String(value)}`);
  return value;
}

function count(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0) || value === Infinity) throw new Error(`${name} must be a finite number >= 0, got ${String(value)}`);
  return value;
}

/** A message for anything thrown; never throws itself (a thrown `Object.create(null)` has no toString). */
function describeError(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'unknown error';
  }
}

/**
 * The intent's id for a decision about a malformed intent; never throws (getters, odd ids such as
 * `Object.create(null)`, whose `String()` throws). Internal (shared with the gate), not exported
 * from the package.
 */
export function safeIntentId(intent: unknown): string {
  try {
    const rawId = (intent as Partial<OrderIntent> | null | undefined)?.intent_id;
    return typeof rawId === 'string' ? rawId : rawId === undefined ? '' : String(rawId);
  } catch {
    return '';
  }
}

/** compilePolicy, with a throwing policy object (a getter, a Proxy) turned into an invalid policy. */
function safeCompile(policy: Policy): CompiledPolicy | Error {
  try {
    return compilePolicy(policy);
  } catch (e) {
    return new Error(`invalid policy: ${describeError(e)}`);
  }
}

/**
 * SPEC step 1: DENY with one SYS-001 per symbol (the intent's first, then held symbols in sorted
 * order) — in both modes, with no evidence and no kill-switch trip. Shared with `PolicyGate`.
 */
export function missingPriceDecision(intentId: string, symbols: readonly string[]): Decision {
  return {
    decision: 'DENY',
    intent_id: intentId,
    modified_intent: null,
    violations: symbols.map((symbol) => ({
      rule_id: 'SYS-001',
      severity: 'CRIT',
      message: `Missing or invalid price for symbol '${symbol}'.`,
      inputs: { symbol },
      computed: {},
    })),
    evidence: [],
    eval_ms: 0,
    kill_switch_triggered: false,
  };
}

export function systemError(compiled: CompiledPolicy | Error, intentId: string, error: unknown): Decision {
  const ok = !(compiled instanceof Error);
  const message = describeError(error);
  return {
    decision: ok ? compiled.failDecision : 'DENY',
    intent_id: intentId,
    modified_intent: null,
    violations: [{ rule_id: 'SYS-002', severity: 'CRIT', message: `Evaluation error: ${message}`, inputs: {}, computed: {} }],
    evidence: [],
    eval_ms: 0,
    kill_switch_triggered: ok && compiled.tripOn.has('SYS-002'),
  };
}

function decideChecked(
  compiled: CompiledPolicy,
  intent: OrderIntent,
  portfolio: PortfolioState,
  market: MarketSnapshot,
  execution: ExecutionStateInput,
): Decision {
  const { qty, side, strategy_id: strategyId } = intent;
  const symbol = intent.instrument.symbol;
  finitePositive(qty, 'intent.qty');
  if (side !== 'buy' && side !== 'sell') throw new Error(`intent.side must be buy or sell, got ${String(side)}`);
  if (typeof strategyId !== 'string') throw new Error('intent.strategy_id must be a string');
  const equity = finitePositive(portfolio.equity, 'portfolio.equity');
  const sod = finitePositive(portfolio.start_of_day_equity, 'portfolio.start_of_day_equity');
  const peak = finitePositive(portfolio.peak_equity, 'portfolio.peak_equity');
  requireObject(execution, 'execution');
  const byStrategy = requireObject(execution.orders_last_60s_by_strategy ?? {}, 'execution.orders_last_60s_by_strategy');
  const killSwitchActive = execution.kill_switch_active ?? false;
  if (typeof killSwitchActive !== 'boolean') throw new Error('execution.kill_switch_active must be a boolean');

  // missingPrices() ran first and left the other holdings' sums in `holdings`, and a valid price.
  if (holdings.bad) throw new Error(`position quantity for '${holdings.bad[0]}' is not a finite number`);
  const positions = portfolio.positions ?? {};
  const price = intentPrice!;
  const current = currentQuantity(positions, symbol);
  let metrics = metricsFromSums(equity, sod, peak, holdings.gross, holdings.net, price, current, side, qty);
  if (!certified(metrics)) {
    // A compensated sum could not vouch for its rounding (heavy cancellation, a zero or tiny sum,
    // an overflow): sum again, exactly.
    const h = exactHoldings(positions, market.prices, symbol);
    metrics = metricsFromSums(equity, sod, peak, h.gross, h.net, price, current, side, qty);
  }
  const limits = resolveLimits(compiled, symbol, strategyId);
  counts.killSwitchActive = killSwitchActive;
  counts.globalCount = count(execution.orders_last_60s_global, 'execution.orders_last_60s_global');
  counts.strategyCount = count(own(byStrategy, strategyId), `execution.orders_last_60s_by_strategy.${strategyId}`);
  return decideFromMetrics(compiled, intent, limits, metrics, equity, counts);
}

/** The execution-state figures the rules read. */
export interface ExecutionCounts {
  killSwitchActive: boolean;
  globalCount: number;
  strategyCount: number;
}

// Reused per call (evaluation is synchronous): decideFromMetrics copies what it keeps.
const counts: ExecutionCounts = { killSwitchActive: false, globalCount: 0, strategyCount: 0 };

/**
 * Steps 3–6 of SPEC "Evaluation" from computed metrics: the rules in order, the evidence, the
 * kill-switch flag and the decision. Shared by `evaluate` and the stateful `PolicyGate`, which keeps
 * its metrics incrementally; throws on a non-finite metric (callers turn that into SYS-002).
 * Internal: not exported from the package.
 */
export function decideFromMetrics(
  compiled: CompiledPolicy,
  intent: OrderIntent,
  limits: ResolvedLimits,
  metrics: Metrics,
  equity: number,
  counts: ExecutionCounts,
): Decision {
  // x - x is 0 for finite x and NaN otherwise: one subtraction per metric on the hot path.
  if (metrics.dailyReturn - metrics.dailyReturn !== 0) throw new Error('daily_return is not finite');
  if (metrics.drawdown - metrics.drawdown !== 0) throw new Error('drawdown is not finite');
  if (metrics.newPositionPct - metrics.newPositionPct !== 0) throw new Error('new_position_pct is not finite');
  if (metrics.grossExposureX - metrics.grossExposureX !== 0) throw new Error('gross_exposure_x is not finite');
  if (metrics.netExposureX - metrics.netExposureX !== 0) throw new Error('net_exposure_x is not finite');

  const ctx: RuleContext = {
    intent,
    limits,
    metrics,
    equity,
    killSwitchActive: counts.killSwitchActive,
    globalCount: counts.globalCount,
    strategyCount: counts.strategyCount,
  };
  const violations: Violation[] = [];
  for (const rule of RULES) {
    const v = rule(ctx);
    if (v) violations.push(v);
  }

  const evidence: Evidence[] = [
    { metric: 'daily_return', value: r6(metrics.dailyReturn), limit: limits.loss.evidence.dailyReturn },
    { metric: 'drawdown', value: r6(metrics.drawdown), limit: limits.loss.evidence.drawdown },
    { metric: 'new_position_pct', value: r6(metrics.newPositionPct), limit: limits.exposure.evidence.position },
    { metric: 'gross_exposure_x', value: r6(metrics.grossExposureX), limit: limits.exposure.evidence.gross },
    { metric: 'net_exposure_x', value: r6(metrics.netExposureX), limit: limits.exposure.evidence.net },
  ];

  let killSwitchTriggered = false;
  for (const v of violations) if (compiled.tripOn.has(v.rule_id)) killSwitchTriggered = true;

  let decision: Decision['decision'] = 'ALLOW';
  let modified: OrderIntent | null = null;
  if (compiled.enforce && violations.length > 0) {
    const only = violations.length === 1 && violations[0]!.rule_id === 'EXP-001' ? violations[0]! : undefined;
    const allowed = only?.computed.allowed_qty ?? 0;
    if (allowed > 0) {
      decision = 'MODIFY';
      modified = { ...intent, qty: allowed };
    } else {
      decision = 'DENY';
    }
  }
  return {
    decision,
    intent_id: intent.intent_id,
    modified_intent: modified,
    violations,
    evidence,
    eval_ms: 0,
    kill_switch_triggered: killSwitchTriggered,
  };
}

function decide(
  compiled: CompiledPolicy | Error,
  intent: OrderIntent,
  portfolio: PortfolioState,
  market: MarketSnapshot,
  execution: ExecutionStateInput,
): Decision {
  const intentId = safeIntentId(intent);
  let missing: readonly string[];
  try {
    missing = missingPrices(intent, portfolio, market);
  } catch (e) {
    return systemError(compiled, intentId, e);
  }
  if (missing.length > 0) return missingPriceDecision(intentId, missing);
  if (compiled instanceof Error) return systemError(compiled, intentId, compiled);
  try {
    return decideChecked(compiled, intent, portfolio, market, execution ?? {});
  } catch (e) {
    return systemError(compiled, intentId, e);
  }
}

const EMPTY_EXECUTION: ExecutionStateInput = Object.freeze({});

/**
 * Evaluates an order against a policy and the portfolio, market and execution state (SPEC.md
 * "Evaluation"). Pure and deterministic; never throws: missing prices give DENY with SYS-001, any
 * other failure (malformed input, a non-finite metric, an invalid policy) gives the policy's
 * `defaults.decision` (DENY unless it says allow) with SYS-002.
 *
 * Inputs are trusted to have their schema shape (validate untrusted data with the `parse…`
 * functions first); every number used is still checked. The policy object is validated and
 * deep-frozen on first use, then cached.
 *
 * @example
 * ```ts
 * const policy = parsePolicyYaml(text)
 * const d = evaluate(intent, policy, portfolio, market)
 * if (d.decision === 'MODIFY') send(d.modified_intent)
 * ```
 */
export function evaluate(
  intent: OrderIntent,
  policy: Policy,
  portfolio: PortfolioState,
  market: MarketSnapshot,
  execution: ExecutionStateInput = EMPTY_EXECUTION,
): Decision {
  return evaluateCompiled(safeCompile(policy), intent, portfolio, market, execution);
}

/**
 * `evaluate` with a policy compiled once (`PolicyEngine` keeps it): saves the cache lookup per call.
 * Internal: not exported from the package.
 */
export function evaluateCompiled(
  compiled: CompiledPolicy | Error,
  intent: OrderIntent,
  portfolio: PortfolioState,
  market: MarketSnapshot,
  execution: ExecutionStateInput = EMPTY_EXECUTION,
): Decision {
  if (evaluating) return nestedCallDecision(compiled, intent, 'evaluate');
  evaluating = true;
  try {
    const start = performance.now();
    const decision = decide(compiled, intent, portfolio, market, execution);
    decision.eval_ms = pyRound(performance.now() - start, 3);
    return decision;
  } finally {
    evaluating = false;
  }
}

// An evaluation keeps its intermediate results at module level (`holdings`, `intentPrice`,
// `counts`); a getter or Proxy on an input that called evaluate again would overwrite them halfway.
let evaluating = false;

/**
 * DENY with SYS-002 for a call made from inside another (by a getter or a Proxy trap on the outer
 * call's inputs): it cannot be evaluated without corrupting the outer one, and in doubt the engine
 * denies, whatever `defaults.decision` says. Internal (shared with the gate).
 */
export function nestedCallDecision(compiled: CompiledPolicy | Error, intent: unknown, what: string): Decision {
  const d = systemError(compiled, safeIntentId(intent), new Error(`${what} was called from inside another ${what} (by a getter or a Proxy on its inputs)`));
  d.decision = 'DENY';
  return d;
}

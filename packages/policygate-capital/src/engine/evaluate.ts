// Evaluation (docs: /docs/semantics/): SYS-001, unreadable timestamps, SYS-003, metrics, the rules in
// order, the evidence, the kill-switch flag and the decision. Pure and deterministic; never throws
// (errors are decisions: SYS-002).
import type { ExecutionStateInput, MarketSnapshot, OrderIntent, PortfolioState } from '../model/schemas.js';
import { compilePolicy, resolveLimits, type CompiledPolicy, type ResolvedLimits } from '../policy/compile.js';
import type { Policy } from '../policy/schema.js';
import { pyRound, roundMs } from '../util/py-round.js';
import { certified, currentQuantity, exactHoldings, isValidPrice, metricsFromSums, own, scanHoldings, Scratch, type HoldingsSums, type Metrics, type Multipliers } from './metrics.js';
import { newRuleContext, onlyReduces, orderFigures, RULES, RULES_V01, type OrderFigures, type RuleContext } from './rules.js';
import type { Decision, Evidence, ExecutionCounts, Violation } from './types.js';
import { denyAtOnce, readClocks } from './clocks.js';

export type { ExecutionCounts } from './types.js';
export { denyAtOnce, staleMarketData, unreadableTimestamp } from './clocks.js';

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

/** What one call read first: the intent symbol's price and the other holdings' sums. */
interface Priced {
  price: number | undefined;
  holdings: HoldingsSums;
}

/**
 * SYS-001's symbols: the intent's, then every other non-zero holding without a valid price, in
 * sorted order. Fills `into` with the intent symbol's price and the other holdings' exposure sums.
 */
function missingPrices(intent: OrderIntent, portfolio: PortfolioState, market: MarketSnapshot, m: Multipliers, scratch: Scratch, into: Priced): readonly string[] {
  const symbol = intent.instrument.symbol;
  if (typeof symbol !== 'string') throw new Error('intent.instrument.symbol must be a string');
  const prices = requireObject(market.prices, 'market.prices');
  const positions = requireObject(portfolio.positions ?? {}, 'portfolio.positions');
  const price = (into.price = own(prices, symbol));
  const priced = isValidPrice(price);
  into.holdings = scanHoldings(positions, prices, symbol, m, scratch);
  const held = into.holdings.missing;
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
 * Missing prices (docs: /docs/semantics/#order-of-evaluation): DENY with one SYS-001 per symbol (the intent's first, then held symbols in sorted
 * order) — in both modes, with no evidence and no kill-switch trip. Shared with `PolicyGate`.
 */
export function missingPriceDecision(intentId: string, symbols: readonly string[]): Decision {
  return denyAtOnce(
    intentId,
    symbols.map((symbol) => ({ rule_id: 'SYS-001', severity: 'CRIT', message: `Missing or invalid price for symbol '${symbol}'.`, inputs: { symbol }, computed: {} })),
  );
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
  priced: Priced,
  m: Multipliers,
  scratch: EvalScratch,
): Decision {
  const { qty, side, strategy_id: strategyId } = intent;
  const symbol = intent.instrument.symbol;
  if (typeof strategyId !== 'string') throw new Error('intent.strategy_id must be a string');
  requireObject(execution, 'execution');
  const limits = resolveLimits(compiled, symbol, strategyId);
  const counts: ExecutionCounts = { killSwitchActive: false, globalCount: 0, strategyCount: 0, duplicateOf: null, priceAge: null };
  if (compiled.v02) {
    const early = readClocks(compiled, limits, intent, market, execution, symbol, counts, scratch, safeIntentId(intent));
    if (early !== undefined) return early;
  }
  finitePositive(qty, 'intent.qty');
  if (side !== 'buy' && side !== 'sell') throw new Error(`intent.side must be buy or sell, got ${String(side)}`);
  const equity = finitePositive(portfolio.equity, 'portfolio.equity');
  const sod = finitePositive(portfolio.start_of_day_equity, 'portfolio.start_of_day_equity');
  const peak = finitePositive(portfolio.peak_equity, 'portfolio.peak_equity');
  const byStrategy = requireObject(execution.orders_last_60s_by_strategy ?? {}, 'execution.orders_last_60s_by_strategy');
  const killSwitchActive = execution.kill_switch_active ?? false;
  if (typeof killSwitchActive !== 'boolean') throw new Error('execution.kill_switch_active must be a boolean');

  // missingPrices() ran first: the other holdings' sums, and a valid price.
  const holdings = priced.holdings;
  if (holdings.bad) throw new Error(`position quantity for '${holdings.bad[0]}' is not a finite number`);
  const positions = portfolio.positions ?? {};
  const price = priced.price!;
  const multiplier = m === null ? 1 : (m.get(symbol)?.multiplier ?? 1);
  const current = currentQuantity(positions, symbol);
  let metrics = metricsFromSums(equity, sod, peak, holdings.gross, holdings.net, price, current, side, qty, multiplier);
  if (!certified(metrics)) {
    // A compensated sum could not vouch for its rounding (heavy cancellation, a zero or tiny sum,
    // an overflow): sum again, exactly.
    const h = exactHoldings(positions, market.prices, symbol, m, scratch);
    metrics = metricsFromSums(equity, sod, peak, h.gross, h.net, price, current, side, qty, multiplier);
  }
  counts.killSwitchActive = killSwitchActive;
  counts.globalCount = count(execution.orders_last_60s_global, 'execution.orders_last_60s_global');
  counts.strategyCount = count(own(byStrategy, strategyId), `execution.orders_last_60s_by_strategy.${strategyId}`);
  return decideFromMetrics(compiled, intent, limits, metrics, equity, counts, scratch.ctx);
}

/**
 * From computed metrics: the rules in order, the evidence, the
 * kill-switch flag and the decision. Shared by `evaluate` and the stateful `PolicyGate`, which keeps
 * its metrics incrementally; throws on a non-finite metric (callers turn that into SYS-002).
 * Internal: not exported from the package.
 */
export function decideFromMetrics(compiled: CompiledPolicy, intent: OrderIntent, limits: ResolvedLimits, metrics: Metrics, equity: number, counts: ExecutionCounts, ctx: RuleContext): Decision {
  // x - x is 0 for finite x and NaN otherwise: one subtraction per metric on the hot path.
  if (metrics.dailyReturn - metrics.dailyReturn !== 0) throw new Error('daily_return is not finite');
  if (metrics.drawdown - metrics.drawdown !== 0) throw new Error('drawdown is not finite');
  if (metrics.newPositionPct - metrics.newPositionPct !== 0) throw new Error('new_position_pct is not finite');
  if (metrics.grossExposureX - metrics.grossExposureX !== 0) throw new Error('gross_exposure_x is not finite');
  if (metrics.netExposureX - metrics.netExposureX !== 0) throw new Error('net_exposure_x is not finite');

  const order = limits.order === null ? null : orderFigures(intent, metrics.price, metrics.multiplier);
  if (order !== null && order.notional - order.notional !== 0) throw new Error('order_notional is not finite');
  // The caller's scratch context (see newRuleContext), every field written.
  ctx.intent = intent;
  ctx.limits = limits;
  ctx.metrics = metrics;
  ctx.equity = equity;
  ctx.killSwitchActive = counts.killSwitchActive;
  ctx.globalCount = counts.globalCount;
  ctx.strategyCount = counts.strategyCount;
  // Reduce-only halts: an order that only shrinks its position passes KILL-001 and LOSS-001/002.
  ctx.halts = !(compiled.reduceOnly && onlyReduces(metrics.currentQty, metrics.newQty));
  ctx.duplicateOf = counts.duplicateOf ?? null;
  ctx.order = order;
  ctx.lotSize = compiled.instruments.size === 0 ? null : (compiled.instruments.get(intent.instrument.symbol)?.lotSize ?? null);
  const violations: Violation[] = [];
  for (const rule of compiled.v02 ? RULES : RULES_V01) {
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
  if (order !== null || compiled.maxPriceAgeSeconds !== null) orderEvidence(evidence, intent, limits, order, compiled, counts.priceAge ?? null);

  let killSwitchTriggered = false;
  for (const v of violations) if (compiled.tripOn.has(v.rule_id)) killSwitchTriggered = true;

  const id = intent.intent_id;
  const trip = killSwitchTriggered;
  // Keys in the wire order (decision, intent_id, modified_intent, …), as the Python package writes them.
  if (!compiled.enforce || violations.length === 0) {
    return { decision: 'ALLOW', intent_id: id, modified_intent: null, violations, evidence, eval_ms: 0, kill_switch_triggered: trip };
  }
  const only = violations.length === 1 && violations[0]!.rule_id === 'EXP-001' ? violations[0]! : undefined;
  const allowed = (only?.computed.allowed_qty as number | undefined) ?? 0;
  if (allowed > 0) {
    return { decision: 'MODIFY', intent_id: id, modified_intent: { ...intent, qty: allowed }, violations, evidence, eval_ms: 0, kill_switch_triggered: trip };
  }
  return { decision: 'DENY', intent_id: id, modified_intent: null, violations, evidence, eval_ms: 0, kill_switch_triggered: trip };
}

/** The v0.2 evidence items, each only when its resolved limit is set. */
function orderEvidence(evidence: Evidence[], intent: OrderIntent, limits: ResolvedLimits, order: OrderFigures | null, compiled: CompiledPolicy, priceAge: number | null): void {
  const o = limits.order;
  if (o !== null && order !== null) {
    if (o.max_order_qty !== null) evidence.push({ metric: 'order_qty', value: r6(intent.qty), limit: o.evidence.qty });
    if (o.max_order_notional !== null) evidence.push({ metric: 'order_notional', value: r6(order.notional), limit: o.evidence.notional });
    if (o.price_collar_pct !== null) evidence.push({ metric: 'limit_price_deviation', value: order.deviation === null ? null : r6(order.deviation), limit: o.evidence.collar });
  }
  if (compiled.maxPriceAgeSeconds !== null && priceAge !== null) evidence.push({ metric: 'price_age_seconds', value: r6(priceAge), limit: compiled.priceAgeEvidence });
}

function decide(compiled: CompiledPolicy | Error, intent: OrderIntent, portfolio: PortfolioState, market: MarketSnapshot, execution: ExecutionStateInput, scratch: EvalScratch): Decision {
  const intentId = safeIntentId(intent);
  const m = compiled instanceof Error || !compiled.multiplied ? null : compiled.instruments;
  const priced: Priced = { price: undefined, holdings: scratch.perCall };
  let missing: readonly string[];
  try {
    missing = missingPrices(intent, portfolio, market, m, scratch, priced);
  } catch (e) {
    return systemError(compiled, intentId, e);
  }
  if (missing.length > 0) return missingPriceDecision(intentId, missing);
  if (compiled instanceof Error) return systemError(compiled, intentId, compiled);
  try {
    return decideChecked(compiled, intent, portfolio, market, execution ?? {}, priced, m, scratch);
  } catch (e) {
    return systemError(compiled, intentId, e);
  }
}

const EMPTY_EXECUTION: ExecutionStateInput = Object.freeze({});

/**
 * Evaluates an order against a policy and the portfolio, market and execution state (docs:
 * /docs/semantics/). Pure and deterministic; never throws: missing prices give DENY with SYS-001,
 * stale market data (v0.2) DENY with SYS-003, any other failure (malformed input, a non-finite
 * metric, an invalid policy) gives the policy's `defaults.decision` (DENY unless it says allow) with
 * SYS-002.
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
export function evaluate(intent: OrderIntent, policy: Policy, portfolio: PortfolioState, market: MarketSnapshot, execution: ExecutionStateInput = EMPTY_EXECUTION): Decision {
  return evaluateCompiled(safeCompile(policy), intent, portfolio, market, execution);
}

// The scratch of each compiled policy (a cache keyed by the object it belongs to): a call takes one
// from the pool and gives it back, so a call made from inside another (a getter or a Proxy on the
// inputs that evaluates again) takes a second one and neither overwrites the other.
const pools = new WeakMap<object, EvalScratch[]>();

/** An evaluation's scratch: the metrics' sums and caches, and the rules' context. */
export class EvalScratch extends Scratch {
  readonly ctx: RuleContext = newRuleContext();
}

/**
 * `evaluate` with a policy compiled once (`PolicyEngine` keeps it, and its own scratch pool `owned`):
 * saves the cache lookups per call. Internal: not exported from the package.
 */
export function evaluateCompiled(
  compiled: CompiledPolicy | Error,
  intent: OrderIntent,
  portfolio: PortfolioState,
  market: MarketSnapshot,
  execution: ExecutionStateInput = EMPTY_EXECUTION,
  owned?: EvalScratch[],
): Decision {
  let pool = owned ?? pools.get(compiled);
  if (pool === undefined) pools.set(compiled, (pool = []));
  const scratch = pool.pop() ?? new EvalScratch();
  try {
    const start = performance.now();
    const decision = decide(compiled, intent, portfolio, market, execution, scratch);
    decision.eval_ms = roundMs(performance.now() - start);
    return decision;
  } finally {
    pool.push(scratch);
  }
}

/**
 * DENY with SYS-002 for a gate call made from inside another (by a getter or a Proxy trap on the
 * outer call's inputs). Internal (the gate's guard; `evaluate` itself needs none).
 */
export function nestedCallDecision(compiled: CompiledPolicy | Error, intent: unknown, what: string): Decision {
  const d = systemError(compiled, safeIntentId(intent), new Error(`${what} was called from inside another ${what} (by a getter or a Proxy on its inputs)`));
  d.decision = 'DENY';
  return d;
}

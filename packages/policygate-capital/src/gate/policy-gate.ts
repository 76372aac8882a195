// PolicyGate: the engine with its own execution state — order windows, the kill switch, positions,
// marks and incrementally maintained exposure — so that a trading UI or a strategy loop gets the
// same decisions as the pure `evaluate` without counting anything itself.
//
// Design (README "Stateful gate"):
// - Time is the intents' timestamps, never the wall clock, so replaying a stream reproduces it. The
//   gate's clock is the latest timestamp seen; an intent stamped earlier is checked at the clock
//   (clamped), which counts at least every order an exact placement would and holds new ones at
//   least as long: out-of-order streams err on the side of throttling.
// - An order at time t counts for a check at time s iff s − 60 s < t ≤ s (violations likewise with
//   violation_window_seconds).
// - The gate owns the market state. `check(intent, market)` with a snapshot object it has not seen
//   makes that snapshot its marks (O(symbols), once; the snapshot is frozen so that editing it in
//   place cannot leave the gate on stale prices unnoticed); passing the same object again, or no
//   market, costs nothing. `updatePrices` changes single marks in O(1) each.
// - Gross and net exposure are exact sums kept incrementally (see exposure-book.ts): a check is
//   O(1) in the number of positions and bit-identical to `evaluate` on the same state.
import * as v from 'valibot';
import { buildAuditEvent, type AuditEventOptions } from '../audit/event.js';
import type { AuditEvent } from '../audit/schema.js';
import type { PolicyEngine } from '../engine/policy-engine.js';
import { compareCodePoints, decideFromMetrics, missingPriceDecision, nestedCallDecision, safeIntentId, systemError, type ExecutionCounts } from '../engine/evaluate.js';
import type { Metrics } from '../engine/metrics.js';
import {
  dailyLoss,
  drawdown,
  globalRate,
  grossExposure,
  killSwitchActive,
  netExposure,
  positionSize,
  strategyRate,
  type Rule,
  type RuleContext,
} from '../engine/rules.js';
import type { Decision } from '../engine/types.js';
import { PolicyGateError, ValidationError } from '../errors.js';
import { dataRecord, finiteNumber, str, strictObject, timestamp } from '../model/fields.js';
import { toIssues } from '../model/issues.js';
import { parseMarketSnapshot, parsePortfolioState } from '../model/parse.js';
import type { ExecutionState, MarketSnapshot, OrderIntent, PortfolioState } from '../model/schemas.js';
import { compilePolicy, resolveLimits, type CompiledPolicy, type ResolvedLimits } from '../policy/compile.js';
import type { RuleId } from '../policy/schema.js';
import { pyRound } from '../util/py-round.js';
import { ENGINE_VERSION } from '../version.js';
import { ExposureBook, isValidPrice } from './exposure-book.js';
import { KillSwitch, type KillSwitchState } from './kill-switch.js';
import { GATE_SNAPSHOT_FORMAT, parseGateSnapshot, type GateSnapshot } from './snapshot.js';
import { formatTimestampUs, parseTimestampUs, SECOND } from './time.js';
import { TimeWindow } from './windows.js';
import { safeParse } from '../util/safe-parse.js';

const ORDER_WINDOW_US = 60 * SECOND;
const EPOCH = '1970-01-01T00:00:00Z';

/**
 * Options of a {@link PolicyGate}.
 *
 * @example
 * ```ts
 * const gate = new PolicyGate(engine, { portfolio, market, autoRecord: false })
 * ```
 */
export interface PolicyGateOptions {
  /** The starting portfolio (validated like `parsePortfolioState`). Without one every check is SYS-002 until `setPortfolio`. */
  portfolio?: PortfolioState;
  /** The starting market snapshot (validated like `parseMarketSnapshot`). */
  market?: MarketSnapshot;
  /**
   * Count every ALLOW/MODIFY in the order windows as soon as it is decided (default true). Set
   * false when checks are previews and only some orders are sent: then call `record(decision)` for
   * each order actually sent. Forgetting `record` under-counts, so the default counts.
   */
  autoRecord?: boolean;
}

/**
 * A fill reported by the broker: `qty` > 0 bought or sold at `price` > 0.
 *
 * @example
 * ```ts
 * const fill: Fill = { symbol: 'AAPL', side: 'buy', qty: 25, price: 200.05 }
 * gate.applyFill(fill)
 * ```
 */
export interface Fill {
  symbol: string;
  side: 'buy' | 'sell';
  qty: number;
  price: number;
}

/**
 * Changes to the portfolio's equity figures; fields left out keep their value.
 *
 * @example
 * ```ts
 * gate.updateEquity({ equity: 98_250, unrealized_pnl: -1_750 })
 * ```
 */
export interface EquityUpdate {
  equity?: number;
  start_of_day_equity?: number;
  peak_equity?: number;
  realized_pnl_today?: number;
  unrealized_pnl?: number;
}

/**
 * One check with the exact state it was decided on: `evaluate(intent, policy, portfolio, market,
 * execution)` returns the same decision (up to `eval_ms`). `execution` is the gate's execution state
 * *as it was at the check*, before this order was counted.
 *
 * @example
 * ```ts
 * const c: GateCheck = gate.checkDetailed(intent, market)
 * evaluate(c.intent, engine.policy, c.portfolio, c.market, c.execution) // same decision as c.decision
 * ```
 */
export interface GateCheck {
  decision: Decision;
  intent: OrderIntent;
  portfolio: PortfolioState;
  market: MarketSnapshot;
  execution: ExecutionState;
}

/**
 * Options of {@link PolicyGate.maxQty}.
 *
 * @example
 * ```ts
 * gate.maxQty('BTC-USD', 'buy', market, { strategyId: 'momentum_v1', lot: 0.0001 })
 * ```
 */
export interface MaxQtyOptions {
  /** The strategy that would send the order: selects strategy overrides and EXEC-002 (default: none). */
  strategyId?: string;
  /** The quantity step (default 1e-8, the engine's quantity resolution; use 1 for whole shares). */
  lot?: number;
}

/**
 * What {@link PolicyGate.maxQty} found.
 *
 * @example
 * ```ts
 * const m: MaxQty = gate.maxQty('AAPL', 'buy', market, { lot: 1 })
 * // { qty: 25, binding: 'EXP-001', limit: 0.05, lot: 1, blockedBy: [] }
 * ```
 */
export interface MaxQty {
  /** The largest multiple of `lot` that no exposure rule (EXP-001/002/003) would block now; 0 if none. */
  qty: number;
  /** The exposure rule that blocks `qty + lot`, or null when no price allows an answer (see `blockedBy`). */
  binding: 'EXP-001' | 'EXP-002' | 'EXP-003' | null;
  /** The binding rule's resolved limit (max_position_pct, max_gross_exposure_x or max_net_exposure_x). */
  limit: number | null;
  /** The step used. */
  lot: number;
  /**
   * Rules that would deny an order of any size right now: SYS-001 (missing prices), KILL-001,
   * LOSS-001, LOSS-002, EXEC-001 and (with `strategyId`) EXEC-002. Empty when only size matters.
   */
  blockedBy: RuleId[];
}

/**
 * Options of {@link PolicyGate.restore}.
 *
 * @example
 * ```ts
 * PolicyGate.restore(newEngine, saved, { allowPolicyChange: true }) // carry state over a policy update
 * ```
 */
export interface RestoreOptions {
  /** As in {@link PolicyGateOptions}; default true. */
  autoRecord?: boolean;
  /**
   * Restore a snapshot taken under a different policy (its `policy_hash` differs from the
   * engine's). Default false: a mismatch throws, because windows and a latched kill switch were
   * accumulated under other limits.
   */
  allowPolicyChange?: boolean;
}

interface Pending {
  us: number;
  strategy: string;
}

const FillSchema = strictObject({
  symbol: v.pipe(str(), v.minLength(1, 'must not be empty')),
  side: v.picklist(['buy', 'sell'], (i) => `must be buy or sell, got ${i.received}`),
  qty: finiteNumber({ gt: 0 }),
  price: finiteNumber({ gt: 0 }),
});

const EquityUpdateSchema = strictObject({
  equity: v.optional(finiteNumber({ gt: 0 })),
  start_of_day_equity: v.optional(finiteNumber({ gt: 0 })),
  peak_equity: v.optional(finiteNumber({ gt: 0 })),
  realized_pnl_today: v.optional(finiteNumber()),
  unrealized_pnl: v.optional(finiteNumber()),
});

const PricesSchema = dataRecord(finiteNumber());
const TimestampSchema = timestamp();

function validate<T>(subject: string, schema: v.GenericSchema<unknown, T>, value: unknown): T {
  const result = safeParse(schema, value);
  if (!result.success) throw new ValidationError(subject, toIssues(result.issues));
  return result.output;
}

function validInstant(subject: string, path: string, value: unknown): number {
  const us = parseTimestampUs(value);
  if (Number.isNaN(us)) {
    throw new ValidationError(subject, [{ path, message: `must be an RFC 3339 timestamp such as 2026-02-18T14:30:00Z, got ${String(value)}` }]);
  }
  return us;
}

/**
 * A stateful pre-trade gate: evaluates orders like {@link evaluate} while keeping the execution
 * state itself — orders per 60 s globally and per strategy (sliding windows on the intents'
 * timestamps), the kill switch (tripped by a decision's `kill_switch_triggered` or by
 * `trip_after_n_violations` violations within `violation_window_seconds`, latched until
 * {@link PolicyGate.resetKillSwitch}), positions (fills), marks and equity.
 *
 * A check costs O(1) in the number of positions: exposure is kept incrementally with exact sums,
 * so decisions are bit-identical to `evaluate` on the state the gate reports ({@link
 * PolicyGate.checkDetailed}).
 *
 * @example
 * ```ts
 * const engine = await PolicyEngine.fromYaml(policyYaml)
 * const gate = new PolicyGate(engine, { portfolio })
 * const d = gate.check(intent, market) // counted in the windows if ALLOW/MODIFY
 * if (d.decision !== 'DENY') broker.send(d.modified_intent ?? intent)
 * gate.applyFill({ symbol: 'AAPL', side: 'buy', qty: 25, price: 200.1 })
 * ```
 */
export class PolicyGate {
  /** The engine (policy and hash) this gate enforces. */
  readonly engine: PolicyEngine;
  /** Whether ALLOW/MODIFY decisions are counted in the windows as soon as they are made. */
  readonly autoRecord: boolean;

  private readonly compiled: CompiledPolicy;
  private readonly book = new ExposureBook();
  private hasPortfolio = false;
  private equity = 0;
  private startOfDayEquity = 0;
  private peakEquity = 0;
  private realizedPnlToday = 0;
  private unrealizedPnl = 0;
  private marketRef: object | undefined;
  private marketTimestamp: string | null = null;
  private clockUs: number | null = null;
  private readonly orders = new TimeWindow();
  private readonly byStrategy = new Map<string, TimeWindow>();
  private readonly pending = new Map<string, Pending>();
  private readonly kill: KillSwitch;
  private readonly counts: ExecutionCounts = { killSwitchActive: false, globalCount: 0, strategyCount: 0 };
  private readonly scratchMetrics: Metrics = {
    dailyReturn: 0, drawdown: 0, price: 0, multiplier: 1, currentQty: 0, newQty: 0, newPositionPct: 0,
    grossBefore: 0, grossAfter: 0, netBefore: 0, netAfter: 0, grossExposureX: 0, netExposureX: 0,
  };
  // SPEC step 2's loss figures, recomputed when the equity figures change.
  private dailyReturn = 0;
  private drawdown = 0;
  // Set by decide(): when this check happened (null: no valid timestamp) and for which strategy.
  private at: number | null = null;
  private strategy: string | undefined;
  private strategyWindow: TimeWindow | undefined;
  private checking = false;

  /**
   * Creates a gate for `engine`'s policy, optionally with a starting portfolio and market.
   *
   * @throws {ValidationError} when the portfolio or market is malformed (with the field's path).
   */
  constructor(engine: PolicyEngine, options: PolicyGateOptions = {}) {
    const compiled = compilePolicy(engine.policy);
    if (compiled instanceof Error) throw new PolicyGateError('ERR_POLICY', compiled.message);
    this.engine = engine;
    this.compiled = compiled;
    this.autoRecord = options.autoRecord ?? true;
    const ks = compiled.policy.limits.kill_switch;
    this.kill = new KillSwitch(compiled.tripOn, ks.trip_after_n_violations, ks.violation_window_seconds * SECOND);
    if (options.portfolio !== undefined) this.setPortfolio(options.portfolio);
    if (options.market !== undefined) this.setMarket(options.market);
  }

  // ---------------------------------------------------------------- checks

  /**
   * Decides one order on the gate's state (never throws; errors are decisions, as in `evaluate`).
   * `market`, when given, becomes the gate's market (see the class notes: a new object is adopted
   * and frozen, the same object again is free); omitted, the gate's current marks are used.
   *
   * Afterwards the decision's violations count toward the kill switch, a `kill_switch_triggered`
   * decision trips it, and (with `autoRecord`) an ALLOW/MODIFY is counted in the order windows.
   * While the switch is tripped every order is denied (KILL-001; SYS-001/SYS-002 come first, as in
   * `evaluate`), in enforce mode. An intent whose timestamp is not RFC 3339 is denied with SYS-002
   * whatever `defaults.decision` says: it cannot be placed in the windows.
   *
   * @example
   * ```ts
   * const d = gate.check(intent, market)
   * if (d.decision === 'MODIFY') send(d.modified_intent)
   * ```
   */
  check(intent: OrderIntent, market?: MarketSnapshot): Decision {
    return this.run(intent, market, false) as Decision;
  }

  /**
   * Like {@link PolicyGate.check}, and also returns the state the decision was made on — the
   * portfolio, the marks and the execution state as they were at the check — for audit trails and
   * debugging. Costs O(positions) for the copies; `check` does not.
   *
   * @example
   * ```ts
   * const { decision, execution } = gate.checkDetailed(intent, market)
   * console.log(execution.orders_last_60s_global, execution.kill_switch_active)
   * ```
   */
  checkDetailed(intent: OrderIntent, market?: MarketSnapshot): GateCheck {
    return this.run(intent, market, true) as GateCheck;
  }

  /**
   * Counts a checked order in the order windows (for gates created with `autoRecord: false`): call
   * it when the order is actually sent. The order counts at its check's time. Returns false for a
   * DENY (nothing to count).
   *
   * @throws {PolicyGateError} `ERR_GATE_AUTO_RECORD` when the gate records automatically;
   *   `ERR_GATE_NOT_PENDING` when there is no unrecorded ALLOW/MODIFY check for this intent id
   *   (already recorded, never checked by this gate, or checked more than 60 s before the clock —
   *   check it again).
   * @example
   * ```ts
   * const gate = new PolicyGate(engine, { portfolio, autoRecord: false })
   * const d = gate.check(intent, market)
   * if (userConfirms(d)) { broker.send(intent); gate.record(d) }
   * ```
   */
  record(decision: Decision): boolean {
    if (this.autoRecord) {
      throw new PolicyGateError('ERR_GATE_AUTO_RECORD', 'This gate counts orders automatically; create it with autoRecord: false to record them yourself.');
    }
    if (decision.decision === 'DENY') return false;
    const p = this.pending.get(decision.intent_id);
    if (!p || (this.clockUs !== null && p.us <= this.clockUs - ORDER_WINDOW_US)) {
      this.pending.delete(decision.intent_id);
      throw new PolicyGateError(
        'ERR_GATE_NOT_PENDING',
        `No unrecorded ALLOW/MODIFY check for intent '${decision.intent_id}': already recorded, not checked by this gate, or checked more than 60 s ago (check it again).`,
      );
    }
    this.pending.delete(decision.intent_id);
    this.countOrder(p.us, p.strategy);
    return true;
  }

  /**
   * The audit event of a check (SPEC.md "Audit trail"), built with `buildAuditEvent` from the state
   * the check was decided on: the execution state is the gate's as it was at the check (order
   * counts, violations in the window, the kill switch), so replaying the event with the pure engine
   * reproduces the gate's decision.
   *
   * @throws {ValidationError} when `options.timestamp` or `options.eventId` is malformed.
   * @example
   * ```ts
   * const check = gate.checkDetailed(intent, market)
   * await sink.append(gate.auditEvent(check, { runId: 'live-1' }))
   * if (check.decision.decision !== 'DENY') send(check.decision.modified_intent ?? intent)
   * ```
   */
  auditEvent(check: GateCheck, options: AuditEventOptions = {}): AuditEvent {
    return buildAuditEvent(check.decision, check.intent, check.portfolio, check.market, check.execution, this.engine.policyHash, options);
  }

  private run(intent: OrderIntent, market: MarketSnapshot | undefined, capture: boolean): Decision | GateCheck {
    // A getter or Proxy on the intent or market that checked an order with this gate would change
    // its clock, windows and book halfway through this check: such a nested check is denied.
    if (this.checking) {
      const d = nestedCallDecision(this.compiled, intent, 'PolicyGate.check');
      return capture ? this.captured(d, intent, this.clockUs) : d;
    }
    this.checking = true;
    try {
      return this.runChecked(intent, market, capture);
    } finally {
      this.checking = false;
    }
  }

  private runChecked(intent: OrderIntent, market: MarketSnapshot | undefined, capture: boolean): Decision | GateCheck {
    const start = performance.now();
    const intentId = safeIntentId(intent);
    const killed = this.kill.active;
    let decision: Decision;
    this.at = null;
    this.strategy = undefined;
    this.strategyWindow = undefined;
    try {
      decision = this.decide(intent, market, intentId, killed);
    } catch (e) {
      decision = systemError(this.compiled, intentId, e);
    }
    // The switch dominates an allow-on-error policy: while tripped nothing is allowed (enforce mode).
    if (killed && this.compiled.enforce && decision.decision !== 'DENY') {
      decision = { ...decision, decision: 'DENY', modified_intent: null };
    }
    const at = this.at ?? this.clockUs;
    const result = capture ? this.captured(decision, intent, at) : decision;
    this.kill.observe(decision, at, intentId);
    if (decision.decision !== 'DENY' && this.at !== null && this.strategy !== undefined) {
      if (this.autoRecord) {
        this.orders.add(this.at, this.strategy);
        let w = this.strategyWindow as TimeWindow | undefined; // set by decide()
        if (w === undefined) this.byStrategy.set(this.strategy, (w = new TimeWindow()));
        w.add(this.at);
      } else {
        this.pending.delete(intentId); // re-insert at the end: the map stays in time order
        this.pending.set(intentId, { us: this.at, strategy: this.strategy });
      }
    }
    // Below 0.0005 ms, round(x, 3) is 0: skip the exact decimal rounding on the common fast check.
    const ms = performance.now() - start;
    decision.eval_ms = ms < 0.0005 ? 0 : pyRound(ms, 3);
    return result;
  }

  private decide(intent: OrderIntent, market: MarketSnapshot | undefined, intentId: string, killed: boolean): Decision {
    if (market !== undefined && market !== this.marketRef) this.adoptMarket(market);
    const symbol = intent.instrument.symbol;
    if (typeof symbol !== 'string') throw new Error('intent.instrument.symbol must be a string');

    const us = parseTimestampUs(intent.timestamp);
    if (us === us) {
      const clock = this.clockUs;
      this.at = this.clockUs = clock === null || us > clock ? us : clock;
    }
    // Known before anything else can fail: an allow-on-error policy's ALLOW is still an order sent,
    // and it must be counted.
    const strategyId = intent.strategy_id;
    if (typeof strategyId === 'string') this.strategy = strategyId;

    // SYS-001 in O(1): the book counts held symbols without a valid price.
    const book = this.book;
    const price = book.prices.get(symbol)!;
    const priced = isValidPrice(price);
    const unpriced = book.unpriced;
    if (!priced || (unpriced.size > 0 && !(unpriced.size === 1 && unpriced.has(symbol)))) {
      return this.missingPricesDecision(symbol, priced, intentId);
    }
    if (this.at === null) {
      const d = systemError(this.compiled, intentId, new Error(`intent.timestamp must be an RFC 3339 timestamp such as 2026-02-18T14:30:00Z, got ${String(intent.timestamp)}`));
      d.decision = 'DENY';
      return d;
    }
    if (!this.hasPortfolio) throw new Error('the gate has no portfolio: pass one to the constructor or call setPortfolio');

    // The cheap checks `evaluate` makes, with its messages.
    const { qty, side } = intent;
    if (typeof qty !== 'number' || !(qty > 0) || qty === Infinity) throw new Error(`intent.qty must be a finite number > 0, got ${String(qty)}`);
    if (side !== 'buy' && side !== 'sell') throw new Error(`intent.side must be buy or sell, got ${String(side)}`);
    if (typeof strategyId !== 'string') throw new Error('intent.strategy_id must be a string');

    const now = this.at;
    const orders = this.orders;
    orders.evict(now - ORDER_WINDOW_US);
    const counts = this.counts;
    counts.killSwitchActive = killed;
    counts.globalCount = orders.size;
    let w = this.byStrategy.get(strategyId);
    if (w !== undefined) {
      w.evict(now - ORDER_WINDOW_US);
      if (w.size === 0) {
        this.byStrategy.delete(strategyId); // only strategies with recent orders keep a window
        w = undefined;
      }
    }
    counts.strategyCount = w === undefined ? 0 : w.size;
    this.strategyWindow = w;

    const limits = resolveLimits(this.compiled, symbol, strategyId);
    const metrics = this.metrics(symbol, side, qty, price);
    return decideFromMetrics(this.compiled, intent, limits, metrics, this.equity, counts);
  }

  /**
   * SPEC step 2 from the book, in O(1): the formulas of `metricsFromSums`, but the "before" sums are
   * the book's totals as they stand (cached) and the "after" sums swap one term of the exact totals,
   * so a check costs two exact additions instead of rebuilding the other holdings' sums. The
   * property tests pin the result bit for bit to `evaluate` on the same state. The returned object
   * is reused: `decideFromMetrics` copies what it keeps.
   */
  private metrics(symbol: string, side: 'buy' | 'sell', qty: number, price: number): Metrics {
    const book = this.book;
    const equity = this.equity;
    const current = book.qty(symbol);
    const newQty = side === 'buy' ? current + qty : current - qty;
    const before = current * price;
    const after = newQty * price;
    const m = this.scratchMetrics;
    m.dailyReturn = this.dailyReturn;
    m.drawdown = this.drawdown;
    m.price = price;
    m.multiplier = 1;
    m.currentQty = current;
    m.newQty = newQty;
    m.newPositionPct = Math.abs(after) / equity;
    m.grossBefore = book.grossBefore();
    m.grossAfter = book.grossAfter(before, after);
    m.netBefore = Math.abs(book.netBefore());
    m.netAfter = Math.abs(book.netAfter(before, after));
    m.grossExposureX = m.grossAfter / equity;
    m.netExposureX = m.netAfter / equity;
    return m;
  }

  private missingPricesDecision(symbol: string, priced: boolean, intentId: string): Decision {
    // SPEC step 1: the intent's symbol, then every other unpriced holding in sorted order.
    const missing = priced ? [] : [symbol];
    const others: string[] = [];
    for (const s of this.book.unpriced) if (s !== symbol) others.push(s);
    missing.push(...others.sort(compareCodePoints));
    return missingPriceDecision(intentId, missing);
  }

  private captured(decision: Decision, intent: OrderIntent, at: number | null): GateCheck {
    return {
      decision,
      intent,
      portfolio: this.portfolioRecord(),
      market: this.marketRecord(),
      execution: this.executionAt(at),
    };
  }

  private adoptMarket(market: MarketSnapshot): void {
    const prices = market.prices;
    if (!prices || typeof prices !== 'object' || Array.isArray(prices)) throw new Error('market.prices must be an object');
    this.book.replacePrices(prices);
    this.marketTimestamp = typeof market.timestamp === 'string' ? market.timestamp : null;
    // Frozen: editing a snapshot in place after the gate adopted it would leave the gate on the old
    // prices (it does not look at a snapshot twice); freezing turns that mistake into a TypeError.
    Object.freeze(prices);
    Object.freeze(market);
    this.marketRef = market;
  }

  private countOrder(us: number, strategy: string): void {
    this.orders.add(us, strategy);
    let w = this.byStrategy.get(strategy);
    if (w === undefined) this.byStrategy.set(strategy, (w = new TimeWindow()));
    w.add(us);
  }

  // ---------------------------------------------------------------- state changes

  /**
   * Replaces the whole portfolio (equity figures and positions). O(positions).
   *
   * @throws {ValidationError} naming each malformed field, e.g. `positions.AAPL: must be a finite number`.
   * @example
   * ```ts
   * gate.setPortfolio({ equity: 1e5, start_of_day_equity: 1e5, peak_equity: 1e5, positions: { AAPL: 100 } })
   * ```
   */
  setPortfolio(portfolio: PortfolioState): void {
    const p = parsePortfolioState(portfolio);
    this.equity = p.equity;
    this.startOfDayEquity = p.start_of_day_equity;
    this.peakEquity = p.peak_equity;
    this.realizedPnlToday = p.realized_pnl_today;
    this.unrealizedPnl = p.unrealized_pnl;
    this.book.replacePositions(p.positions);
    this.hasPortfolio = true;
    this.lossFigures();
  }

  private lossFigures(): void {
    this.dailyReturn = (this.equity - this.startOfDayEquity) / this.startOfDayEquity;
    this.drawdown = (this.peakEquity - this.equity) / this.peakEquity;
  }

  /**
   * Updates equity figures in O(1). Raising `equity` above `peak_equity` also raises the peak (a
   * high-water mark), unless `peak_equity` is given too: a forgotten peak would understate drawdown.
   *
   * @throws {ValidationError} for a malformed or unknown field; {@link PolicyGateError}
   *   `ERR_GATE_NO_PORTFOLIO` before any portfolio was set.
   * @example
   * ```ts
   * gate.updateEquity({ equity: 97_500 }) // after a mark-to-market from the broker
   * ```
   */
  updateEquity(update: EquityUpdate): void {
    const u = validate('equity update', EquityUpdateSchema, update);
    this.requirePortfolio();
    if (u.equity !== undefined) this.equity = u.equity;
    if (u.start_of_day_equity !== undefined) this.startOfDayEquity = u.start_of_day_equity;
    if (u.peak_equity !== undefined) this.peakEquity = u.peak_equity;
    else if (this.equity > this.peakEquity) this.peakEquity = this.equity;
    if (u.realized_pnl_today !== undefined) this.realizedPnlToday = u.realized_pnl_today;
    if (u.unrealized_pnl !== undefined) this.unrealizedPnl = u.unrealized_pnl;
    this.lossFigures();
  }

  /**
   * Applies a fill: the position moves by ±qty, and the symbol is marked at the fill price (the
   * latest trade known for it) until the next market snapshot or `updatePrices`. O(1). Equity is
   * not changed: it is the broker's figure (`updateEquity`). Returns the new position.
   *
   * @throws {ValidationError} naming each malformed field; {@link PolicyGateError}
   *   `ERR_GATE_NO_PORTFOLIO` before any portfolio was set.
   * @example
   * ```ts
   * gate.applyFill({ symbol: 'AAPL', side: 'buy', qty: 25, price: 200.05 }) // → 125
   * ```
   */
  applyFill(fill: Fill): number {
    const f = validate('fill', FillSchema, fill);
    this.requirePortfolio();
    const qty = this.book.qty(f.symbol) + (f.side === 'buy' ? f.qty : -f.qty);
    this.book.setQty(f.symbol, qty);
    this.book.setPrice(f.symbol, f.price);
    return qty;
  }

  /**
   * Changes some marks in O(1) each, keeping the others (a streaming price feed); `timestamp`, when
   * given, becomes the market snapshot's timestamp. A zero or negative price is accepted and counts
   * as missing (SYS-001), as in a snapshot.
   *
   * @throws {ValidationError} naming each malformed price.
   * @example
   * ```ts
   * gate.updatePrices({ AAPL: 201.25 }, '2026-02-18T14:30:01Z')
   * gate.check(intent) // uses the updated marks
   * ```
   */
  updatePrices(prices: Record<string, number>, timestamp?: string): void {
    const p = validate('prices', PricesSchema, prices);
    if (timestamp !== undefined) validate('market', v.object({ timestamp: TimestampSchema }), { timestamp });
    for (const symbol of Object.keys(p)) this.book.setPrice(symbol, p[symbol]!);
    if (timestamp !== undefined) this.marketTimestamp = timestamp;
  }

  /**
   * Makes a validated snapshot the gate's market (all marks replaced). `check(intent, market)` does
   * the same without validation.
   *
   * @throws {ValidationError} naming each malformed field.
   * @example
   * ```ts
   * gate.setMarket({ timestamp: '2026-02-18T14:30:00Z', prices: { AAPL: 200 } })
   * ```
   */
  setMarket(market: MarketSnapshot): void {
    this.adoptMarket(parseMarketSnapshot(market));
  }

  /**
   * Resets a tripped kill switch. The reset is recorded in the switch's history with `reason` and
   * the time (`at`, default the gate's clock); violations counted so far are cleared, since the
   * reset acknowledges them. Returns false, recording nothing, when the switch was not tripped.
   *
   * @throws {ValidationError} when `reason` is empty or `at` is not an RFC 3339 timestamp.
   * @example
   * ```ts
   * if (gate.killSwitch.active) gate.resetKillSwitch('risk desk: drawdown reviewed (J. Doe)')
   * ```
   */
  resetKillSwitch(reason: string, at?: string): boolean {
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new ValidationError('kill switch reset', [{ path: 'reason', message: 'must be a non-empty string saying who reset it and why' }]);
    }
    let now = this.clockUs;
    if (at !== undefined) {
      const us = validInstant('kill switch reset', 'at', at);
      now = this.clockUs = now === null || us > now ? us : now;
    }
    return this.kill.reset(now, reason);
  }

  private requirePortfolio(): void {
    if (!this.hasPortfolio) throw new PolicyGateError('ERR_GATE_NO_PORTFOLIO', 'The gate has no portfolio yet: pass one to the constructor or call setPortfolio.');
  }

  // ---------------------------------------------------------------- queries

  /**
   * The largest quantity of `symbol` that every exposure rule (EXP-001 position, EXP-002 gross,
   * EXP-003 net) would allow right now, and the rule that binds — for an order ticket's "you can
   * buy up to N". Consistent with `check`: an order of exactly `qty` gets no exposure violation,
   * and `qty + lot` gets the `binding` one (computed in closed form, then confirmed with the rules
   * themselves). `blockedBy` lists rules that would deny any size now (kill switch, loss, throttles,
   * missing prices). `market`, when given, is adopted as by `check`.
   *
   * @throws {ValidationError} for a malformed argument; {@link PolicyGateError}
   *   `ERR_GATE_NO_PORTFOLIO` before any portfolio was set.
   * @example
   * ```ts
   * const { qty, binding } = gate.maxQty('AAPL', 'buy', market, { lot: 1 })
   * ticket.hint = `You can buy up to ${qty} AAPL (${binding})`
   * ```
   */
  maxQty(symbol: string, side: 'buy' | 'sell', market?: MarketSnapshot, options: MaxQtyOptions = {}): MaxQty {
    const args = validate(
      'maxQty',
      strictObject({
        symbol: v.pipe(str(), v.minLength(1, 'must not be empty')),
        side: v.picklist(['buy', 'sell'], (i) => `must be buy or sell, got ${i.received}`),
        strategyId: v.optional(str()),
        lot: v.optional(finiteNumber({ gt: 0 })),
      }),
      { symbol, side, ...(options.strategyId !== undefined && { strategyId: options.strategyId }), ...(options.lot !== undefined && { lot: options.lot }) },
    );
    this.requirePortfolio();
    if (market !== undefined && market !== this.marketRef) {
      try {
        this.adoptMarket(market);
      } catch (e) {
        throw new ValidationError('market', [{ path: 'prices', message: (e as Error).message }]);
      }
    }
    const lot = args.lot ?? 1e-8;
    const strategyId = args.strategyId;
    const book = this.book;
    const price = book.prices.get(symbol)!;
    if (!isValidPrice(price) || book.unpriced.size > 0) return { qty: 0, binding: null, limit: null, lot, blockedBy: ['SYS-001'] };

    const limits = strategyId === undefined ? this.limitsWithoutStrategy(symbol) : resolveLimits(this.compiled, symbol, strategyId);
    const probe: OrderIntent = {
      intent_id: '',
      timestamp: this.clockUs === null ? EPOCH : formatTimestampUs(this.clockUs),
      strategy_id: strategyId ?? '',
      account_id: '',
      instrument: { symbol, asset_class: 'equity' },
      side,
      order_type: 'market',
      qty: 0,
      limit_price: null,
    };
    const ctx = (qty: number): RuleContext => {
      probe.qty = qty;
      return { intent: probe, limits, metrics: this.metrics(symbol, side, qty, price), equity: this.equity, ...this.countsAt(strategyId) };
    };
    const fires = (qty: number): Rule | undefined => {
      const c = ctx(qty);
      const m = c.metrics;
      if (!Number.isFinite(m.newPositionPct) || !Number.isFinite(m.grossExposureX) || !Number.isFinite(m.netExposureX)) return positionSize;
      return positionSize(c) ? positionSize : grossExposure(c) ? grossExposure : netExposure(c) ? netExposure : undefined;
    };

    // Closed form, per rule: an order is allowed when it does not increase what the rule measures,
    // or stays within the limit. In |new position| terms: |c + s·q| ≤ max(|c|, bound).
    const e = this.equity;
    const c = book.qty(symbol);
    const sgn = side === 'buy' ? 1 : -1;
    const ex = limits.exposure;
    const q1 = Math.max(Math.abs(c), (ex.max_position_pct * e) / price) - sgn * c;
    const othersGross = book.grossBefore() - Math.abs(c * price);
    const q2 = Math.max(Math.abs(c), (ex.max_gross_exposure_x * e - othersGross) / price) - sgn * c;
    const net = book.netBefore();
    const q3 = ex.max_net_exposure_x == null ? Infinity : (Math.max(Math.abs(net), ex.max_net_exposure_x * e) - sgn * net) / price;
    const estimate = Math.max(0, Math.min(q1, q2, q3));

    const inv = Math.round(1 / lot);
    const grid = inv >= 1 && Math.abs(inv * lot - 1) < 1e-12 ? (k: number) => k / inv : (k: number) => k * lot;
    const k = largestAllowed((k) => fires(grid(k)) !== undefined, Math.floor(estimate / lot));
    const qty = grid(k);
    const rule = fires(grid(k + 1)) ?? fires(qty + lot);
    const binding = rule === positionSize ? 'EXP-001' : rule === grossExposure ? 'EXP-002' : rule === netExposure ? 'EXP-003' : null;
    const limit =
      binding === 'EXP-001' ? ex.max_position_pct : binding === 'EXP-002' ? ex.max_gross_exposure_x : binding === 'EXP-003' ? ex.max_net_exposure_x : null;

    const c0 = ctx(qty);
    const blockedBy: RuleId[] = [];
    for (const [id, r] of [
      ['KILL-001', killSwitchActive],
      ['LOSS-001', dailyLoss],
      ['LOSS-002', drawdown],
      ['EXEC-001', globalRate],
      ['EXEC-002', strategyRate],
    ] as const) {
      if (id === 'EXEC-002' && strategyId === undefined) continue;
      if (r(c0)) blockedBy.push(id);
    }
    return { qty, binding, limit: limit ?? null, lot, blockedBy };
  }

  private limitsWithoutStrategy(symbol: string): ResolvedLimits {
    const c = this.compiled;
    const sym = c.symbols.get(symbol);
    return sym ? { exposure: sym.exposure ?? c.base.exposure, loss: sym.loss ?? c.base.loss, execution: sym.execution ?? c.base.execution, order: sym.order ?? c.base.order } : c.base;
  }

  private countsAt(strategyId: string | undefined): ExecutionCounts {
    const now = this.clockUs;
    if (now !== null) this.orders.evict(now - ORDER_WINDOW_US);
    const w = strategyId === undefined ? undefined : this.byStrategy.get(strategyId);
    if (w !== undefined && now !== null) w.evict(now - ORDER_WINDOW_US);
    return { killSwitchActive: this.kill.active, globalCount: this.orders.size, strategyCount: w?.size ?? 0 };
  }

  /** The gate's clock: the latest intent timestamp seen (RFC 3339 UTC), null before the first check. */
  get clock(): string | null {
    return this.clockUs === null ? null : formatTimestampUs(this.clockUs);
  }

  /**
   * The current portfolio (a copy; positions without zero entries), or null before one is set.
   *
   * @example
   * ```ts
   * console.log(gate.portfolio?.positions.AAPL)
   * ```
   */
  get portfolio(): PortfolioState | null {
    return this.hasPortfolio ? this.portfolioRecord() : null;
  }

  /**
   * The current market state (a copy): the adopted snapshot's timestamp and every mark.
   *
   * @example
   * ```ts
   * console.log(gate.market.prices.AAPL)
   * ```
   */
  get market(): MarketSnapshot {
    return this.marketRecord();
  }

  /**
   * The kill switch: whether it is tripped, since when and why, and its history of trips and resets.
   *
   * @example
   * ```ts
   * if (gate.killSwitch.active) banner(gate.killSwitch.reason)
   * ```
   */
  get killSwitch(): KillSwitchState {
    return this.kill.state();
  }

  /**
   * The execution state at the gate's clock, in the wire format `evaluate` takes: orders in the
   * last 60 s globally and per strategy, violations in the kill switch's window, and the switch.
   *
   * @example
   * ```ts
   * const exec = gate.executionState()
   * console.log(`${exec.orders_last_60s_global} orders in the last minute`)
   * ```
   */
  executionState(): ExecutionState {
    return this.executionAt(this.clockUs);
  }

  private portfolioRecord(): PortfolioState {
    return {
      equity: this.equity,
      start_of_day_equity: this.startOfDayEquity,
      peak_equity: this.peakEquity,
      positions: this.book.positionsRecord(),
      realized_pnl_today: this.realizedPnlToday,
      unrealized_pnl: this.unrealizedPnl,
    };
  }

  private marketRecord(): MarketSnapshot {
    const ts = this.marketTimestamp ?? (this.clockUs === null ? EPOCH : formatTimestampUs(this.clockUs));
    return { timestamp: ts, prices: this.book.pricesRecord() };
  }

  private executionAt(now: number | null): ExecutionState {
    if (now !== null) {
      this.orders.evict(now - ORDER_WINDOW_US);
      // Every strategy's window, and those left empty are dropped: the map holds only strategies
      // with orders in the last minute (ids are caller data; a stream of new ones must not grow it).
      for (const [strategy, w] of this.byStrategy) {
        w.evict(now - ORDER_WINDOW_US);
        if (w.size === 0 && w !== this.strategyWindow) this.byStrategy.delete(strategy);
      }
      this.kill.evict(now);
    }
    const byStrategy: Record<string, number> = {};
    for (const [strategy, w] of this.byStrategy) {
      if (w.size > 0) Object.defineProperty(byStrategy, strategy, { value: w.size, enumerable: true, writable: true, configurable: true });
    }
    return {
      orders_last_60s_global: this.orders.size,
      orders_last_60s_by_strategy: byStrategy,
      violations_last_window: this.kill.violations.entries().map(([t, rule]) => [formatTimestampUs(t), rule] as [string, string]),
      kill_switch_active: this.kill.active,
    };
  }

  // ---------------------------------------------------------------- persistence

  /**
   * The whole state as plain JSON (see {@link GateSnapshot}): store it, and {@link
   * PolicyGate.restore} resumes with the same future decisions.
   *
   * @example
   * ```ts
   * await fs.writeFile('gate.json', JSON.stringify(gate.snapshot()))
   * ```
   */
  snapshot(): GateSnapshot {
    const exec = this.executionAt(this.clockUs); // evicts what is out of every window
    void exec;
    const hasMarket = this.marketRef !== undefined || this.book.prices.size > 0 || this.marketTimestamp !== null;
    return {
      format: GATE_SNAPSHOT_FORMAT,
      engine_version: ENGINE_VERSION,
      policy_hash: this.engine.policyHash,
      clock: this.clock,
      portfolio: this.hasPortfolio ? this.portfolioRecord() : null,
      market: hasMarket ? this.marketRecord() : null,
      orders: this.orders.entries().map(([t, s]) => [formatTimestampUs(t), s]),
      pending: [...this.pending].map(([id, p]) => [id, formatTimestampUs(p.us), p.strategy]),
      violations: this.kill.violations.entries().map(([t, r]) => [formatTimestampUs(t), r]),
      kill_switch: this.kill.state(),
    };
  }

  /**
   * Resumes a gate from {@link PolicyGate.snapshot}'s output (the object or its JSON text).
   *
   * @throws {ValidationError} naming each malformed field (line and column for a JSON syntax
   *   error); {@link PolicyGateError} `ERR_GATE_POLICY_MISMATCH` when the snapshot was taken under
   *   another policy (unless `allowPolicyChange`).
   * @example
   * ```ts
   * const gate = PolicyGate.restore(engine, await fs.readFile('gate.json', 'utf8'))
   * ```
   */
  static restore(engine: PolicyEngine, snapshot: GateSnapshot | string, options: RestoreOptions = {}): PolicyGate {
    const s = parseGateSnapshot(snapshot);
    if (s.policy_hash !== engine.policyHash && !options.allowPolicyChange) {
      throw new PolicyGateError(
        'ERR_GATE_POLICY_MISMATCH',
        `The snapshot was taken under policy ${s.policy_hash}, not this engine's ${engine.policyHash}; pass allowPolicyChange: true to carry its state over.`,
      );
    }
    const gate = new PolicyGate(engine, {
      autoRecord: options.autoRecord ?? true,
      ...(s.portfolio && { portfolio: s.portfolio }),
      ...(s.market && { market: s.market }),
    });
    gate.clockUs = s.clock === null ? null : parseTimestampUs(s.clock);
    for (const [t, strategy] of s.orders) gate.countOrder(parseTimestampUs(t), strategy);
    for (const [id, t, strategy] of s.pending) gate.pending.set(id, { us: parseTimestampUs(t), strategy });
    for (const [t, rule] of s.violations) gate.kill.violations.add(parseTimestampUs(t), rule);
    const ks = s.kill_switch;
    gate.kill.active = ks.active;
    gate.kill.trippedAt = ks.tripped_at === null ? null : parseTimestampUs(ks.tripped_at);
    gate.kill.reason = ks.reason;
    gate.kill.history.push(...ks.history.map((e) => ({ ...e })));
    return gate;
  }
}

/**
 * The largest k ≥ 0 with `blocked(k)` false, starting from a guess; `blocked(0)` must be false.
 * Gallops from the guess then bisects, so a good guess costs two or three probes.
 */
function largestAllowed(blocked: (k: number) => boolean, guess: number): number {
  let lo: number;
  let hi: number;
  let k = Number.isFinite(guess) && guess > 0 ? Math.min(guess, Number.MAX_SAFE_INTEGER) : 0;
  let step = 1;
  if (!blocked(k)) {
    lo = k;
    for (;;) {
      const next = Math.min(lo + step, Number.MAX_SAFE_INTEGER);
      if (next === lo) return lo;
      if (blocked(next)) {
        hi = next;
        break;
      }
      lo = next;
      step *= 2;
    }
  } else {
    hi = k;
    for (;;) {
      const next = Math.max(hi - step, 0);
      if (next === 0 || !blocked(next)) {
        lo = next;
        break;
      }
      hi = next;
      step *= 2;
    }
  }
  while (hi - lo > 1) {
    const mid = Math.floor(lo + (hi - lo) / 2);
    if (mid <= lo || mid >= hi) break;
    if (blocked(mid)) hi = mid;
    else lo = mid;
  }
  return lo;
}

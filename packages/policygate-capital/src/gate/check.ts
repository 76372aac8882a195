// The check pipeline: one order decided on the gate's parts, then the consequences (kill switch,
// order windows). Evaluation steps 1–2 (docs: /docs/semantics/) are done here from the parts' incremental state;
// steps 3–6 are the engine's `decideFromMetrics`, shared with `evaluate`.
import {
  compareCodePoints,
  decideFromMetrics,
  missingPriceDecision,
  nestedCallDecision,
  safeIntentId,
  staleMarketData,
  systemError,
  unreadableTimestamp,
  type ExecutionCounts,
} from '../engine/evaluate.js';
import { emptyMetrics, type Metrics } from '../engine/metrics.js';
import { newRuleContext } from '../engine/rules.js';
import type { Decision } from '../engine/types.js';
import type { MarketSnapshot, OrderIntent } from '../model/schemas.js';
import { resolveLimits, type ResolvedLimits } from '../policy/compile.js';
import { roundMs } from '../util/py-round.js';
import { isValidPrice, type ExposureBook } from './exposure-book.js';
import type { GateParts } from './parts.js';
import { intentKey, recentOrderOf } from './recent-orders.js';
import type { TimeWindow } from './windows.js';

/**
 * What a caller makes of a decision, called with the check's time (null: no clock yet) after the
 * decision and before its consequences: the state it sees is the one the decision was made on.
 */
export type Finish<T> = (decision: Decision, at: number | null) => T;

/**
 * Runs checks on a gate's parts. Owns the per-check scratch (the rules' inputs, copied by
 * `decideFromMetrics` where kept) and the guard against a check started from inside a check.
 *
 * @example
 * ```ts
 * const pipeline = new CheckPipeline()
 * const d = pipeline.run(parts, intent, market, (decision) => decision)
 * ```
 */
export class CheckPipeline {
  private readonly counts: ExecutionCounts = { killSwitchActive: false, globalCount: 0, strategyCount: 0, duplicateOf: null, priceAge: null };
  private readonly metrics: Metrics = emptyMetrics();
  private readonly ctx = newRuleContext();
  private checking = false;

  /**
   * Decides `intent` (adopting `market` first when it is a new snapshot), hands the decision to
   * `finish`, then lets the kill switch observe it and counts (or holds) an ALLOW/MODIFY. Never
   * throws: errors are SYS-002 decisions, as in `evaluate`.
   */
  run<T>(parts: GateParts, intent: OrderIntent, market: MarketSnapshot | undefined, finish: Finish<T>): T {
    // A getter or Proxy on the intent or market that checked an order with this gate would change
    // its clock, windows and book halfway through this check: such a nested check is denied.
    if (this.checking) return finish(nestedCallDecision(parts.compiled, intent, 'PolicyGate.check'), parts.clock.us);
    this.checking = true;
    try {
      return this.runChecked(parts, intent, market, finish);
    } finally {
      this.checking = false;
    }
  }

  private runChecked<T>(parts: GateParts, intent: OrderIntent, market: MarketSnapshot | undefined, finish: Finish<T>): T {
    const start = performance.now();
    const intentId = safeIntentId(intent);
    const compiled = parts.compiled;
    const killed = parts.kill.active;
    // When the order happened (null: no valid timestamp) and for which strategy: known before
    // anything else can fail, since an allow-on-error policy's ALLOW is still an order sent.
    let at: number | null = null;
    let own = NaN; // the intent's own timestamp (µs), which the v0.2 clock rules read
    let strategy: string | undefined;
    let window: TimeWindow | undefined;
    let decision: Decision;
    try {
      if (market !== undefined && !parts.market.isCurrent(market)) parts.market.adopt(market);
      const symbol = intent.instrument.symbol;
      if (typeof symbol !== 'string') throw new Error('intent.instrument.symbol must be a string');
      const us = (own = parts.clock.read(intent.timestamp));
      if (us === us) at = parts.clock.advance(us);
      const strategyId = intent.strategy_id;
      if (typeof strategyId === 'string') {
        strategy = strategyId;
        // Looked up once for both the count and the order's place in it. Evicting here, before the
        // checks below, changes nothing they or a later reader see: the clock is at `at` already.
        if (at !== null) window = parts.windows.strategyWindow(at, strategyId);
      }
      decision = this.decide(parts, intent, symbol, strategyId, own, at, killed, intentId, window);
    } catch (e) {
      decision = systemError(compiled, intentId, e);
    }
    // The switch dominates an allow-on-error policy: while tripped nothing is allowed (enforce mode).
    // (The rules' own ALLOW while tripped is a reduce-only exit, policy DSL v0.2: it stands.)
    if (killed && compiled.enforce && decision.decision !== 'DENY' && decision.violations[0]?.rule_id === 'SYS-002') {
      decision = { ...decision, decision: 'DENY', modified_intent: null };
    }
    const when = at ?? parts.clock.us;
    const result = finish(decision, when);
    parts.kill.observe(decision, when, intentId);
    if (decision.decision !== 'DENY' && at !== null && strategy !== undefined) {
      // Duplicate detection keeps the order as sent (a MODIFY with its qty), at its own timestamp.
      const recent = parts.recent;
      const order = recent.tracking ? recentOrderOf(intent, decision.decision === 'MODIFY' ? decision.modified_intent.qty : intent.qty) : undefined;
      if (parts.autoRecord) {
        parts.windows.add(at, strategy, window);
        if (order !== undefined) recent.add(own, Object.freeze(order));
      } else {
        parts.windows.hold(intentId, at, strategy, order === undefined ? null : Object.freeze(order));
      }
    }
    decision.eval_ms = roundMs(performance.now() - start);
    return result;
  }

  /** The evaluation steps (docs: /docs/semantics/) once the check is placed at `at`; throws what `evaluate` turns into SYS-002. */
  private decide(
    parts: GateParts,
    intent: OrderIntent,
    symbol: string,
    strategyId: unknown,
    own: number,
    at: number | null,
    killed: boolean,
    intentId: string,
    window: TimeWindow | undefined,
  ): Decision {
    // SYS-001 in O(1): the book counts held symbols without a valid price.
    const book = parts.book;
    const price = book.prices.get(symbol)!;
    const priced = isValidPrice(price);
    const unpriced = book.unpriced;
    if (!priced || (unpriced.size > 0 && !(unpriced.size === 1 && unpriced.has(symbol)))) return missingPrices(book, symbol, priced, intentId);
    const counts = this.counts;
    counts.duplicateOf = null;
    counts.priceAge = null;
    let limits: ResolvedLimits | undefined;
    if (parts.compiled.v02) {
      // Policy DSL v0.2's clock rules, in evaluate's order (after the strategy id's check).
      if (typeof strategyId !== 'string') throw new Error('intent.strategy_id must be a string');
      limits = resolveLimits(parts.compiled, symbol, strategyId);
      const early = this.readClocks(parts, intent, symbol, limits, own, at, intentId);
      if (early !== undefined) return early;
    }
    if (at === null) {
      const d = systemError(parts.compiled, intentId, new Error(`intent.timestamp must be an RFC 3339 timestamp such as 2026-02-18T14:30:00Z, got ${String(intent.timestamp)}`));
      d.decision = 'DENY'; // whatever defaults.decision says: the order cannot be placed in the windows
      return d;
    }
    const account = parts.account;
    if (!account.present) throw new Error('the gate has no portfolio: pass one to the constructor or call setPortfolio');

    // The cheap checks `evaluate` makes, with its messages.
    const { qty, side } = intent;
    if (typeof qty !== 'number' || !(qty > 0) || qty === Infinity) throw new Error(`intent.qty must be a finite number > 0, got ${String(qty)}`);
    if (side !== 'buy' && side !== 'sell') throw new Error(`intent.side must be buy or sell, got ${String(side)}`);
    if (typeof strategyId !== 'string') throw new Error('intent.strategy_id must be a string');

    counts.killSwitchActive = killed;
    counts.globalCount = parts.windows.globalCount(at);
    counts.strategyCount = window === undefined ? 0 : window.size;
    limits ??= resolveLimits(parts.compiled, symbol, strategyId);
    const m = this.metrics;
    const equity = account.equity;
    account.lossInto(m);
    book.exposureInto(m, symbol, side, qty, price, equity);
    return decideFromMetrics(parts.compiled, intent, limits, m, equity, counts, this.ctx);
  }

  /**
   * Policy DSL v0.2 (docs: /docs/semantics/#order-of-evaluation), steps 2–3 and EXEC-003's lookup, as `evaluate` makes
   * them on the state the gate reports: an unreadable intent or market timestamp (SYS-002) and
   * stale market data (SYS-003) deny at once; otherwise `counts` gets the price age and the
   * duplicate. Timestamps are read only when the resolved policy needs them.
   */
  private readClocks(parts: GateParts, intent: OrderIntent, symbol: string, limits: ResolvedLimits, own: number, at: number | null, intentId: string): Decision | undefined {
    const maxAge = parts.compiled.maxPriceAgeSeconds;
    const windowSeconds = limits.execution.duplicate_window_seconds;
    const recent = parts.recent;
    // The list as the state reported for this check holds it (evicted to the check's time).
    const now = at ?? parts.clock.us;
    if (windowSeconds !== null && now !== null) recent.evict(now);
    const duplicates = windowSeconds !== null && recent.size > 0;
    if (maxAge === null && !duplicates) return undefined;
    if (own !== own || at === null) return unreadableTimestamp(intentId, 'intent');
    const counts = this.counts;
    if (maxAge !== null) {
      const tm = parts.market.timeUs(at);
      if (tm !== tm) return unreadableTimestamp(intentId, 'market');
      const stale = staleMarketData(intentId, own - tm, maxAge);
      if (stale !== undefined) return stale;
      counts.priceAge = (own - tm) / 1e6;
    }
    if (duplicates) counts.duplicateOf = recent.duplicateOf(intentKey(intent, symbol), own, windowSeconds);
    return undefined;
  }
}

/** Missing prices: the intent's symbol, then every other unpriced holding in sorted order. */
function missingPrices(book: ExposureBook, symbol: string, priced: boolean, intentId: string): Decision {
  const missing = priced ? [] : [symbol];
  const others: string[] = [];
  for (const s of book.unpriced) if (s !== symbol) others.push(s);
  missing.push(...others.sort(compareCodePoints));
  return missingPriceDecision(intentId, missing);
}

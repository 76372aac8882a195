// Policy DSL v0.2's clock rules (docs: /docs/semantics/#order-of-evaluation): the timestamps a
// resolved policy needs (unreadable: SYS-002, DENY at once), stale market data (SYS-003) and the
// duplicate-order lookup of EXEC-003 over `recent_orders`.
import { parseTimestampUs } from '../gate/time.js';
import type { ExecutionStateInput, MarketSnapshot, OrderIntent, RecentOrder } from '../model/schemas.js';
import type { CompiledPolicy, ResolvedLimits } from '../policy/compile.js';
import { pyFixed } from '../util/py-round.js';
import type { Scratch } from './metrics.js';
import type { Decision, ExecutionCounts, Violation } from './types.js';

/**
 * A decision that denies at once, in both modes, whatever `defaults.decision` says: no evidence, no
 * kill-switch trip (SYS-001, an unreadable timestamp, SYS-003). Shared with `PolicyGate`.
 */
export function denyAtOnce(intentId: string, violations: Violation[]): Decision {
  return { decision: 'DENY', intent_id: intentId, modified_intent: null, violations, evidence: [], eval_ms: 0, kill_switch_triggered: false };
}

/** The SYS-002 denial for a timestamp the resolved policy needs and cannot read. */
export const unreadableTimestamp = (intentId: string, what: 'intent' | 'market' | 'recent order'): Decision =>
  denyAtOnce(intentId, [{ rule_id: 'SYS-002', severity: 'CRIT', message: `Evaluation error: unreadable ${what} timestamp.`, inputs: {}, computed: {} }]);

/** SYS-003 when the market data is older than `max_price_age_seconds` (the age is signed: a newer snapshot is not stale). */
export function staleMarketData(intentId: string, ageUs: number, maxSeconds: number): Decision | undefined {
  if (!(ageUs > maxSeconds * 1_000_000)) return undefined;
  const age = ageUs / 1e6;
  return denyAtOnce(intentId, [
    {
      rule_id: 'SYS-003',
      severity: 'CRIT',
      message: `Market data is ${pyFixed(age, 3)}s old (limit ${maxSeconds}s).`,
      inputs: { max_price_age_seconds: maxSeconds },
      computed: { price_age_seconds: age },
    },
  ]);
}

// The fields that most often differ first (qty, symbol): most recent orders are not duplicates.
const sameOrder = (r: RecentOrder, intent: OrderIntent, symbol: string): boolean =>
  r.qty === intent.qty &&
  r.symbol === symbol &&
  r.side === intent.side &&
  r.order_type === intent.order_type &&
  (r.limit_price ?? null) === (intent.limit_price ?? null) &&
  r.strategy_id === intent.strategy_id &&
  r.account_id === intent.account_id;

// The parsed timestamps of a recent_orders array (a cache keyed by the array it describes): a caller
// that evaluates order after order against the same execution state pays for the parsing once.
// Every call still compares each order's timestamp string with the one parsed (the same string
// compares by pointer), so an edited order is parsed again, never trusted stale.
const stamps = new WeakMap<readonly RecentOrder[], { texts: unknown[]; us: Float64Array }>();

/**
 * EXEC-003's duplicate among `recent`: the same order stamped in (t − window, t], the latest (ties:
 * the later in the list); or an unreadable recent-order timestamp (every one is read). One pass,
 * with the parsed timestamps cached per array.
 */
function findDuplicate(recent: readonly RecentOrder[], intent: OrderIntent, symbol: string, t: number, windowSeconds: number): string | null | 'unreadable' {
  let cached = stamps.get(recent);
  if (cached === undefined || cached.texts.length !== recent.length) {
    // Packed arrays (not `new Array(n)`, which V8 keeps holey and reads more slowly).
    cached = { texts: Array.from(recent, () => undefined as unknown), us: new Float64Array(recent.length).fill(NaN) };
    stamps.set(recent, cached);
  }
  const { texts, us } = cached;
  const from = t - windowSeconds * 1_000_000;
  let best: string | null = null;
  let bestAt = -Infinity;
  for (let i = 0; i < recent.length; i++) {
    const r = recent[i];
    if (!r || typeof r !== 'object') throw new Error(`execution.recent_orders[${i}] must be an object`);
    const text = r.timestamp;
    let at = us[i]!;
    if (text !== texts[i] || at !== at) {
      texts[i] = text;
      us[i] = at = parseTimestampUs(text);
      if (at !== at) return 'unreadable';
    }
    if (at > from && at <= t && at >= bestAt && sameOrder(r, intent, symbol)) {
      best = typeof r.intent_id === 'string' ? r.intent_id : String(r.intent_id);
      bestAt = at;
    }
  }
  return best;
}

/**
 * The reads of policy DSL v0.2's clock rules: an early decision (SYS-002 for an unreadable
 * timestamp, SYS-003), or undefined with `counts.duplicateOf` and `counts.priceAge` filled in.
 */
export function readClocks(
  compiled: CompiledPolicy,
  limits: ResolvedLimits,
  intent: OrderIntent,
  market: MarketSnapshot,
  execution: ExecutionStateInput,
  symbol: string,
  counts: ExecutionCounts,
  scratch: Scratch,
  intentId: string,
): Decision | undefined {
  const maxAge = compiled.maxPriceAgeSeconds;
  const window = limits.execution.duplicate_window_seconds;
  const recent = window === null ? undefined : execution.recent_orders;
  if (recent !== undefined && !Array.isArray(recent)) throw new Error('execution.recent_orders must be an array');
  if (maxAge === null && (recent === undefined || recent.length === 0)) return undefined;
  // The intent's stamp, remembered per scratch (a caller re-checking one intent, a replay of one stream).
  const intentText = intent.timestamp;
  if (intentText !== scratch.intentText) {
    scratch.intentUs = parseTimestampUs(intentText);
    scratch.intentText = intentText;
  }
  const t = scratch.intentUs;
  if (t !== t) return unreadableTimestamp(intentId, 'intent');
  if (maxAge !== null) {
    // The snapshot's stamp, remembered per scratch: a caller checks many orders against one snapshot.
    const text = market.timestamp;
    if (text !== scratch.marketText) {
      scratch.marketUs = parseTimestampUs(text);
      scratch.marketText = text;
    }
    const tm = scratch.marketUs;
    if (tm !== tm) return unreadableTimestamp(intentId, 'market');
    const stale = staleMarketData(intentId, t - tm, maxAge);
    if (stale) return stale;
    counts.priceAge = (t - tm) / 1e6;
  }
  if (recent !== undefined && recent.length > 0) {
    const found = findDuplicate(recent, intent, symbol, t, window!);
    if (found === 'unreadable') return unreadableTimestamp(intentId, 'recent order');
    counts.duplicateOf = found;
  }
  return undefined;
}

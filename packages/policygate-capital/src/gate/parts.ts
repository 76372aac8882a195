// A gate's parts — clock, book, market, account, order windows, kill switch — and what is read
// across several of them: the execution state, the state a snapshot holds, a max-qty question.
import type { ExecutionCounts } from '../engine/evaluate.js';
import type { ExecutionState, OrderIntent } from '../model/schemas.js';
import type { CompiledPolicy } from '../policy/compile.js';
import { Account } from './account.js';
import { ExposureBook } from './exposure-book.js';
import { KillSwitch, killSwitchConfig } from './kill-switch.js';
import { GateMarket } from './market.js';
import type { MaxQtyInput } from './max-qty.js';
import { OrderWindows } from './order-windows.js';
import { intentKey, RecentOrders } from './recent-orders.js';
import type { GateState } from './snapshot.js';
import { formatTimestampUs, GateClock, parseTimestampUs, SECOND } from './time.js';

const EPOCH = '1970-01-01T00:00:00Z';

/**
 * The parts of a gate a check reads and changes.
 *
 * @example
 * ```ts
 * const book = new ExposureBook()
 * const parts: GateParts = { compiled, autoRecord: true, clock: new GateClock(), book, market: new GateMarket(book),
 *   account: new Account(), windows: new OrderWindows(), kill: new KillSwitch(config) }
 * ```
 */
export interface GateParts {
  readonly compiled: CompiledPolicy;
  /** Count ALLOW/MODIFY orders at once (true) or hold them for `record` (false). */
  readonly autoRecord: boolean;
  readonly clock: GateClock;
  readonly book: ExposureBook;
  readonly market: GateMarket;
  readonly account: Account;
  readonly windows: OrderWindows;
  readonly kill: KillSwitch;
  /** The orders sent within the policy's longest duplicate window (policy DSL v0.2). */
  readonly recent: RecentOrders;
}

/**
 * The longest `duplicate_window_seconds` of a policy, in its limits and every override (0: the
 * policy checks no duplicates): how long the gate keeps the orders it sent.
 *
 * @example
 * ```ts
 * const keepUs = longestDuplicateWindow(compiled) * SECOND
 * ```
 */
export function longestDuplicateWindow(compiled: CompiledPolicy): number {
  let longest = compiled.base.execution.duplicate_window_seconds ?? 0;
  for (const overrides of [compiled.symbols, compiled.strategies]) {
    for (const o of overrides.values()) longest = Math.max(longest, o.execution?.duplicate_window_seconds ?? 0);
  }
  return longest;
}

/**
 * The parts of a new gate: no portfolio, no market, empty windows, the kill switch off.
 *
 * @example
 * ```ts
 * const parts = newParts(compiled, true)
 * ```
 */
export function newParts(compiled: CompiledPolicy, autoRecord: boolean): GateParts {
  const book = new ExposureBook(compiled.multiplied ? compiled.instruments : null);
  return {
    compiled,
    autoRecord,
    clock: new GateClock(),
    book,
    market: new GateMarket(book, compiled.maxPriceAgeSeconds !== null),
    account: new Account(),
    windows: new OrderWindows(),
    kill: new KillSwitch(killSwitchConfig(compiled.policy, compiled.tripOn)),
    recent: new RecentOrders(longestDuplicateWindow(compiled) * SECOND),
  };
}

/**
 * `parts` (with the snapshot's portfolio and market already set) completed with the snapshot's
 * clock, order windows and kill switch.
 *
 * @example
 * ```ts
 * const parts = restoredParts(newParts(compiled, true), decodeGateSnapshot(text).state)
 * ```
 */
export function restoredParts(parts: GateParts, state: GateState): GateParts {
  // The snapshot's own timestamp text (a market adopted unvalidated may have held one that is not
  // RFC 3339, which the snapshot's market cannot: restored as it was, it stays unreadable).
  if (state.marketTimestamp !== undefined) parts.market.setTimestamp(state.marketTimestamp);
  return {
    ...parts,
    clock: new GateClock(state.clock),
    windows: OrderWindows.fromEntries(state.orders, state.pending),
    kill: KillSwitch.fromState(killSwitchConfig(parts.compiled.policy, parts.compiled.tripOn), state.killSwitch, state.violations),
    recent: RecentOrders.fromOrders(
      parts.recent.retainUs,
      state.recent.map((o) => [parseTimestampUs(o.timestamp), Object.freeze({ ...o })] as const),
    ),
  };
}

/**
 * The execution state at `now` in the wire format `evaluate` takes (every window evicted to `now`
 * first): orders in the last 60 s globally and per strategy, violations in the kill switch's
 * window, and the switch.
 *
 * @example
 * ```ts
 * const exec = executionAt(parts, parts.clock.us)
 * ```
 */
export function executionAt(parts: GateParts, now: number | null): ExecutionState {
  const { windows, kill, recent } = parts;
  const byStrategy = windows.countsByStrategy(now);
  if (now !== null) {
    kill.evict(now);
    recent.evict(now);
  }
  const state: ExecutionState = {
    orders_last_60s_global: windows.size,
    orders_last_60s_by_strategy: byStrategy,
    violations_last_window: violationRecords(kill.violationEntries()),
    kill_switch_active: kill.active,
  };
  // Policy DSL v0.2: the orders sent within the longest duplicate window (frozen: shared, not copied).
  if (parts.compiled.v02) state.recent_orders = recent.orders();
  return state;
}

/** Violations in the wire format; a run of equal times (a burst in one instant) is formatted once. */
function violationRecords(entries: [number, string][]): [string, string][] {
  const out: [string, string][] = new Array(entries.length);
  let lastUs = NaN;
  let lastText = '';
  for (let i = 0; i < entries.length; i++) {
    const [t, rule] = entries[i]!;
    if (t !== lastUs) {
      lastUs = t;
      lastText = formatTimestampUs(t);
    }
    out[i] = [lastText, rule];
  }
  return out;
}

/**
 * The gate's state as a snapshot holds it (every window evicted to the clock first).
 *
 * @example
 * ```ts
 * const snap = encodeGateSnapshot(origin, stateOf(parts))
 * ```
 */
export function stateOf(parts: GateParts): GateState {
  const { clock, account, book, market, windows, kill } = parts;
  executionAt(parts, clock.us);
  return {
    clock: clock.us,
    portfolio: account.present ? account.record(book.positionsRecord()) : null,
    market: market.present ? market.record(clock.us) : null,
    orders: windows.orderEntries(),
    pending: windows.pendingEntries(),
    violations: kill.violationEntries(),
    killSwitch: kill.state(),
    recent: parts.recent.orders(),
    marketTimestamp: market.rawTimestamp,
    v02: parts.compiled.v02,
  };
}

/**
 * The input of the max-qty solver for an order of `symbol` now (the gate's clock, marks, equity,
 * kill switch and order counts).
 *
 * @example
 * ```ts
 * const m = solveMaxQty(maxQtyInput(parts, 'AAPL', 'buy', undefined, 1))
 * ```
 */
export function maxQtyInput(
  parts: GateParts,
  symbol: string,
  side: 'buy' | 'sell',
  strategyId: string | undefined,
  lot: number,
  order: { limitPrice?: number | undefined; accountId?: string | undefined } = {},
): MaxQtyInput {
  const { book, account, clock, windows, kill, market, recent, compiled } = parts;
  const now = clock.us;
  const n = windows.counts(now, strategyId);
  const counts: ExecutionCounts = { killSwitchActive: kill.active, globalCount: n.global, strategyCount: n.strategy };
  // The probe orders are stamped with the clock (the epoch before the first check), as a check now would be.
  const t = now ?? 0;
  let early: MaxQtyInput['early'] = null;
  const maxAge = compiled.maxPriceAgeSeconds;
  if (maxAge !== null) {
    const tm = market.timeUs(t);
    early = tm !== tm ? 'SYS-002' : t - tm > maxAge * SECOND ? 'SYS-003' : null;
  }
  const duplicateOf = (probe: OrderIntent, windowSeconds: number | null): string | null => {
    if (windowSeconds === null) return null;
    recent.evict(t);
    return recent.duplicateOf(intentKey(probe, symbol), t, windowSeconds);
  };
  return {
    early,
    duplicateOf,
    limitPrice: order.limitPrice,
    accountId: order.accountId,
    symbol,
    side,
    strategyId,
    lot,
    price: book.prices.get(symbol),
    unpriced: book.unpriced.size > 0,
    compiled: parts.compiled,
    exposure: book,
    equity: account.equity,
    dailyReturn: account.dailyReturn,
    drawdown: account.drawdown,
    counts,
    timestamp: now === null ? EPOCH : formatTimestampUs(now),
  };
}

// A gate's parts — clock, book, market, account, order windows, kill switch — and what is read
// across several of them: the execution state, the state a snapshot holds, a max-qty question.
import type { ExecutionCounts } from '../engine/evaluate.js';
import type { ExecutionState } from '../model/schemas.js';
import type { CompiledPolicy } from '../policy/compile.js';
import { Account } from './account.js';
import { ExposureBook } from './exposure-book.js';
import { KillSwitch, killSwitchConfig } from './kill-switch.js';
import { GateMarket } from './market.js';
import type { MaxQtyInput } from './max-qty.js';
import { OrderWindows } from './order-windows.js';
import type { GateState } from './snapshot.js';
import { formatTimestampUs, GateClock } from './time.js';

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
  const book = new ExposureBook();
  return {
    compiled,
    autoRecord,
    clock: new GateClock(),
    book,
    market: new GateMarket(book),
    account: new Account(),
    windows: new OrderWindows(),
    kill: new KillSwitch(killSwitchConfig(compiled.policy, compiled.tripOn)),
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
  return {
    ...parts,
    clock: new GateClock(state.clock),
    windows: OrderWindows.fromEntries(state.orders, state.pending),
    kill: KillSwitch.fromState(killSwitchConfig(parts.compiled.policy, parts.compiled.tripOn), state.killSwitch, state.violations),
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
  const { windows, kill } = parts;
  const byStrategy = windows.countsByStrategy(now);
  if (now !== null) kill.evict(now);
  return {
    orders_last_60s_global: windows.size,
    orders_last_60s_by_strategy: byStrategy,
    violations_last_window: kill.violationEntries().map(([t, rule]) => [formatTimestampUs(t), rule] as [string, string]),
    kill_switch_active: kill.active,
  };
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
export function maxQtyInput(parts: GateParts, symbol: string, side: 'buy' | 'sell', strategyId: string | undefined, lot: number): MaxQtyInput {
  const { book, account, clock, windows, kill } = parts;
  const now = clock.us;
  const n = windows.counts(now, strategyId);
  const counts: ExecutionCounts = { killSwitchActive: kill.active, globalCount: n.global, strategyCount: n.strategy };
  return {
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

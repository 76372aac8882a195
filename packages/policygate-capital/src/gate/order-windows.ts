// The order throttles' state: every order counted in the last 60 s, globally and per strategy, and
// (for gates that record orders themselves) the checks still waiting for `record`. Time is the
// intents' timestamps in microseconds; an order at t counts at s iff s − 60 s < t ≤ s.
// A pending check also carries the recent order it becomes when recorded (duplicate detection,
// recent-orders.ts), so that `record` keeps the order that was actually checked.
import type { RecentOrder } from '../model/schemas.js';
import { SECOND } from './time.js';
import { TimeWindow } from './windows.js';

/** The width of the order windows (docs /docs/gate/: orders in the last 60 s). */
export const ORDER_WINDOW_US = 60 * SECOND;

/**
 * An ALLOW/MODIFY check not yet recorded: when it was decided and for which strategy.
 *
 * @example
 * ```ts
 * const p: PendingOrder = { us: parseTimestampUs('2026-02-18T14:30:00Z'), strategy: 'momentum_v1' }
 * ```
 */
export interface PendingOrder {
  us: number;
  strategy: string;
  /** The order for the recent-order list (policy DSL v0.2), or null when the gate keeps none. */
  order: RecentOrder | null;
}

/**
 * Sliding 60 s windows of orders, global and per strategy, plus the pending checks. Only
 * strategies with orders in the window keep one (strategy ids are caller data: a stream of new
 * ones must not grow the map). Internal to the gate.
 *
 * @example
 * ```ts
 * const w = new OrderWindows()
 * w.add(t, 'momentum_v1')
 * w.globalCount(t + 59 * SECOND) // 1
 * ```
 */
export class OrderWindows {
  private readonly all = new TimeWindow();
  private readonly byStrategy = new Map<string, TimeWindow>();
  private readonly pending = new Map<string, PendingOrder>();

  /**
   * A copy of saved windows: orders as [time µs, strategy] and pending checks as [intent_id, time
   * µs, strategy, recent order or null] (a snapshot of format 1 has no fourth item: null).
   */
  static fromEntries(orders: Iterable<readonly [number, string]>, pending: Iterable<readonly [string, number, string, (RecentOrder | null)?]>): OrderWindows {
    const w = new OrderWindows();
    for (const [us, strategy] of orders) w.add(us, strategy);
    for (const [id, us, strategy, order] of pending) w.pending.set(id, { us, strategy, order: order ?? null });
    return w;
  }

  /** Orders in the 60 s up to `now`, every strategy (older ones are dropped). */
  globalCount(now: number): number {
    this.all.evict(now - ORDER_WINDOW_US);
    return this.all.size;
  }

  /**
   * The window of `strategy`'s orders in the 60 s up to `now`, or undefined when it has none (an
   * emptied window is dropped). Hand it to {@link OrderWindows.add} for an order counted at the
   * same time: the check's hot path then looks the strategy up once.
   */
  strategyWindow(now: number, strategy: string): TimeWindow | undefined {
    const w = this.byStrategy.get(strategy);
    if (w === undefined) return undefined;
    w.evict(now - ORDER_WINDOW_US);
    if (w.size > 0) return w;
    this.byStrategy.delete(strategy);
    return undefined;
  }

  /** Counts an order at `us` for `strategy`; `known` is its window from `strategyWindow` at `us`, if any. */
  add(us: number, strategy: string, known?: TimeWindow): void {
    this.all.add(us, strategy);
    let w = known ?? this.byStrategy.get(strategy);
    if (w === undefined) this.byStrategy.set(strategy, (w = new TimeWindow()));
    w.add(us);
  }

  /** Keeps a check for a later `record` (a check of the same intent id again replaces it). */
  hold(intentId: string, us: number, strategy: string, order: RecentOrder | null): void {
    this.pending.delete(intentId); // re-insert at the end: the map stays in time order
    this.pending.set(intentId, { us, strategy, order });
  }

  /**
   * Takes the pending check of `intentId` out, or undefined when there is none or it is older than
   * the window at `clock` (then it is dropped: counting it now would count it nowhere).
   */
  release(intentId: string, clock: number | null): PendingOrder | undefined {
    const p = this.pending.get(intentId);
    this.pending.delete(intentId);
    if (p === undefined || (clock !== null && p.us <= clock - ORDER_WINDOW_US)) return undefined;
    return p;
  }

  /** Order counts at `now` (null: before the first check, nothing evicted) for a strategy or none. */
  counts(now: number | null, strategy: string | undefined): { global: number; strategy: number } {
    const total = now === null ? this.all.size : this.globalCount(now);
    const w = strategy === undefined ? undefined : this.byStrategy.get(strategy);
    if (w !== undefined && now !== null) w.evict(now - ORDER_WINDOW_US);
    return { global: total, strategy: w?.size ?? 0 };
  }

  /**
   * Evicts every window to `now` (dropping the emptied ones) and returns the counts by strategy as
   * a wire record (own data properties: a strategy named `__proto__` is a key like any other).
   */
  countsByStrategy(now: number | null): Record<string, number> {
    if (now !== null) {
      this.all.evict(now - ORDER_WINDOW_US);
      for (const [strategy, w] of this.byStrategy) {
        w.evict(now - ORDER_WINDOW_US);
        if (w.size === 0) this.byStrategy.delete(strategy);
      }
    }
    const out: Record<string, number> = {};
    for (const [strategy, w] of this.byStrategy) {
      if (w.size === 0) continue;
      // Assignment keeps the record a fast object (defineProperty cost 0.5 µs per check, measured);
      // only `__proto__` would be taken by assignment as the prototype.
      if (strategy === '__proto__') Object.defineProperty(out, strategy, { value: w.size, enumerable: true, writable: true, configurable: true });
      else out[strategy] = w.size;
    }
    return out;
  }

  /** Orders in the global window (as of the last eviction). */
  get size(): number {
    return this.all.size;
  }

  /** The counted orders, oldest first: [time µs, strategy]. */
  orderEntries(): [number, string][] {
    return this.all.entries();
  }

  /** The pending checks in the order they were made: [intent_id, time µs, strategy, recent order or null]. */
  pendingEntries(): [string, number, string, RecentOrder | null][] {
    return [...this.pending].map(([id, p]) => [id, p.us, p.strategy, p.order]);
  }
}

// The orders the gate sent recently, for duplicate detection (policy DSL v0.2, EXEC-003): every
// ALLOW/MODIFY it counted (a MODIFY with the qty sent), kept for the longest
// `duplicate_window_seconds` of the policy (base and overrides). The list is what the gate reports
// as `execution.recent_orders`; an index by the order's identity (account, strategy, symbol, side,
// order type, qty, limit price) answers "is this a duplicate?" without a scan of the whole list, so
// a check costs the same with 1,000 recent orders as with none.
import type { OrderIntent, RecentOrder } from '../model/schemas.js';
import { SECOND } from './time.js';

/** A recent order with its timestamp in microseconds (the order's own timestamp, as `evaluate` reads it). */
interface Entry {
  readonly us: number;
  readonly order: RecentOrder;
  /** Its identity ({@link orderKey}), so that eviction finds its index entry without rebuilding it. */
  readonly key: string;
}

/**
 * A time-ordered queue of entries (oldest first), leaving from the front. Entries normally arrive
 * in time order; a late one is inserted after every entry at or before its time (so that among
 * equal timestamps the list keeps the order of arrival, which EXEC-003's tie rule reads).
 */
class EntryQueue {
  private items: Entry[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  add(e: Entry): void {
    const items = this.items;
    let i = items.length;
    while (i > this.head && items[i - 1]!.us > e.us) i--;
    if (i === items.length) items.push(e);
    else items.splice(i, 0, e);
  }

  /** The oldest entry, or undefined. */
  first(): Entry | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Drops the oldest entry. */
  shift(): void {
    this.head++;
    const items = this.items;
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > items.length) {
      items.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The latest entry with `us` in (from, to] (ties: the later in the queue), or undefined. */
  latestIn(from: number, to: number): Entry | undefined {
    const items = this.items;
    for (let i = items.length - 1; i >= this.head; i--) {
      const e = items[i]!;
      if (e.us <= to) return e.us > from ? e : undefined;
    }
    return undefined;
  }

  orders(): RecentOrder[] {
    const out: RecentOrder[] = [];
    for (let i = this.head; i < this.items.length; i++) out.push(this.items[i]!.order);
    return out;
  }
}

/**
 * The identity EXEC-003 compares, as one string key (no field's content can forge a separator); undefined when a field has a type no recorded order can have (such
 * an intent duplicates nothing, as in `evaluate`, whose comparison is `===`). `qty` and
 * `limit_price` compare numerically (100 = 100.0: JSON writes both `100`); NaN equals nothing.
 */
export function orderKey(account: unknown, strategy: unknown, symbol: unknown, side: unknown, orderType: unknown, qty: unknown, limitPrice: unknown): string | undefined {
  if (typeof account !== 'string' || typeof strategy !== 'string' || typeof symbol !== 'string') return undefined;
  if ((side !== 'buy' && side !== 'sell') || (orderType !== 'market' && orderType !== 'limit')) return undefined;
  if (typeof qty !== 'number' || qty !== qty) return undefined;
  const limit = limitPrice ?? null;
  if (limit !== null && (typeof limit !== 'number' || limit !== limit)) return undefined;
  // Each free-text field length-prefixed (no content can forge a boundary; side and order type are
  // one of two words, numbers have no colon); numbers as JavaScript
  // writes them (100 and 100.0 alike, -0 as 0). A concatenation, not JSON.stringify: this runs twice
  // per counted order on the check's hot path.
  return `${account.length}:${account}${strategy.length}:${strategy}${symbol.length}:${symbol}${side}:${orderType}:${qty}:${limit}`;
}

/** The key of an intent (its `instrument.symbol` as the symbol). */
export const intentKey = (intent: OrderIntent, symbol: string): string | undefined =>
  orderKey(intent.account_id, intent.strategy_id, symbol, intent.side, intent.order_type, intent.qty, intent.limit_price);

/**
 * The recent order an intent becomes when it is sent with `qty` (its own or a MODIFY's), or
 * undefined when the intent is not a well-formed order (an allow-on-error policy lets a malformed
 * one through with SYS-002; it can duplicate nothing and is not kept).
 */
export function recentOrderOf(intent: OrderIntent, qty: number): RecentOrder | undefined {
  const { intent_id: id, timestamp, account_id: account, strategy_id: strategy, side, order_type: orderType } = intent;
  const symbol = intent.instrument?.symbol;
  const limit = intent.limit_price ?? null;
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof account !== 'string' || typeof strategy !== 'string' || typeof symbol !== 'string') return undefined;
  if ((side !== 'buy' && side !== 'sell') || (orderType !== 'market' && orderType !== 'limit')) return undefined;
  if (!(qty > 0 && qty < Infinity) || (limit !== null && !(typeof limit === 'number' && limit >= 0 && limit < Infinity))) return undefined;
  return { intent_id: id, timestamp, account_id: account, strategy_id: strategy, symbol, side, order_type: orderType, qty, limit_price: limit };
}

/**
 * The gate's recent orders. `retainUs` is the longest duplicate window of the policy in
 * microseconds (0: the policy checks no duplicates, and nothing is kept). Internal to the gate.
 *
 * @example
 * ```ts
 * const r = new RecentOrders(10 * SECOND)
 * r.add(t, order)
 * r.duplicateOf(key, t + SECOND, 10) // order.intent_id
 * ```
 */
export class RecentOrders {
  private readonly all = new EntryQueue();
  // One entry, or a queue when the same order was kept more than once (rare: the second one within
  // its window is a duplicate and denied): no queue allocated per order on the hot path.
  private readonly byKey = new Map<string, Entry | EntryQueue>();

  constructor(readonly retainUs: number) {}

  /** Whether the policy checks duplicates at all (some `duplicate_window_seconds` is set). */
  get tracking(): boolean {
    return this.retainUs > 0;
  }

  /** A copy of saved recent orders (each with its timestamp already validated), oldest first. */
  static fromOrders(retainUs: number, orders: Iterable<readonly [number, RecentOrder]>): RecentOrders {
    const r = new RecentOrders(retainUs);
    for (const [us, order] of orders) r.add(us, order);
    return r;
  }

  /** Number of orders kept (as of the last eviction). */
  get size(): number {
    return this.all.size;
  }

  /** Keeps an order sent at `us` (its own timestamp). Nothing is kept when the policy checks no duplicates. */
  add(us: number, order: RecentOrder): void {
    if (!this.tracking) return;
    const key = orderKey(order.account_id, order.strategy_id, order.symbol, order.side, order.order_type, order.qty, order.limit_price);
    if (key === undefined) return; // not a well-formed order (see recentOrderOf): it duplicates nothing
    const e: Entry = { us, order, key };
    this.all.add(e);
    const held = this.byKey.get(key);
    if (held === undefined) {
      this.byKey.set(key, e);
    } else if (held instanceof EntryQueue) {
      held.add(e);
    } else {
      const q = new EntryQueue();
      q.add(held);
      q.add(e);
      this.byKey.set(key, q);
    }
  }

  /** Drops the orders no longer inside the longest window at time `now`: those at or before now − window. */
  evict(now: number): void {
    const cutoff = now - this.retainUs;
    for (let e = this.all.first(); e !== undefined && e.us <= cutoff; e = this.all.first()) {
      this.all.shift();
      const key = e.key;
      const held = this.byKey.get(key)!;
      if (!(held instanceof EntryQueue)) {
        this.byKey.delete(key);
        continue;
      }
      held.shift(); // a key's queue is a subsequence of the list: its oldest is this one
      if (held.size === 0) this.byKey.delete(key);
    }
  }

  /**
   * EXEC-003: the id of the latest kept order with identity `key` stamped in (t − window, t] (ties:
   * the later in the list), or null. O(1) in the number of orders kept.
   */
  duplicateOf(key: string | undefined, t: number, windowSeconds: number): string | null {
    if (key === undefined) return null;
    const held = this.byKey.get(key);
    if (held === undefined) return null;
    const from = t - windowSeconds * SECOND;
    if (!(held instanceof EntryQueue)) return held.us > from && held.us <= t ? held.order.intent_id : null;
    return held.latestIn(from, t)?.order.intent_id ?? null;
  }

  /** The kept orders, oldest first, in the wire format (the objects themselves: callers copy). */
  orders(): RecentOrder[] {
    return this.all.orders();
  }
}

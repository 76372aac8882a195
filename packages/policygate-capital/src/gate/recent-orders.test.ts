// The gate's recent orders: kept for the longest duplicate window, found by identity (EXEC-003).
import { describe, expect, it } from 'vitest';
import type { RecentOrder } from '../model/schemas.js';
import { RecentOrders, orderKey, recentOrderOf } from './recent-orders.js';
import { formatTimestampUs, SECOND } from './time.js';

const T0 = 1_771_423_200 * SECOND; // 2026-02-18T14:00:00Z
const order = (id: string, us: number, over: Partial<RecentOrder> = {}): RecentOrder => ({
  intent_id: id,
  timestamp: formatTimestampUs(us),
  account_id: 'acct',
  strategy_id: 'momentum_v1',
  symbol: 'AAPL',
  side: 'buy',
  order_type: 'market',
  qty: 100,
  limit_price: null,
  ...over,
});
const keyOf = (o: RecentOrder) => orderKey(o.account_id, o.strategy_id, o.symbol, o.side, o.order_type, o.qty, o.limit_price);

describe('RecentOrders', () => {
  it('finds the latest same order in (t − window, t], ties going to the later one kept, and nothing stamped after t', () => {
    const r = new RecentOrders(60 * SECOND);
    r.add(T0, order('a', T0));
    r.add(T0 + 5 * SECOND, order('b', T0 + 5 * SECOND));
    r.add(T0 + 5 * SECOND, order('c', T0 + 5 * SECOND));
    r.add(T0 + 9 * SECOND, order('d', T0 + 9 * SECOND));
    const k = keyOf(order('x', T0));
    expect(r.duplicateOf(k, T0 + 8 * SECOND, 10)).toBe('c');
    expect(r.duplicateOf(k, T0 + 10 * SECOND, 10)).toBe('d');
    expect(r.duplicateOf(k, T0 + 19 * SECOND - 1, 10)).toBe('d');
    expect(r.duplicateOf(k, T0 + 19 * SECOND, 10)).toBeNull(); // exactly the window old: out
    expect(r.duplicateOf(k, T0 - 1, 10)).toBeNull();
  });

  it('compares every field of the identity, qty numerically, a null limit price with null only', () => {
    const r = new RecentOrders(60 * SECOND);
    r.add(T0, order('a', T0, { order_type: 'limit', limit_price: 0 }));
    expect(r.duplicateOf(orderKey('acct', 'momentum_v1', 'AAPL', 'buy', 'limit', 100.0, -0), T0, 10)).toBe('a');
    expect(r.duplicateOf(orderKey('acct', 'momentum_v1', 'AAPL', 'buy', 'limit', 100, null), T0, 10)).toBeNull();
    expect(r.duplicateOf(orderKey('acct', 'momentum_v1', 'AAPL', 'sell', 'limit', 100, 0), T0, 10)).toBeNull();
    expect(r.duplicateOf(orderKey('acct', 'momentum_v1', 'AAPL', 'buy', 'limit', '100', 0), T0, 10)).toBeNull();
    expect(r.duplicateOf(orderKey('acct', 'momentum_v1', 'AAPL', 'buy', 'limit', NaN, 0), T0, 10)).toBeNull();
    // Fields with separators in them cannot forge another identity.
    expect(orderKey('a","b', 'c', 's', 'buy', 'market', 1, null)).not.toBe(orderKey('a', 'b","c', 's', 'buy', 'market', 1, null));
  });

  it('keeps only the longest window, oldest first, and drops the index entries with them', () => {
    const r = new RecentOrders(10 * SECOND);
    for (let i = 0; i < 2_000; i++) r.add(T0 + i * 10_000, order(`o-${i}`, T0 + i * 10_000, { qty: 1 + (i % 7) }));
    r.evict(T0 + 2_000 * 10_000);
    expect(r.size).toBe(999); // stamped in (now − 10 s, now]
    expect(r.orders()[0]!.intent_id).toBe('o-1001');
    r.evict(T0 + 3_000 * 10_000);
    expect(r.size).toBe(0);
    expect(r.duplicateOf(keyOf(order('x', T0, { qty: 1 })), T0 + 3_000 * 10_000, 10)).toBeNull();
  });

  it('keeps nothing when the policy checks no duplicates, and only well-formed orders', () => {
    const none = new RecentOrders(0);
    none.add(T0, order('a', T0));
    expect(none.size).toBe(0);
    const intent = {
      intent_id: 'i',
      timestamp: '2026-02-18T14:00:00Z',
      strategy_id: 's',
      account_id: 'a',
      instrument: { symbol: 'X', asset_class: 'equity' as const },
      side: 'buy' as const,
      order_type: 'market' as const,
      qty: 5,
      limit_price: null,
    };
    expect(recentOrderOf(intent, 3)).toEqual({
      intent_id: 'i',
      timestamp: '2026-02-18T14:00:00Z',
      account_id: 'a',
      strategy_id: 's',
      symbol: 'X',
      side: 'buy',
      order_type: 'market',
      qty: 3,
      limit_price: null,
    });
    expect(recentOrderOf({ ...intent, qty: NaN }, NaN)).toBeUndefined();
    expect(recentOrderOf({ ...intent, account_id: 5 as unknown as string }, 5)).toBeUndefined();
  });
});

// The order windows on their own: the 60 s half-open window, per-strategy counts, pending checks.
import { describe, expect, it } from 'vitest';
import { OrderWindows } from './order-windows.js';
import { SECOND } from './time.js';

const T0 = 1_771_423_200 * SECOND;

describe('OrderWindows', () => {
  it('counts an order at t for a check at s iff s − 60 s < t ≤ s, globally and per strategy', () => {
    const w = new OrderWindows();
    w.add(T0, 'a');
    w.add(T0 + 10 * SECOND, 'b');
    expect(w.globalCount(T0 + 60 * SECOND - 1)).toBe(2);
    expect(w.strategyWindow(T0 + 60 * SECOND - 1, 'a')?.size ?? 0).toBe(1);
    expect(w.globalCount(T0 + 60 * SECOND)).toBe(1); // the order at T0 left at exactly 60 s
    expect(w.strategyWindow(T0 + 60 * SECOND, 'a')?.size ?? 0).toBe(0);
    expect(w.strategyWindow(T0 + 60 * SECOND, 'b')?.size ?? 0).toBe(1);
    expect(w.strategyWindow(T0, 'never')?.size ?? 0).toBe(0);
  });

  it('keeps only strategies with orders in the window (ids are caller data), with __proto__ a key like any other', () => {
    const w = new OrderWindows();
    for (let i = 0; i < 100; i++) w.add(T0 + i * SECOND, `s-${i}`);
    w.add(T0 + 100 * SECOND, '__proto__');
    const counts = w.countsByStrategy(T0 + 120 * SECOND);
    expect(Object.keys(counts)).toHaveLength(40); // s-61 … s-99 and __proto__: t > 120 s − 60 s
    expect(counts['s-61']).toBe(1);
    expect(Object.prototype.hasOwnProperty.call(counts, '__proto__')).toBe(true);
    expect(counts['s-60']).toBeUndefined();
    expect(Object.getPrototypeOf(counts)).toBe(Object.prototype);
  });

  it('holds checks for record and releases each once, only while it is inside the window', () => {
    const w = new OrderWindows();
    w.hold('o-1', T0, 'a', null);
    w.hold('o-2', T0 + SECOND, 'a', null);
    expect(w.release('o-1', T0 + 59 * SECOND)).toEqual({ us: T0, strategy: 'a', order: null });
    expect(w.release('o-1', T0 + 59 * SECOND)).toBeUndefined();
    expect(w.release('o-2', T0 + 61 * SECOND)).toBeUndefined(); // too old to count now: dropped
    expect(w.pendingEntries()).toEqual([]);
  });

  it('comes back from its entries with the same counts and pending checks', () => {
    const w = new OrderWindows();
    w.add(T0, 'a');
    w.add(T0 + SECOND, 'b');
    w.hold('o-9', T0 + 2 * SECOND, 'c', null);
    const copy = OrderWindows.fromEntries(w.orderEntries(), w.pendingEntries());
    expect(copy.orderEntries()).toEqual(w.orderEntries());
    expect(copy.pendingEntries()).toEqual([['o-9', T0 + 2 * SECOND, 'c', null]]);
    expect(copy.countsByStrategy(T0 + 30 * SECOND)).toEqual(w.countsByStrategy(T0 + 30 * SECOND));
    expect(copy.counts(T0 + 30 * SECOND, 'a')).toEqual({ global: 2, strategy: 1 });
  });
});

// The gate's market: adoption (frozen, once per object), ticks, and the reported record.
import { describe, expect, it } from 'vitest';
import { ExposureBook } from './exposure-book.js';
import { GateMarket } from './market.js';
import { parseTimestampUs } from './time.js';

describe('GateMarket', () => {
  it('adopts a snapshot into the book and freezes it; the same object again is current', () => {
    const book = new ExposureBook();
    book.setQty('AAPL', 10);
    const market = new GateMarket(book);
    expect(market.present).toBe(false);
    const snap = { timestamp: '2026-02-18T14:00:00Z', prices: { AAPL: 200 } };
    market.adopt(snap);
    expect(market.isCurrent(snap)).toBe(true);
    expect(market.isCurrent({ ...snap })).toBe(false);
    expect(Object.isFrozen(snap) && Object.isFrozen(snap.prices)).toBe(true);
    expect(book.grossBefore()).toBe(2_000);
    expect(() => market.adopt({ timestamp: 'x', prices: null as never })).toThrow('market.prices must be an object');
  });

  it('changes single marks on a tick and reports the clock when the market has no timestamp', () => {
    const book = new ExposureBook();
    const market = new GateMarket(book);
    market.tick({ AAPL: 201 }, undefined);
    expect(market.present).toBe(true);
    expect(market.record(null)).toEqual({ timestamp: '1970-01-01T00:00:00Z', prices: { AAPL: 201 } });
    expect(market.record(parseTimestampUs('2026-02-18T14:00:01Z')).timestamp).toBe('2026-02-18T14:00:01Z');
    market.tick({}, '2026-02-18T14:00:02Z');
    expect(market.record(null).timestamp).toBe('2026-02-18T14:00:02Z');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanHoldings } from './metrics.js';

const symbols = ['AAPL', 'MSFT', 'ES', 'constructor', '__proto__', 'Z'];
const qty = fc.oneof(fc.constant(0), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(NaN, -Infinity));
const price = fc.oneof(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), fc.constantFrom(0, -5, NaN));
const copy = (o: Record<string, number>) => Object.fromEntries(Object.entries(o));

function scan(positions: Record<string, number>, prices: Record<string, number>, symbol: string) {
  const h = scanHoldings(positions, prices, symbol);
  return { gross: h.gross.value(), net: h.net.value(), missing: h.missing, bad: h.bad };
}

describe('scanHoldings', () => {
  it('sums the other holdings exactly, and reports unpriced and non-finite ones', () => {
    const r = scan({ AAPL: 10, MSFT: -3, ES: 0, Z: NaN, Q: 2 }, { AAPL: 200, MSFT: 100, Z: 1 }, 'AAPL');
    expect(r).toEqual({ gross: 300, net: -300, missing: ['Q'], bad: ['Z'] });
  });

  it('gives bit-identical results for frozen snapshots (cached) and mutable objects', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...symbols), qty, { maxKeys: 6 }),
        fc.dictionary(fc.constantFrom(...symbols), price, { maxKeys: 6 }),
        fc.constantFrom(...symbols),
        (positions, prices, symbol) => {
          const live = scan(copy(positions), copy(prices), symbol);
          const fp = Object.freeze(copy(positions));
          const fq = Object.freeze(copy(prices));
          expect(scan(fp, fq, symbol)).toEqual(live); // builds the snapshot sums
          for (const other of symbols) expect(scan(fp, fq, other)).toEqual(scan(copy(positions), copy(prices), other)); // cached
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('scanHoldings on frozen objects that can still change', () => {
  it('does not cache a frozen map whose values come from getters', () => {
    let price = 100;
    const prices = Object.freeze({
      get MSFT() {
        return price;
      },
    }) as unknown as Record<string, number>;
    const positions = Object.freeze({ MSFT: 10 });
    expect(scan(positions, prices, 'AAPL').gross).toBe(1000);
    price = 300;
    expect(scan(positions, prices, 'AAPL').gross).toBe(3000);
  });
});

describe('scanHoldings: signed zeros', () => {
  it('gives the same +0 sums per call and per snapshot when products underflow to -0', () => {
    const p = JSON.parse('{"__proto__": -5e-324, "MSFT": -5e-324}') as Record<string, number>;
    const q = JSON.parse('{"MSFT": 0.001, "__proto__": 0.001}') as Record<string, number>;
    const live = scan(copy(p), copy(q), 'MSFT');
    const frozen = scan(Object.freeze(copy(p)), Object.freeze(copy(q)), 'MSFT');
    expect(Object.is(live.gross, 0)).toBe(true);
    expect(frozen).toEqual(live);
  });
});

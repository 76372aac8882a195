import { emptyMetrics } from '../engine/metrics.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSum } from '../util/fsum.js';
import { ExposureBook, isValidPrice } from './exposure-book.js';

const SYMBOLS = ['A', 'B', 'C', 'D', '__proto__', 'constructor'];

/** What the pure evaluator would sum from scratch, in reverse key order for good measure. */
function fromScratch(positions: Map<string, number>, prices: Map<string, number>) {
  const gross = new ExactSum();
  const net = new ExactSum();
  const unpriced: string[] = [];
  for (const s of [...positions.keys()].reverse()) {
    const q = positions.get(s)!;
    const p = prices.get(s);
    if (q === 0) continue;
    if (!isValidPrice(p)) {
      unpriced.push(s);
      continue;
    }
    gross.add(Math.abs(q * p));
    net.add(q * p);
  }
  return { gross: gross.value(), net: net.value(), unpriced: unpriced.sort() };
}

type Op = { qty: [string, number] } | { price: [string, number] } | { drop: string } | { snapshot: Record<string, number> };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ qty: fc.tuple(fc.constantFrom(...SYMBOLS), fc.oneof(fc.constant(0), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -500, max: 500 }))) }),
  fc.record({ price: fc.tuple(fc.constantFrom(...SYMBOLS), fc.oneof(fc.double({ min: 1e-4, max: 1e5, noNaN: true }), fc.constantFrom(0, -1, 0.1, 0.2, 0.3))) }),
  fc.record({ drop: fc.constantFrom(...SYMBOLS) }),
  fc.record({ snapshot: fc.dictionary(fc.constantFrom(...SYMBOLS), fc.double({ min: 1e-4, max: 1e5, noNaN: true })) }),
);

describe('ExposureBook', () => {
  it('keeps gross and net bit-identical to an exact sum from scratch, and knows which holdings are unpriced', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const book = new ExposureBook();
        for (const o of ops) {
          if ('qty' in o) book.setQty(...o.qty);
          else if ('price' in o) book.setPrice(...o.price);
          else if ('drop' in o) book.deletePrice(o.drop);
          else book.replacePrices(o.snapshot);
          const want = fromScratch(book.positions, book.prices);
          expect(Object.is(book.grossBefore(), want.gross)).toBe(true);
          // Net is only ever used as |net| (net = |Σ q·p|), so the sign of a zero sum (a −0 term
          // from an underflowing q·p) is immaterial; everything else must match bit for bit.
          expect(Object.is(book.netBefore() || 0, want.net || 0)).toBe(true);
          expect([...book.unpriced].sort()).toEqual(want.unpriced);
        }
      }),
      // A found case: an underflowing q·p (−5e-324 × 1e-4 = −0) among other terms.
      { numRuns: 300, examples: [[[{ qty: ['C', 1] }, { qty: ['A', -5e-324] }, { snapshot: { C: 0.0001, A: 0.0001 } }, { drop: 'C' }]]] },
    );
  });

  it('swaps one holding’s term exactly: the after-trade sums the pure evaluator builds from scratch', () => {
    const book = new ExposureBook();
    book.replacePrices({ A: 0.1, B: 0.2, C: 0.3 });
    book.setQty('A', 3);
    book.setQty('B', -7);
    book.setQty('C', 1e15);
    // Selling all of C: the other holdings' sums plus a zero term.
    expect(book.grossAfter(1e15 * 0.3, 0)).toBe(
      new ExactSum()
        .add(3 * 0.1)
        .add(7 * 0.2)
        .value(),
    );
    expect(book.netAfter(1e15 * 0.3, 0)).toBe(
      new ExactSum()
        .add(3 * 0.1)
        .add(-7 * 0.2)
        .value(),
    );
    // Buying 1 more A.
    expect(book.grossAfter(3 * 0.1, 4 * 0.1)).toBe(
      new ExactSum()
        .add(4 * 0.1)
        .add(7 * 0.2)
        .add(1e15 * 0.3)
        .value(),
    );
  });

  it('gives every after-trade sum bit-identical to an exact sum from scratch (certified fast path or exact)', () => {
    const qty = fc.oneof(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.integer({ min: -500, max: 500 }), fc.constantFrom(1e-9, -1e-9));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...SYMBOLS), qty), { maxLength: 30 }), fc.constantFrom(...SYMBOLS), qty, (holdings, symbol, newQty) => {
        const book = new ExposureBook();
        book.replacePrices(JSON.parse('{"A": 0.1, "B": 0.2, "C": 0.3, "D": 1e5, "__proto__": 7, "constructor": 1e-3}'));
        for (const [s, q] of holdings) book.setQty(s, q);
        const price = book.prices.get(symbol)!;
        const before = book.qty(symbol) * price;
        const after = newQty * price;
        const gross = new ExactSum().add(Math.abs(after));
        const net = new ExactSum().add(after);
        for (const [s, q] of book.positions) {
          if (s === symbol) continue;
          gross.add(Math.abs(q * book.prices.get(s)!));
          net.add(q * book.prices.get(s)!);
        }
        expect(book.grossAfter(before, after)).toBe(gross.value());
        expect(book.netAfter(before, after) || 0).toBe(net.value() || 0);
      }),
      { numRuns: 3000 },
    );
  });

  it('makes a snapshot the marks: symbols it omits lose theirs', () => {
    const book = new ExposureBook();
    book.replacePrices({ A: 1, B: 2 });
    book.setQty('B', 5);
    book.replacePrices({ A: 1 });
    expect([...book.prices.keys()]).toEqual(['A']);
    expect([...book.unpriced]).toEqual(['B']);
    book.replacePrices({ B: 3, A: 1 });
    expect(book.grossBefore()).toBe(15);
  });

  it('survives an overflowing term: the sums are non-finite while it is held, and exact again after', () => {
    const book = new ExposureBook();
    book.replacePrices({ A: 1e300, B: 2 });
    book.setQty('B', 4);
    book.setQty('A', 1e10); // |q·p| = Infinity
    expect(Number.isFinite(book.grossBefore())).toBe(false);
    book.setQty('A', 0);
    expect(book.grossBefore()).toBe(8);
    expect(book.netBefore()).toBe(8);
  });

  it('values every holding as (q × p) × multiplier, as evaluate does (policy DSL v0.2 instruments)', () => {
    const book = new ExposureBook(
      new Map([
        ['ES', { multiplier: 50, lotSize: 1 }],
        ['__proto__', { multiplier: 0.1, lotSize: null }],
      ]),
    );
    book.setPrice('ES', 5012.25);
    book.setPrice('__proto__', 3.3);
    book.setPrice('A', 7);
    book.setQty('ES', -3);
    book.setQty('__proto__', 7);
    book.setQty('A', 2);
    const terms = [-3 * 5012.25 * 50, 7 * 3.3 * 0.1, 2 * 7];
    const gross = new ExactSum();
    const net = new ExactSum();
    for (const t of terms) {
      gross.add(Math.abs(t));
      net.add(t);
    }
    expect(book.grossBefore()).toBe(gross.value());
    expect(book.netBefore()).toBe(net.value());
    const m = book.exposureInto(emptyMetrics(), 'ES', 'buy', 1, 5012.25, 1e6);
    expect(m.multiplier).toBe(50);
    expect(m.newPositionPct).toBe(Math.abs(-2 * 5012.25 * 50) / 1e6);
  });
});

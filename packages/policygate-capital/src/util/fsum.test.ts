import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompensatedSum, ExactSum } from './fsum.js';

// [terms, math.fsum(terms)] written by CPython 3.11.
const vectors = JSON.parse(readFileSync(new URL('./fsum.vectors.json', import.meta.url), 'utf8')) as [number[], number][];
const sum = (xs: number[]) => xs.reduce((acc, x) => acc.add(x), new ExactSum()).value();

describe('ExactSum', () => {
  it("equals Python's math.fsum bit for bit", () => {
    for (const [xs, expected] of vectors) expect(sum(xs)).toBe(expected);
  });

  it('does not depend on the order of the terms', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), { maxLength: 40 }), fc.nat(), (xs, seed) => {
        const shuffled = [...xs].sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13) || a - b);
        expect(sum(shuffled)).toBe(sum(xs));
      }),
    );
  });

  it('removes a term exactly by adding its negation', () => {
    const acc = new ExactSum().add(0.1).add(1e16).add(0.2);
    acc.add(-1e16);
    expect(acc.value()).toBe(sum([0.1, 0.2]));
  });

  it('copies and resets', () => {
    const a = new ExactSum().add(1).add(2);
    const b = new ExactSum().copyFrom(a).add(3);
    expect(a.value()).toBe(3);
    expect(b.value()).toBe(6);
    expect(b.reset().value()).toBe(0);
  });
});

describe('CompensatedSum', () => {
  const certifiedOrNaN = (xs: number[], term: number) => xs.reduce((acc, x) => acc.add(x), new CompensatedSum()).plus(term);

  it("certifies only math.fsum's result (or nothing) on CPython's vectors", () => {
    let certifiedCount = 0;
    for (const [xs, expected] of vectors) {
      const got = certifiedOrNaN(xs, 0);
      if (Number.isNaN(got)) continue;
      certifiedCount++;
      expect(got).toBe(expected);
    }
    expect(certifiedCount).toBeGreaterThan(vectors.length / 4); // the fast path is taken, not always refused
  });

  it('is the exact sum or NaN, for sums with heavy cancellation and wide magnitudes', () => {
    const term = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }),
      fc.double({ noNaN: true, min: -1, max: 1 }),
      fc.integer().map((i) => i * 0.1),
    );
    fc.assert(
      fc.property(fc.array(term, { maxLength: 60 }), term, (xs, t) => {
        const got = certifiedOrNaN(xs, t);
        if (!Number.isNaN(got)) expect(got).toBe(sum([...xs, t]));
      }),
      { numRuns: 20000 },
    );
  });

  it('addAllTwice: both sums exact or NaN, whether the terms span a few or hundreds of orders of magnitude', () => {
    const term = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }),
      fc.integer({ min: -1e6, max: 1e6 }).map((i) => i * 0.01),
      fc.constantFrom(1e-200, -3e-150, 0.1),
    );
    fc.assert(
      fc.property(fc.array(term, { maxLength: 60 }), term, (xs, t) => {
        const terms = Float64Array.from(xs.filter((x) => x !== 0));
        const absolute = new CompensatedSum();
        const signed = new CompensatedSum();
        CompensatedSum.addAllTwice(absolute, signed, terms, terms.length);
        const gross = absolute.plus(Math.abs(t));
        const net = signed.plus(t);
        if (!Number.isNaN(gross)) expect(gross).toBe(sum([...terms].map(Math.abs).concat(Math.abs(t))));
        if (!Number.isNaN(net)) expect(net).toBe(sum([...terms, t]));
      }),
      { numRuns: 20000 },
    );
    // Prices in cents times whole quantities: the compensation is proved exact, ties are decided.
    const cents = Float64Array.from({ length: 50 }, (_, i) => (i % 2 ? 1 : -1) * (1 + (i % 7)) * (10 + (i % 97) * 0.37));
    const absolute = new CompensatedSum();
    const signed = new CompensatedSum();
    CompensatedSum.addAllTwice(absolute, signed, cents, 50);
    for (const t of [0, 44.44, -12.5, 1e-3]) expect(signed.plus(t)).toBe(sum([...cents, t]));
  });

  it('certifies the sums of a portfolio, ties and exact cancellation included; refuses zero and overflow', () => {
    const xs = Array.from({ length: 50 }, (_, i) => (5 + (i % 7)) * (20 + i * 1.37));
    expect(certifiedOrNaN(xs, 2000)).toBe(sum([...xs, 2000]));
    // Prices with few binary digits often sum to a tie between two doubles: decided, half-even.
    const tie = [2 ** 53, 1, 2 ** -30];
    expect(certifiedOrNaN(tie, -(2 ** -30))).toBe(sum([...tie, -(2 ** -30)]));
    expect(certifiedOrNaN([2 ** 53, 1], 0)).toBe(2 ** 53);
    expect(certifiedOrNaN([2 ** 53, 3], 0)).toBe(2 ** 53 + 4);
    expect(certifiedOrNaN([0.1, 0.2, -0.3], 0)).toBe(sum([0.1, 0.2, -0.3])); // 2^-55: the exact rest
    expect(certifiedOrNaN([1.5, -1.5], 0)).toBeNaN();
    expect(certifiedOrNaN([1e308, 1e308], 0)).toBeNaN();
  });

  it('splits an ExactSum into hi + lo, and knows when lo is the rest exactly', () => {
    expect(
      new ExactSum()
        .add(1)
        .add(2 ** -60)
        .split(),
    ).toEqual([1, 2 ** -60, true]);
    const [hi, lo, exact] = new ExactSum()
      .add(1)
      .add(2 ** -60)
      .add(2 ** -100)
      .split();
    expect([hi, lo, exact]).toEqual([1, 2 ** -60 + 2 ** -100, true]);
    expect(
      new ExactSum()
        .add(1)
        .add(2 ** -60)
        .add(2 ** -200)
        .split()[2],
    ).toBe(false);
  });
});

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSum } from './fsum.js';

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

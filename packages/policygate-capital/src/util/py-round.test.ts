import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pyFixed, pyRound, roundMs } from './py-round.js';

// Vectors written by CPython 3.11 (round(x, n), "%.4f", "{:.6f}", "{:.8f}") over exact ties,
// near-ties, random magnitudes and random bit patterns. Regenerate with the script in the commit
// that added them; never edit by hand.
type Vector = [number, [number, number, number, number], [string, string, string]];
const vectors = JSON.parse(readFileSync(new URL('./py-round.vectors.json', import.meta.url), 'utf8')) as Vector[];

describe('pyRound', () => {
  it('rounds exact binary ties to even, unlike toFixed', () => {
    expect(pyRound(0.0078125, 6)).toBe(0.007812);
    expect((0.0078125).toFixed(6)).toBe('0.007813');
    expect(pyRound(-0.0078125, 6)).toBe(-0.007812);
    expect(pyRound(0.0234375, 6)).toBe(0.023438);
  });

  it('rounds the exact binary value, not the decimal literal', () => {
    expect(pyRound(2.675, 2)).toBe(2.67);
  });

  it('keeps the sign of zero and passes non-finite values through', () => {
    expect(Object.is(pyRound(-1e-9, 6), -0)).toBe(true);
    expect(pyRound(Infinity, 6)).toBe(Infinity);
    expect(pyRound(NaN, 6)).toBeNaN();
  });

  it(`agrees with CPython on ${vectors.length} vectors at 3, 4, 6 and 8 decimals`, () => {
    const wrong: string[] = [];
    for (const [x, rounded] of vectors) {
      [3, 4, 6, 8].forEach((n, i) => {
        const got = pyRound(x, n);
        if (!Object.is(got, rounded[i])) wrong.push(`round(${x}, ${n}) = ${rounded[i]}, got ${got}`);
      });
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});

describe('pyFixed', () => {
  it('formats ties half-even as Python does', () => {
    expect(pyFixed(0.03125, 4)).toBe('0.0312');
    expect(pyFixed(0.09375, 4)).toBe('0.0938');
    expect(pyFixed(-0.00001, 4)).toBe('-0.0000');
    expect(pyFixed(-0, 4)).toBe('-0.0000');
    expect(pyFixed(1e21, 4)).toBe('1000000000000000000000.0000');
    expect(pyFixed(Infinity, 4)).toBe('inf');
  });

  it(`agrees with CPython's format on ${vectors.length} vectors`, () => {
    const wrong: string[] = [];
    for (const [x, , formatted] of vectors) {
      [4, 6, 8].forEach((n, i) => {
        const got = pyFixed(x, n);
        if (got !== formatted[i]) wrong.push(`${x}:.${n}f = ${formatted[i]}, got ${got}`);
      });
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});

describe('roundMs (eval_ms)', () => {
  it('rounds a duration to the nearest thousandth, written with at most 3 decimals', () => {
    expect(roundMs(0.0123456)).toBe(0.012);
    expect(roundMs(0.0004)).toBe(0);
    expect(roundMs(0.0006)).toBe(0.001);
    expect(roundMs(12.3456)).toBe(12.346);
    for (let i = 0; i < 10_000; i++) {
      const ms = Math.random() * 10 ** ((i % 7) - 3);
      const r = roundMs(ms);
      expect(Math.abs(r - ms)).toBeLessThanOrEqual(0.0005 + 1e-12);
      expect(String(r).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(3);
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IsoClock } from './iso-clock.js';

describe('IsoClock', () => {
  it('writes what Date#toISOString writes, for any time a Date holds, in any order of calls', () => {
    const clock = new IsoClock();
    const time = fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.integer({ min: 1.7e12, max: 1.7e12 + 5000 }));
    fc.assert(
      fc.property(fc.array(time, { minLength: 1, maxLength: 20 }), (times) => {
        for (const ms of times) expect(clock.at(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 500 },
    );
  });

  it('now() is the current time', () => {
    const before = Date.now();
    const t = Date.parse(new IsoClock().now());
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});

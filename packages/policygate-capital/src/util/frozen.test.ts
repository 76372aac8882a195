import { describe, expect, it } from 'vitest';
import { isImmutableFlat } from './frozen.js';

describe('isImmutableFlat', () => {
  it('accepts a frozen map of primitives only', () => {
    expect(isImmutableFlat(Object.freeze({ a: 1, b: 'x', c: null, d: true }))).toBe(true);
    expect(isImmutableFlat(Object.freeze({}))).toBe(true);
  });

  it('refuses what can still change: unfrozen, getters, nested objects', () => {
    expect(isImmutableFlat({ a: 1 })).toBe(false);
    expect(isImmutableFlat(Object.seal({ a: 1 }))).toBe(false);
    expect(
      isImmutableFlat(
        Object.freeze({
          get a() {
            return Math.random();
          },
        }),
      ),
    ).toBe(false);
    expect(isImmutableFlat(Object.freeze({ a: { b: 1 } }))).toBe(false);
    expect(isImmutableFlat(Object.freeze({ a: () => 1 }))).toBe(false);
  });
});

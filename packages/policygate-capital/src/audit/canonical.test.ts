import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../util/canonical-json.js';
import { canonicalLine } from './canonical.js';

// Keys that exercise code-point order (astral vs. BMP above U+D800), escaping and prototype names.
const key = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '\uffff', '\ud83d\ude00', 'é', 'a"b', 'a\\b', '\u007f', ''),
);
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ unit: 'binary', maxLength: 8 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    tie('object'),
  ),
  object: fc
    .array(fc.tuple(key, fc.option(tie('value'), { nil: undefined })), { maxLength: 5 })
    .map((entries) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
      return o;
    }),
}));

describe('canonicalLine', () => {
  it('is byte for byte canonicalJson on arbitrary JSON-like values', () => {
    fc.assert(
      fc.property(jsonish.value, (value) => {
        expect(canonicalLine(value)).toBe(canonicalJson(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts keys by code point, as Python does (an astral character after U+FFFF-range BMP ones)', () => {
    const o = { '\ud83d\ude00': 1, '\uffff': 2, b: 3, a: 4 };
    expect(canonicalLine(o)).toBe('{"a":4,"b":3,"\\uffff":2,"\\ud83d\\ude00":1}');
  });

  it('keeps a __proto__ key as data and omits undefined members', () => {
    const o = JSON.parse('{"__proto__":{"x":1},"b":2}');
    o.c = undefined;
    expect(canonicalLine(o)).toBe('{"__proto__":{"x":1},"b":2}');
  });

  it('refuses non-finite numbers instead of writing null', () => {
    expect(() => canonicalLine({ qty: NaN })).toThrow(RangeError);
    expect(() => canonicalLine([Infinity])).toThrow(/non-finite/);
  });
});

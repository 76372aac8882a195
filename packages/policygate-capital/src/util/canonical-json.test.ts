import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalWriter, canonicalJson, JsonText } from './canonical-json.js';

// Expected texts from CPython: json.dumps(value, sort_keys=True, separators=(",", ":")).
const PYTHON_VECTORS: [string, string][] = [
  ['{"b": 1, "a": "\\u00e9"}', '{"a":"\\u00e9","b":1}'],
  // Integer-like keys sort as strings: "" < "10" < "7203" < "9" < "AAPL".
  ['{"10": 1, "9": 2, "": 3, "AAPL": 4, "7203": 5}', '{"":3,"10":1,"7203":5,"9":2,"AAPL":4}'],
  // Code-point order: U+FFFF before U+1F600 (UTF-16 order would put the surrogate pair first).
  ['{"\\uffff": 1, "\\ud83d\\ude00": 2, "b": 3}', '{"b":3,"\\uffff":1,"\\ud83d\\ude00":2}'],
  ['{"__proto__": {"x": [1, 2.5, null, true]}, "constructor": -1}', '{"__proto__":{"x":[1,2.5,null,true]},"constructor":-1}'],
  [
    '{"prices": {"2": 1.5, "10": 2.25, "1": 0.125, "SPY": 400}, "s": "tab\\tquote\\"back\\\\slash\\u007f\\u2028"}',
    '{"prices":{"1":0.125,"10":2.25,"2":1.5,"SPY":400},"s":"tab\\tquote\\"back\\\\slash\\u007f\\u2028"}',
  ],
];

/** The definition, written plainly: the oracle for the optimised implementation. */
function reference(value: unknown): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('non-finite');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'boolean' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((x) => reference(x) ?? 'null').join(',')}]`;
  if (typeof value === 'object') {
    const codePoints = (s: string) => Array.from(s, (c) => c.codePointAt(0)!);
    const cmp = (a: string, b: string) => {
      const x = codePoints(a);
      const y = codePoints(b);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return x.length - y.length;
    };
    const parts: string[] = [];
    for (const k of Object.keys(value).sort(cmp)) {
      const v = reference((value as Record<string, unknown>)[k]);
      if (v !== undefined) parts.push(`${reference(k)}:${v}`);
    }
    return `{${parts.join(',')}}`;
  }
  return undefined;
}

const key = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.nat({ max: 300 }).map(String),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'toJSON', '\uffff', '\ud83d\ude00', 'é', 'a"b', 'a\\b', '\u007f', '', '01'),
);
const withKeys = <T>(entries: [string, T][]) => {
  const o: Record<string, T> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
};
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
  object: fc.array(fc.tuple(key, fc.option(tie('value'), { nil: undefined })), { maxLength: 5 }).map(withKeys),
}));

describe('canonicalJson', () => {
  it.each(PYTHON_VECTORS)('writes %s as CPython does', (input, expected) => {
    expect(canonicalJson(JSON.parse(input))).toBe(expected);
  });

  it('follows the definition on arbitrary JSON-like values', () => {
    fc.assert(
      fc.property(jsonish.value, (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('follows the definition on flat maps of numbers, keys inserted in order or not', () => {
    const entries = fc.array(fc.tuple(key, fc.double({ noNaN: true, noDefaultInfinity: true })), { maxLength: 12 });
    fc.assert(
      fc.property(entries, fc.boolean(), (list, sortFirst) => {
        if (sortFirst) list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        const o = withKeys(list);
        expect(canonicalJson(o)).toBe(reference(o));
        expect(canonicalJson({ prices: o })).toBe(reference({ prices: o }));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses non-finite numbers instead of writing null', () => {
    expect(() => canonicalJson({ qty: NaN })).toThrow(RangeError);
    expect(() => canonicalJson({ prices: { AAPL: Infinity } })).toThrow(/non-finite/);
    expect(() => canonicalJson([-Infinity])).toThrow(/non-finite/);
  });

  it('omits undefined members and writes undefined array items as null, as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });
});

describe('canonicalJson and frozen maps', () => {
  it('writes a frozen map the same every time, and never caches one with getters', () => {
    const frozen = Object.freeze({ b: 2, a: 1 });
    expect(canonicalJson({ p: frozen })).toBe('{"p":{"a":1,"b":2}}');
    expect(canonicalJson({ p: frozen })).toBe('{"p":{"a":1,"b":2}}');
    let v = 1;
    const live = Object.freeze({
      get a() {
        return v;
      },
    });
    expect(canonicalJson(live)).toBe('{"a":1}');
    v = 2;
    expect(canonicalJson(live)).toBe('{"a":2}');
  });

  it('writes each frozen map met at one place, when their texts come from the cache', () => {
    const a = Object.freeze({ AAPL: 1 });
    const b = Object.freeze({ AAPL: 2 });
    const writer = new CanonicalWriter();
    for (const m of [a, b, a, a, b]) expect(writer.write({ positions: m })).toBe(`{"positions":{"AAPL":${m.AAPL}}}`);
    // A plain map, a cached frozen one, the plain one again: the place's text follows each.
    const plain = { AAPL: 3 };
    for (const m of [plain, a, plain, b, plain]) expect(writer.write({ positions: m })).toBe(`{"positions":{"AAPL":${m.AAPL}}}`);
  });
});

// A writer reuses what it wrote at the same place last time; these values come from a small pool of
// keys and primitives, so that consecutive values share keys and members, with a few differences.
const fewKeys = fc.constantFrom('a', 'b', '10', '9', '\uffff', '\ud83d\ude00', 'é');
const fewPrimitives = fc.constantFrom(0, -0, 1, 2.5, 1e21, '', 'x', 'é', null, true, false, undefined);
const similar = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fewPrimitives, fewPrimitives, fc.array(tie('value'), { maxLength: 3 }), tie('object')),
  object: fc.array(fc.tuple(fewKeys, tie('value')), { maxLength: 4 }).map(withKeys),
}));

describe('CanonicalWriter', () => {
  it('writes each value of a sequence exactly as canonicalJson does', () => {
    fc.assert(
      fc.property(fc.array(similar.value, { minLength: 1, maxLength: 10 }), (values) => {
        const writer = new CanonicalWriter();
        for (const v of values) expect(writer.write({ v, fixed: { k: 1 } })).toBe(reference({ v, fixed: { k: 1 } }));
      }),
      { numRuns: 3000 },
    );
  });

  it('writes flat maps, frozen (their texts cached) or not, met at one place in any order', () => {
    const flat = fc.tuple(fc.array(fc.tuple(fewKeys, fewPrimitives), { maxLength: 3 }).map(withKeys), fc.boolean());
    fc.assert(
      fc.property(fc.array(flat, { minLength: 1, maxLength: 4 }), fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 12 }), (maps, order) => {
        const pool = maps.map(([m, frozen]) => (frozen ? Object.freeze(m) : m));
        const writer = new CanonicalWriter();
        for (const k of order) {
          const m = pool[k % pool.length];
          expect(writer.write({ m, fixed: 1 })).toBe(reference({ m, fixed: 1 }));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a member given as JsonText as its text, whatever the place held before or holds next', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(similar.value, fc.constant({ k: 1 })), fc.boolean()), { minLength: 1, maxLength: 10 }), (items) => {
        const writer = new CanonicalWriter();
        for (const [v, given] of items) {
          const text = reference(v) ?? 'null';
          expect(writer.write({ d: given && typeof v === 'object' && v !== null ? new JsonText(text) : v, fixed: { k: 1 } })).toBe(reference({ d: v, fixed: { k: 1 } }));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('sees what the caller changed in place between two writes', () => {
    fc.assert(
      fc.property(similar.object, fc.array(fc.tuple(fewKeys, fc.option(similar.value, { nil: undefined }), fc.boolean()), { maxLength: 8 }), (obj, edits) => {
        const writer = new CanonicalWriter();
        const o = obj as Record<string, unknown>;
        expect(writer.write({ o })).toBe(reference({ o }));
        for (const [k, v, remove] of edits) {
          if (remove) delete o[k];
          else o[k] = v;
          expect(writer.write({ o })).toBe(reference({ o }));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a map whose numbers change one by one, or whose keys come in another order', () => {
    const writer = new CanonicalWriter();
    const prices: Record<string, number> = { SPY: 400, AAPL: 200, '10': 1.5 };
    const check = () => expect(writer.write({ prices })).toBe(reference({ prices }));
    check();
    prices.AAPL = 200.25;
    check();
    prices.SPY = -0;
    check();
    const moved = { AAPL: 200.25, '10': 1.5, SPY: 0 };
    expect(writer.write({ prices: moved })).toBe(writer.write({ prices }));
    expect(writer.write({ prices: [1, 2] })).toBe('{"prices":[1,2]}');
    expect(writer.write({ prices: {} })).toBe('{"prices":{}}');
  });

  it('refuses a non-finite number without remembering a half-written value', () => {
    const writer = new CanonicalWriter();
    const m: Record<string, number> = { a: 1, b: 2 };
    expect(writer.write({ m })).toBe('{"m":{"a":1,"b":2}}');
    m.a = 3;
    m.b = NaN;
    expect(() => writer.write({ m })).toThrow(RangeError);
    m.b = 2;
    expect(writer.write({ m })).toBe('{"m":{"a":3,"b":2}}');
  });

  it('writes own members only, when the keys of the last object at that place are inherited', () => {
    const writer = new CanonicalWriter();
    expect(writer.write({ a: { x: 1, y: 2 } })).toBe('{"a":{"x":1,"y":2}}');
    // for…in lists x (own) and y (inherited): the keys written last time, in the same order.
    const child = Object.assign(Object.create({ y: 9 }), { x: 1 });
    expect(writer.write({ a: child })).toBe('{"a":{"x":1}}');
    const plain = { x: 1 };
    expect(writer.write({ a: plain })).toBe('{"a":{"x":1}}');
    Object.defineProperty(Object.prototype, 'y', { value: 9, enumerable: true, writable: true, configurable: true });
    try {
      expect(writer.write({ a: { x: 1, y: 2 } })).toBe('{"a":{"x":1,"y":2}}');
      expect(writer.write({ a: plain })).toBe('{"a":{"x":1}}');
    } finally {
      delete (Object.prototype as { y?: number }).y;
    }
  });

  it('writes a value met again from a getter with a writer of its own', () => {
    const writer = new CanonicalWriter();
    const inner = { z: 1, y: 2 };
    const outer = {
      get b() {
        return writer.write(inner);
      },
      a: inner,
    };
    expect(writer.write(outer)).toBe('{"a":{"y":2,"z":1},"b":"{\\"y\\":2,\\"z\\":1}"}');
  });
});

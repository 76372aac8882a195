// The body's JSON step takes a fast path (JSON.parse and a count of keys) and must answer exactly
// as the strict scanner, parseJsonText, does: the same value, or the same error at the same place.
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { parseJsonText } from '../util/json-text.js';
import { parseBody } from './body.js';
import { HttpError } from './http.js';

type Outcome = { value: unknown } | { error: unknown };

function scanner(text: string): Outcome {
  try {
    return { value: parseJsonText(text) };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return { error: e.issues };
  }
}

function body(text: string): Outcome {
  try {
    return { value: parseBody(text, v.unknown()) };
  } catch (e) {
    if (!(e instanceof HttpError) || e.status !== 400) throw e;
    return { error: e.issues };
  }
}

// JSON texts with a key repeated at some depth, by splicing a member's copy into its object.
const withDuplicate = fc.tuple(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.nat(), fc.boolean()).map(([obj, at, nested]) => {
  const text = JSON.stringify(obj);
  const keys = Object.keys(obj);
  const key = JSON.stringify(keys[at % keys.length]);
  const dup = `{${key}:1,${text.slice(1)}`;
  return nested ? `{"outer":[${dup}],"b":2}` : dup;
});

describe('parseBody: the JSON step answers as parseJsonText', () => {
  it('for JSON values, written compactly or with spaces', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, spaced) => {
        const text = spaced ? JSON.stringify(value, null, 2) : JSON.stringify(value);
        expect(body(text)).toEqual(scanner(text));
      }),
      { numRuns: 400 },
    );
  });

  it('for texts with a key given twice (refused, with the duplicate key and its place)', () => {
    fc.assert(
      fc.property(withDuplicate, (text) => {
        const got = body(text);
        expect(got).toEqual(scanner(text));
        expect('error' in got).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('for arbitrary and broken texts', () => {
    const fragments = fc.constantFrom('{', '}', '[', ']', ',', ':', '"a"', '"a":', '1', '-0', '1e5', 'true', 'null', ' ', '\n', '"\\u0041"', '"x\\"y"', "'s'", 'NaN', '01', '"\u0001"');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(fragments, { maxLength: 12 }).map((xs) => xs.join('')),
        ),
        (text) => {
          expect(body(text)).toEqual(scanner(text));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('for escapes, __proto__ keys and nesting past the fast path and past the limit', () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    for (const text of [
      '{"a\\u0022":1,"a\\"":2}', // the same key, written two ways
      '{"q\\"":1,"b":{"q\\"":2}}',
      '{"__proto__":1,"__proto__":2}',
      '{"__proto__":{"x":1}}',
      deep(31),
      deep(40),
      deep(512),
      deep(513),
      deepObject(40),
      deepObject(513),
      '{"a":1,"a":1}',
      '{"a":{"b":1},"c":{"b":1,"b":2}}',
      '{"a" :1, "b"\n:2}',
      '  ',
      '',
    ]) {
      expect(body(text)).toEqual(scanner(text));
    }
    expect('error' in body('{"a\\u0022":1,"a\\"":2}')).toBe(true);
    expect('error' in body(deep(513))).toBe(true);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPath } from '../../model/issues.js';
import { findJsonProblem, lineColumn, locateJsonPath, MAX_JSON_DEPTH, parseIssuePath, parseJsonStrict } from './json-text.js';

const problemAt = (text: string) => {
  const p = findJsonProblem(text);
  if (!p) throw new Error(`expected a problem in ${JSON.stringify(text)}`);
  return { ...lineColumn(text, p.offset), message: p.message };
};

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('findJsonProblem', () => {
  it('accepts exactly what JSON.parse accepts, apart from duplicate keys (random JSON and its mutations)', () => {
    const mutated = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', '-', '0', '.', 'e', '\\', ' ', '\n', 'x', 'nul', '\u0001'), fc.nat({ max: 3 }))
      .map(([json, at, insert, remove]) => {
        const i = at % (json.length + 1);
        return json.slice(0, i) + insert + json.slice(i + remove);
      });
    fc.assert(
      fc.property(fc.oneof(fc.json(), mutated, fc.string()), (text) => {
        const problem = findJsonProblem(text);
        if (parses(text)) {
          // Only a duplicate key is refused beyond JSON.parse.
          if (problem) expect(problem.message).toMatch(/^duplicate key /);
        } else {
          expect(problem).toBeDefined();
          expect(problem!.offset).toBeGreaterThanOrEqual(0);
          expect(problem!.offset).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('points at the character that breaks the document, by line and column', () => {
    expect(problemAt('{\n  "qty": 1,\n}')).toEqual({ line: 3, column: 1, message: "trailing comma before '}'" });
    expect(problemAt('{"a": 1 "b": 2}')).toEqual({ line: 1, column: 9, message: `expected ',' or '}' after a value in an object, got '"'` });
    expect(problemAt('{"a": tru}')).toMatchObject({ line: 1, column: 7, message: "expected a value, got 't'" });
    expect(problemAt('[1, 2')).toMatchObject({ line: 1, column: 6 });
    expect(problemAt('')).toMatchObject({ line: 1, column: 1, message: 'empty input, expected a JSON value' });
    expect(problemAt('{"a": 1}\n{"b": 2}')).toMatchObject({ line: 2, column: 1, message: "unexpected '{' after the JSON value" });
    expect(problemAt('{"a": "x\ty"}')).toMatchObject({ line: 1, column: 9, message: 'control character U+0009 in a string (escape it)' });
    expect(problemAt("{'a': 1}")).toMatchObject({ column: 2 });
  });

  it('names NaN, Infinity and leading zeros, which people do write', () => {
    expect(problemAt('{"qty": NaN}').message).toBe('NaN and Infinity are not JSON (numbers must be finite)');
    expect(problemAt('{"qty": -Infinity}').message).toBe('NaN and Infinity are not JSON (numbers must be finite)');
    expect(problemAt('{"qty": 007}')).toMatchObject({ column: 9, message: 'invalid number (leading zeros are not allowed)' });
  });

  it('refuses a key given twice in one object, at the second key', () => {
    expect(problemAt('{"qty": 1,\n "qty": 1000}')).toEqual({ line: 2, column: 2, message: 'duplicate key "qty"' });
    // The same key in different objects is fine; escapes are compared decoded.
    expect(findJsonProblem('{"a": {"x": 1}, "b": {"x": 2}}')).toBeUndefined();
    expect(problemAt('{"a": 1, "\\u0061": 2}').message).toBe('duplicate key "a"');
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    expect(findJsonProblem('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBeUndefined();
    expect(problemAt('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1)).message).toMatch(/nested too deeply/);
    expect(problemAt('['.repeat(200_000)).message).toMatch(/nested too deeply/);
  });
});

describe('parseJsonStrict', () => {
  it('returns the same value as JSON.parse, keeping __proto__ as an ordinary key', () => {
    const r = parseJsonStrict('{"__proto__": 1, "b": [1, 2.5, "é"]}');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(Object.keys(r.value as object)).toEqual(['__proto__', 'b']);
      expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    }
  });
});

describe('lineColumn', () => {
  it('counts lines at \\n (also in \\r\\n files) and columns in code points', () => {
    const text = 'ab\r\n😀x\ny';
    expect(lineColumn(text, 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn(text, text.indexOf('x'))).toEqual({ line: 2, column: 2 });
    expect(lineColumn(text, text.indexOf('y'))).toEqual({ line: 3, column: 1 });
  });
});

describe('locateJsonPath', () => {
  const text = '{\n  "instrument": {"symbol": "AAPL", "asset_class": "bond"},\n  "prices": {"BTC-USD": 1},\n  "v": [[1, "x"]],\n  "extra": 1\n}';

  it('finds the value at a nested key, a quoted key and an array index', () => {
    expect(lineColumn(text, locateJsonPath(text, ['instrument', 'asset_class']))).toEqual({ line: 2, column: 51 });
    expect(lineColumn(text, locateJsonPath(text, ['prices', 'BTC-USD']))).toEqual({ line: 3, column: 25 });
    expect(lineColumn(text, locateJsonPath(text, ['v', 0, 1]))).toEqual({ line: 4, column: 13 });
  });

  it('finds an unknown field at its key, and a missing field at its parent', () => {
    expect(lineColumn(text, locateJsonPath(text, ['extra'], true))).toEqual({ line: 5, column: 3 });
    expect(lineColumn(text, locateJsonPath(text, ['instrument', 'nope']))).toEqual({ line: 2, column: 17 });
    expect(lineColumn(text, locateJsonPath(text, []))).toEqual({ line: 1, column: 1 });
  });
});

describe('parseIssuePath', () => {
  it('reads back every path the schemas format', () => {
    const key = fc.oneof(fc.string(), fc.nat({ max: 99 }), fc.constantFrom('__proto__', 'a.b', 'x[0]', '"q"', 'BTC-USD'));
    fc.assert(
      fc.property(fc.array(key, { maxLength: 5 }), (keys) => {
        // A leading numeric key prints as "[0]", which reads back as the number it was.
        expect(parseIssuePath(formatPath(keys))).toEqual(keys);
      }),
    );
  });
});

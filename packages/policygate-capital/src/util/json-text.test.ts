import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError, type Issue } from '../errors.js';
import { formatPath } from '../model/issues.js';
import { locateJsonIssues, MAX_JSON_DEPTH, parseIssuePath, parseJsonText } from './json-text.js';

/** The one issue of the error parseJsonText throws for `text`. */
function problemAt(text: string): Issue {
  try {
    parseJsonText(text);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    expect(e.code).toBe('ERR_JSON');
    expect(e.issues).toHaveLength(1);
    return e.issues[0]!;
  }
  throw new Error(`expected a problem in ${JSON.stringify(text)}`);
}

/** parseJsonText's value, or its issue. */
function parseOrProblem(text: string): { ok: true; value: unknown } | { ok: false; issue: Issue } {
  try {
    return { ok: true, value: parseJsonText(text) };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return { ok: false, issue: e.issues[0]! };
  }
}

function nativeParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Where `locateJsonIssues` points the issue at `path` (message `message`), as [line, column]. */
function where(text: string, path: string, options?: { at?: 'value' | 'key' }, message = 'must be something else'): [number, number] {
  const [located] = locateJsonIssues(text, [{ path, message }], options);
  return [located!.line, located!.column];
}

describe('parseJsonText', () => {
  it('accepts exactly what JSON.parse accepts, to the same value, apart from duplicate keys (random JSON and its mutations)', () => {
    const mutated = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', '-', '0', '.', 'e', '\\', ' ', '\n', 'x', 'nul', '\u0001'), fc.nat({ max: 3 }))
      .map(([json, at, insert, remove]) => {
        const i = at % (json.length + 1);
        return json.slice(0, i) + insert + json.slice(i + remove);
      });
    fc.assert(
      fc.property(fc.oneof(fc.json(), mutated, fc.string()), (text) => {
        const ours = parseOrProblem(text);
        const native = nativeParse(text);
        if (native.ok) {
          // Only a duplicate key is refused beyond JSON.parse.
          if (ours.ok) expect(ours.value).toEqual(native.value);
          else expect(ours.issue.message).toMatch(/^duplicate key /);
        } else {
          expect(ours.ok).toBe(false);
          if (!ours.ok) {
            const lines = text.split('\n');
            expect(ours.issue.line).toBeGreaterThanOrEqual(1);
            expect(ours.issue.line).toBeLessThanOrEqual(lines.length);
            expect(ours.issue.column).toBeGreaterThanOrEqual(1);
            expect(ours.issue.column).toBeLessThanOrEqual(lines[ours.issue.line! - 1]!.length + 1);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts exactly what JSON.parse accepts, apart from duplicate keys (generated documents, compact and indented, and their mutations)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.string({ maxLength: 3 }), fc.boolean(), (value, at, insert, pretty) => {
        const good = JSON.stringify(value, null, pretty ? 2 : undefined);
        expect(parseJsonText(good)).toEqual(JSON.parse(good));
        const cut = at % (good.length + 1);
        const mutated = good.slice(0, cut) + insert + good.slice(cut + 1);
        const ours = parseOrProblem(mutated);
        if (nativeParse(mutated).ok) expect(ours.ok || /^duplicate key /.test(ours.issue.message)).toBe(true);
        else expect(ours.ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('returns the same value as JSON.parse, keeping __proto__ as an ordinary key', () => {
    const value = parseJsonText('{"__proto__": 1, "b": [1, 2.5, "é"]}');
    expect(Object.keys(value as object)).toEqual(['__proto__', 'b']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    const text = '{"__proto__": {"x": 1}, "constructor": 2, "a": [1, -2.5e3, "s\\u00e9", true, null]}';
    expect(parseJsonText(text)).toEqual(JSON.parse(text));
    expect(Object.hasOwn(parseJsonText(text) as object, '__proto__')).toBe(true);
    const long = `[${'9'.repeat(1000)}.5e-3]`;
    expect(parseJsonText(long)).toEqual(JSON.parse(long));
  });

  it('throws a ValidationError (ERR_JSON) whose one issue has the message, line and column', () => {
    let error: unknown;
    try {
      parseJsonText('{\n  "qty": 1,\n}');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'ERR_JSON', subject: 'JSON', issues: [{ path: '', message: "trailing comma before '}'", line: 3, column: 1 }] });
    expect((error as ValidationError).message).toBe("Invalid JSON:\ntrailing comma before '}' (line 3, column 1)");
  });

  it('points at the character that breaks the document, by line and column', () => {
    expect(problemAt('{\n  "qty": 1,\n}')).toEqual({ path: '', line: 3, column: 1, message: "trailing comma before '}'" });
    expect(problemAt('{"a": 1 "b": 2}')).toEqual({ path: '', line: 1, column: 9, message: `expected ',' or '}' after a value in an object, got '"'` });
    // A missing comma is reported where the next member starts.
    expect(problemAt('{\n  "a": 1\n  "b": 2\n}')).toMatchObject({ line: 3, column: 3, message: `expected ',' or '}' after a value in an object, got '"'` });
    expect(problemAt('{"a": tru}')).toMatchObject({ line: 1, column: 7, message: "expected a value, got 't'" });
    expect(problemAt('[1, 2')).toMatchObject({ line: 1, column: 6 });
    expect(problemAt('')).toMatchObject({ line: 1, column: 1, message: 'empty input, expected a JSON value' });
    expect(problemAt('  \n')).toMatchObject({ line: 2, column: 1, message: 'empty input, expected a JSON value' });
    expect(problemAt('{"a": 1}\n{"b": 2}')).toMatchObject({ line: 2, column: 1, message: "unexpected '{' after the JSON value" });
    expect(problemAt('[1] [2]')).toMatchObject({ line: 1, column: 5 });
    expect(problemAt('{"a": "x\ty"}')).toMatchObject({ line: 1, column: 9, message: 'control character U+0009 in a string (escape it)' });
    expect(problemAt('{"a": "x\ny"}')).toMatchObject({ line: 1, column: 9, message: 'control character U+000A in a string (escape it)' });
    expect(problemAt("{'a': 1}")).toMatchObject({ line: 1, column: 2 });
  });

  it('names NaN, Infinity and leading zeros, which people do write', () => {
    expect(problemAt('{"qty": NaN}')).toMatchObject({ column: 9, message: 'NaN and Infinity are not JSON (numbers must be finite)' });
    expect(problemAt('{"qty": -Infinity}').message).toBe('NaN and Infinity are not JSON (numbers must be finite)');
    expect(problemAt('{"qty": 007}')).toMatchObject({ column: 9, message: 'invalid number (leading zeros are not allowed)' });
  });

  it('refuses a key given twice in one object, at the second key', () => {
    expect(problemAt('{"qty": 1,\n "qty": 1000}')).toEqual({ path: '', line: 2, column: 2, message: 'duplicate key "qty"' });
    // The same key in different objects is fine; escapes are compared decoded.
    expect(parseJsonText('{"a": {"x": 1}, "b": {"x": 2}}')).toEqual({ a: { x: 1 }, b: { x: 2 } });
    expect(problemAt('{"a": 1, "\\u0061": 2}').message).toBe('duplicate key "a"');
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    expect(parseJsonText('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBeInstanceOf(Array);
    expect(problemAt('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1)).message).toMatch(/nested too deeply/);
    expect(problemAt('['.repeat(10_000)).message).toMatch(/nested too deeply/);
    expect(problemAt('['.repeat(200_000)).message).toMatch(/nested too deeply/);
  });

  it('counts lines at \\n (also in \\r\\n files) and columns in code points', () => {
    expect(problemAt('x')).toMatchObject({ line: 1, column: 1 });
    expect(problemAt('["ab",\r\n"😀"x]')).toMatchObject({ line: 2, column: 4 });
    expect(problemAt('["ab",\r\n"😀", x]')).toMatchObject({ line: 2, column: 6 });
    expect(problemAt('["ab",\r\n2,\ny]')).toMatchObject({ line: 3, column: 1 });
    // A \r before the \n is the line's last column.
    expect(problemAt('"ab\r\n"')).toMatchObject({ line: 1, column: 4, message: 'control character U+000D in a string (escape it)' });
  });
});

describe('locateJsonIssues', () => {
  const text = '{\n  "instrument": {"symbol": "AAPL", "asset_class": "bond"},\n  "prices": {"BTC-USD": 1},\n  "v": [[1, "x"]],\n  "extra": 1\n}';

  it('finds the value at a nested key, a quoted key and an array index', () => {
    expect(where(text, 'instrument.asset_class')).toEqual([2, 51]);
    expect(where(text, 'prices["BTC-USD"]')).toEqual([3, 25]);
    expect(where(text, 'v[0][1]')).toEqual([4, 13]);
  });

  it('finds an unknown field at its key, and a missing field at its parent', () => {
    expect(where(text, 'extra', undefined, 'unknown field')).toEqual([5, 3]);
    expect(where(text, 'instrument.nope')).toEqual([2, 17]);
    expect(where(text, '')).toEqual([1, 1]);
    expect(where('  \n {"a": 1}', 'a')).toEqual([2, 8]);
  });

  it("with { at: 'key' }, finds members by their key and array items by their value", () => {
    const doc = '{\n  "prices": {\n    "BTC-USD": 5,\n    "AAPL": 200\n  },\n  "list": [\n    [1, "x"]\n  ]\n}';
    expect(where(doc, 'prices.AAPL', { at: 'key' })).toEqual([4, 5]);
    expect(where(doc, 'prices["BTC-USD"]', { at: 'key' })).toEqual([3, 5]);
    expect(where(doc, 'list[0][1]', { at: 'key' })).toEqual([7, 9]);
    // A missing path points at the deepest part that exists.
    expect(where(doc, 'prices.MSFT', { at: 'key' })).toEqual([2, 3]);
    expect(where(doc, '', { at: 'key' })).toEqual([1, 1]);
    expect(where(doc, 'prices', { at: 'key' }, 'unknown field')).toEqual([2, 3]);
  });

  it('locates every issue in one call, keeping their order and fields, and counts columns in code points', () => {
    const doc = '{"note": "😀😀", "qty": -5,\r\n "side": "hold", "colour": 1}';
    const issues = locateJsonIssues(doc, [
      { path: 'side', message: 'must be buy or sell, got "hold"' },
      { path: 'qty', message: 'must be > 0, got -5' },
      { path: 'colour', message: 'unknown field' },
      { path: 'missing', message: 'missing required field', line: 99 },
    ]);
    expect(issues).toEqual([
      { path: 'side', message: 'must be buy or sell, got "hold"', line: 2, column: 10 },
      { path: 'qty', message: 'must be > 0, got -5', line: 1, column: 23 },
      { path: 'colour', message: 'unknown field', line: 2, column: 18 },
      { path: 'missing', message: 'missing required field', line: 1, column: 1 },
    ]);
  });

  it('points into a text that is not well-formed as far as it can be read, and ignores paths it cannot read', () => {
    expect(where('{"a": {"b": 1, "b": 2}}', 'a.b')).toEqual([1, 13]);
    expect(where('{"a": [1, 2', 'a[1]')).toEqual([1, 11]);
    expect(where('{"a": 1}', '[oops')).toEqual([1, 1]);
  });

  it('finds thousands of issues in a large document in one pass', () => {
    const n = 20_000;
    const doc = `{"positions": {${Array.from({ length: n }, (_, i) => `"S${i}": "x"`).join(', ')}}}`;
    const issues = Array.from({ length: n }, (_, i) => ({ path: `positions.S${i}`, message: 'must be a number' }));
    const started = performance.now();
    const located = locateJsonIssues(doc, issues);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(located[n - 1]).toMatchObject({ line: 1, column: doc.lastIndexOf('"x"') + 1 });
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

  it('splits the SDK field paths back into keys', () => {
    expect(parseIssuePath('')).toEqual([]);
    expect(parseIssuePath('qty')).toEqual(['qty']);
    expect(parseIssuePath('instrument.symbol')).toEqual(['instrument', 'symbol']);
    expect(parseIssuePath('prices["BTC-USD"]')).toEqual(['prices', 'BTC-USD']);
    expect(parseIssuePath('violations_last_window[0][1]')).toEqual(['violations_last_window', 0, 1]);
    expect(parseIssuePath('positions["a\\"]b"].x')).toEqual(['positions', 'a"]b', 'x']);
  });

  it('stops at text that is not a path, without throwing', () => {
    expect(parseIssuePath('a[oops')).toEqual(['a']);
    expect(parseIssuePath('a["\\x"]')).toEqual(['a', '\\x']);
  });
});

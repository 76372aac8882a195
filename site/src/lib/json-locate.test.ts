import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseIssuePath, parseJsonLocated } from './json-locate';

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJsonLocated(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(text)}`);
}

describe('parseJsonLocated', () => {
  it('reads the same value as JSON.parse, keeping __proto__ as a plain key', () => {
    const text = '{"__proto__": {"x": 1}, "constructor": 2, "a": [1, -2.5e3, "s\\u00e9", true, null]}';
    const doc = parseJsonLocated(text);
    expect(doc.value).toEqual(JSON.parse(text));
    expect(Object.hasOwn(doc.value as object, '__proto__')).toBe(true);
  });

  it('locates members by their key and array items by their value', () => {
    const text = '{\n  "prices": {\n    "BTC-USD": 5,\n    "AAPL": 200\n  },\n  "list": [\n    [1, "x"]\n  ]\n}';
    const doc = parseJsonLocated(text);
    expect(doc.locate(['prices', 'AAPL'])).toMatchObject({ line: 4, column: 5 });
    expect(doc.locate(['prices', 'BTC-USD'])).toMatchObject({ line: 3, column: 5 });
    expect(doc.locate(['list', 0, 1])).toMatchObject({ line: 7, column: 9 });
    // A missing path points at the deepest part that exists.
    expect(doc.locate(['prices', 'MSFT'])).toMatchObject({ line: 2, column: 3 });
    expect(doc.locate([])).toMatchObject({ line: 1, column: 1 });
  });

  it('reports syntax errors with line and column', () => {
    expect(syntaxError('{\n  "a": 1,\n}')).toMatchObject({ line: 3, column: 1, detail: 'Trailing comma is not allowed in JSON' });
    expect(syntaxError('{\n  "a": 1\n  "b": 2\n}')).toMatchObject({ line: 3, column: 3, detail: `Expected ',' or '}' after property value, found '"'` });
    expect(syntaxError('{"a": NaN}')).toMatchObject({ line: 1, column: 7 });
    expect(syntaxError("{'a': 1}")).toMatchObject({ line: 1, column: 2 });
    expect(syntaxError('')).toMatchObject({ detail: 'Empty document: expected a JSON value' });
    expect(syntaxError('{"a": "x\ny"}')).toMatchObject({ line: 1, column: 9 });
    expect(syntaxError('{"a": 01}')).toMatchObject({ line: 1, column: 7 });
    expect(syntaxError('[1] [2]')).toMatchObject({ line: 1, column: 5 });
    expect(syntaxError('['.repeat(10_000))).toBeInstanceOf(JsonSyntaxError);
    const long = `[${'9'.repeat(1000)}.5e-3]`;
    expect(parseJsonLocated(long).value).toEqual(JSON.parse(long));
  });

  it('accepts exactly what JSON.parse accepts (generated documents and mutations of them)', () => {
    const accepts = (text: string) => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.string({ maxLength: 3 }), fc.boolean(), (value, at, insert, pretty) => {
        const good = JSON.stringify(value, null, pretty ? 2 : undefined);
        expect(parseJsonLocated(good).value).toEqual(JSON.parse(good));
        const cut = at % (good.length + 1);
        const mutated = good.slice(0, cut) + insert + good.slice(cut + 1);
        let ours = true;
        try {
          parseJsonLocated(mutated);
        } catch (e) {
          expect(e).toBeInstanceOf(JsonSyntaxError);
          ours = false;
        }
        expect(ours).toBe(accepts(mutated));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseIssuePath', () => {
  it('splits the SDK field paths back into keys', () => {
    expect(parseIssuePath('')).toEqual([]);
    expect(parseIssuePath('qty')).toEqual(['qty']);
    expect(parseIssuePath('instrument.symbol')).toEqual(['instrument', 'symbol']);
    expect(parseIssuePath('prices["BTC-USD"]')).toEqual(['prices', 'BTC-USD']);
    expect(parseIssuePath('violations_last_window[0][1]')).toEqual(['violations_last_window', 0, 1]);
    expect(parseIssuePath('positions["a\\"]b"].x')).toEqual(['positions', 'a"]b', 'x']);
  });
});

// JSON text with positions a person can use. `JSON.parse` error messages differ between Node
// versions (Node 20 often gives no position at all), so this module finds the first problem itself
// and reports it by offset; `lineColumn` turns the offset into a 1-based line and column.
//
// It also refuses what `JSON.parse` silently accepts but a risk system must not: a key given twice
// in one object (`{"qty": 1, "qty": 1000}` — which one did the sender mean?) and absurd nesting.

/** The first problem in a JSON text: its offset (UTF-16 index) and what is wrong. */
export interface JsonProblem {
  offset: number;
  message: string;
}

/** Deepest nesting accepted (arrays and objects); far beyond any intent or state document. */
export const MAX_JSON_DEPTH = 512;

const WS = new Uint8Array(128);
WS[0x20] = WS[0x09] = WS[0x0a] = WS[0x0d] = 1;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrtu';

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string, offset = this.pos): never {
    throw new ScanStop({ offset, message });
  }

  ws(): void {
    const t = this.text;
    let p = this.pos;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c < 128 && WS[c]) p++;
      else break;
    }
    this.pos = p;
  }

  describeHere(): string {
    if (this.pos >= this.text.length) return 'the end of the input';
    const cp = this.text.codePointAt(this.pos)!;
    const ch = String.fromCodePoint(cp);
    return cp < 0x20 || cp === 0x7f ? `control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `'${ch}'`;
  }

  // Validates one value; with `want`, also records where the value at a key path starts (used only
  // to locate schema problems).
  value(depth: number, want?: Locator): void {
    this.ws();
    const t = this.text;
    if (this.pos >= t.length) this.fail('unexpected end of input, expected a value');
    const c = t[this.pos]!;
    if (c === '{') return this.object(depth + 1, want);
    if (c === '[') return this.array(depth + 1, want);
    if (c === '"') {
      this.string();
      return;
    }
    if ((c === 'N' || c === 'I' || c === '+' || (c === '-' && t[this.pos + 1] === 'I')) && /^(NaN|[-+]?Infinity)/.test(t.slice(this.pos, this.pos + 9))) {
      this.fail('NaN and Infinity are not JSON (numbers must be finite)');
    }
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (t.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    if (c === "'") this.fail("strings must use double quotes (\"), not single quotes (')");
    this.fail(`expected a value, got ${this.describeHere()}`);
  }

  number(): void {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail('invalid number');
    const end = this.pos + m[0].length;
    const next = this.text[end];
    if (next !== undefined && /[0-9.eE+\-]/.test(next)) {
      this.fail(/^-?0\d/.test(this.text.slice(this.pos)) ? 'invalid number (leading zeros are not allowed)' : 'invalid number', this.pos);
    }
    this.pos = end;
  }

  /** Validates a string at `pos` and returns its decoded value. */
  string(): string {
    const t = this.text;
    const start = this.pos;
    let p = start + 1;
    let escaped = false;
    for (;;) {
      if (p >= t.length) this.fail('unterminated string', start);
      const c = t.charCodeAt(p);
      if (c === 0x22) break;
      if (c < 0x20) this.fail(`control character U+${c.toString(16).toUpperCase().padStart(4, '0')} in a string (escape it)`, p);
      if (c === 0x5c) {
        escaped = true;
        const e = t[p + 1];
        if (e === undefined || !ESCAPES.includes(e)) this.fail(`invalid escape sequence in a string`, p);
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(p + 2, p + 6))) this.fail('invalid \\u escape in a string (needs 4 hex digits)', p);
          p += 6;
        } else p += 2;
        continue;
      }
      p++;
    }
    this.pos = p + 1;
    const raw = t.slice(start + 1, p);
    return escaped ? (JSON.parse(t.slice(start, p + 1)) as string) : raw;
  }

  object(depth: number, want?: Locator): void {
    if (depth > MAX_JSON_DEPTH) this.fail(`nested too deeply (more than ${MAX_JSON_DEPTH} levels)`);
    const t = this.text;
    this.pos++; // {
    this.ws();
    if (t[this.pos] === '}') {
      this.pos++;
      return;
    }
    const seen = new Set<string>();
    for (;;) {
      this.ws();
      if (t[this.pos] !== '"') {
        if (t[this.pos] === '}') this.fail("trailing comma before '}'");
        this.fail(`expected a "quoted" key, got ${this.describeHere()}`);
      }
      const keyOffset = this.pos;
      const key = this.string();
      if (seen.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyOffset);
      seen.add(key);
      this.ws();
      if (t[this.pos] !== ':') this.fail(`expected ':' after the key ${JSON.stringify(key)}, got ${this.describeHere()}`);
      this.pos++;
      const child = want?.enter(key, keyOffset, this);
      this.value(depth, child);
      this.ws();
      const c = t[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return;
      }
      this.fail(`expected ',' or '}' after a value in an object, got ${this.describeHere()}`);
    }
  }

  array(depth: number, want?: Locator): void {
    if (depth > MAX_JSON_DEPTH) this.fail(`nested too deeply (more than ${MAX_JSON_DEPTH} levels)`);
    const t = this.text;
    this.pos++; // [
    this.ws();
    if (t[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      this.ws();
      if (t[this.pos] === ']') this.fail("trailing comma before ']'");
      const child = want?.enter(index, this.pos, this);
      this.value(depth, child);
      this.ws();
      const c = t[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return;
      }
      this.fail(`expected ',' or ']' after a value in an array, got ${this.describeHere()}`);
    }
  }

  document(want?: Locator): void {
    this.ws();
    if (this.pos >= this.text.length) this.fail('empty input, expected a JSON value');
    this.value(0, want);
    this.ws();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.describeHere()} after the JSON value`);
  }
}

class ScanStop {
  constructor(readonly problem: JsonProblem) {}
}

// Follows one key path while scanning; records the offset of the deepest node reached.
class Locator {
  constructor(
    private readonly keys: readonly (string | number)[],
    private readonly depth: number,
    private readonly unknownKey: boolean,
    private readonly result: { offset: number },
  ) {}

  enter(key: string | number, keyOffset: number, scanner: Scanner): Locator | undefined {
    if (this.depth >= this.keys.length || String(this.keys[this.depth]) !== String(key)) return undefined;
    const last = this.depth === this.keys.length - 1;
    // An unknown field is reported at its key; anything else at its value.
    scanner.ws();
    const offset = last && this.unknownKey ? keyOffset : scanner.pos;
    this.result.offset = offset;
    return new Locator(this.keys, this.depth + 1, this.unknownKey, this.result);
  }
}

/**
 * Finds the first problem in a JSON text: a syntax error, a duplicate key or excessive nesting.
 * Returns `undefined` when the text is one well-formed JSON value without duplicate keys.
 *
 * @example
 * ```ts
 * findJsonProblem('{"qty": 1,}') // { offset: 10, message: "trailing comma before '}'" }
 * ```
 */
export function findJsonProblem(text: string): JsonProblem | undefined {
  try {
    new Scanner(text).document();
    return undefined;
  } catch (e) {
    if (e instanceof ScanStop) return e.problem;
    throw e;
  }
}

/**
 * The offset of the value at `keys` in a well-formed JSON text (or of the key itself when
 * `unknownKey`); for a missing field, the offset of its deepest existing ancestor.
 *
 * @example
 * ```ts
 * locateJsonPath('{"a": {"b": 5}}', ['a', 'b']) // 12
 * ```
 */
export function locateJsonPath(text: string, keys: readonly (string | number)[], unknownKey = false): number {
  const scanner = new Scanner(text);
  scanner.ws();
  const result = { offset: scanner.pos };
  try {
    scanner.document(new Locator(keys, 0, unknownKey, result));
  } catch (e) {
    if (!(e instanceof ScanStop)) throw e;
  }
  return result.offset;
}

/**
 * 1-based line and column of an offset. Lines end at `\n`; the column counts Unicode code points,
 * so it matches what an editor shows.
 *
 * @example
 * ```ts
 * lineColumn('{\n  "a": x}', 9) // { line: 2, column: 8 }
 * ```
 */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let column = 1;
  for (let i = lineStart; i < end; i++) {
    const c = text.charCodeAt(i);
    // The second half of a surrogate pair does not start a new column.
    if (!(c >= 0xdc00 && c <= 0xdfff && i > lineStart && isHighSurrogate(text.charCodeAt(i - 1)))) column++;
  }
  return { line, column };
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;

/**
 * Parses a JSON value, refusing duplicate keys and excessive nesting; on failure returns the problem
 * (with its offset) instead of throwing.
 *
 * @example
 * ```ts
 * const r = parseJsonStrict('{"qty": 1}')
 * if (r.ok) console.log(r.value)
 * ```
 */
export function parseJsonStrict(text: string): { ok: true; value: unknown } | { ok: false; problem: JsonProblem } {
  // The scanner is the judge (same answer on every runtime); JSON.parse then builds the value fast.
  const problem = findJsonProblem(text);
  if (problem) return { ok: false, problem };
  return { ok: true, value: JSON.parse(text) };
}

/**
 * Path text from issues (`positions.AAPL`, `prices["BTC-USD"]`, `violations_last_window[0][1]`) back to keys.
 *
 * @example
 * ```ts
 * parseIssuePath('prices["BTC-USD"]') // ['prices', 'BTC-USD']
 * ```
 */
export function parseIssuePath(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '.') i++;
    if (path[i] === '[') {
      if (path[i + 1] === '"') {
        // A JSON string literal: find its end, honouring escapes.
        let j = i + 2;
        while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
        keys.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
        i = j + 2;
      } else {
        const j = path.indexOf(']', i);
        keys.push(Number(path.slice(i + 1, j)));
        i = j + 1;
      }
    } else {
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      keys.push(path.slice(i, j));
      i = j;
    }
  }
  return keys;
}

// JSON text with positions a person can use. `JSON.parse` error messages differ between runtimes
// (Node 20 often gives no position at all, browsers each word it their own way), so this module
// finds the first problem itself and reports it by line and column; it also finds where the fields
// named by schema issues are written, so the CLI and the site's editors can point at them.
//
// It refuses what `JSON.parse` silently accepts but a risk system must not: a key given twice in one
// object (`{"qty": 1, "qty": 1000}` — which one did the sender mean?) and absurd nesting.
import { ValidationError, type Issue } from '../errors.js';
import { lineColumns } from './text-position.js';

/** Deepest nesting accepted (arrays and objects); far beyond any intent or state document. */
export const MAX_JSON_DEPTH = 512;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrtu';

// Where a wanted key path is written, filled in by the scan: a trie of the paths of the issues being
// located, so one scan finds them all (a document can have thousands of bad positions).
interface Wanted {
  children: Map<string, Wanted>;
  keyOffset: number;
  valueOffset: number;
}

const wanted = (): Wanted => ({ children: new Map(), keyOffset: -1, valueOffset: -1 });

// Thrown to stop the scan at the first problem; not an Error (no stack to capture).
class ScanStop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string, offset = this.pos): never {
    throw new ScanStop(offset, message);
  }

  ws(): void {
    const t = this.text;
    let p = this.pos;
    for (let c = t.charCodeAt(p); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = t.charCodeAt(++p));
    this.pos = p;
  }

  describeHere(): string {
    if (this.pos >= this.text.length) return 'the end of the input';
    const cp = this.text.codePointAt(this.pos)!;
    const ch = String.fromCodePoint(cp);
    return cp < 0x20 || cp === 0x7f ? `control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `'${ch}'`;
  }

  // Validates one value; with `want`, also records where the wanted paths below it are written.
  value(depth: number, want?: Wanted): void {
    this.ws();
    const t = this.text;
    if (this.pos >= t.length) this.fail('unexpected end of input, expected a value');
    const c = t[this.pos]!;
    if (c === '{') {
      this.object(depth + 1, want);
      return;
    }
    if (c === '[') {
      this.array(depth + 1, want);
      return;
    }
    if (c === '"') {
      this.string();
      return;
    }
    if ((c === 'N' || c === 'I' || c === '+' || (c === '-' && t[this.pos + 1] === 'I')) && /^(NaN|[-+]?Infinity)/.test(t.slice(this.pos, this.pos + 9))) {
      this.fail('NaN and Infinity are not JSON (numbers must be finite)');
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      this.number();
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (t.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    if (c === "'") this.fail('strings must use double quotes ("), not single quotes (\')');
    this.fail(`expected a value, got ${this.describeHere()}`);
  }

  number(): void {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail('invalid number');
    const end = this.pos + m[0].length;
    const next = this.text[end];
    if (next !== undefined && /[0-9.eE+-]/.test(next)) {
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

  object(depth: number, want?: Wanted): void {
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
      const child = want?.children.get(key);
      if (child) {
        this.ws();
        child.keyOffset = keyOffset;
        child.valueOffset = this.pos;
      }
      this.value(depth, child);
      if (!this.separator('}', 'an object')) return;
    }
  }

  /** After a value in an object or array: true at ',' (more follow), false at `close`; either is consumed. */
  separator(close: '}' | ']', where: string): boolean {
    this.ws();
    const c = this.text[this.pos];
    if (c !== ',' && c !== close) this.fail(`expected ',' or '${close}' after a value in ${where}, got ${this.describeHere()}`);
    this.pos++;
    return c === ',';
  }

  array(depth: number, want?: Wanted): void {
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
      const child = want?.children.get(String(index));
      // An array item has no key: it is pointed at by its value.
      if (child) child.keyOffset = child.valueOffset = this.pos;
      this.value(depth, child);
      if (!this.separator(']', 'an array')) return;
    }
  }

  document(want?: Wanted): void {
    this.ws();
    if (want) want.keyOffset = want.valueOffset = this.pos;
    if (this.pos >= this.text.length) this.fail('empty input, expected a JSON value');
    this.value(0, want);
    this.ws();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.describeHere()} after the JSON value`);
  }
}

/**
 * Parses JSON text strictly (RFC 8259), with errors that give the line and column of the first
 * problem, worded the same on every runtime. Beyond `JSON.parse`, it refuses a key given twice in
 * one object and nesting deeper than 512 levels; `NaN` and `Infinity` are refused as they are by
 * `JSON.parse`, with a message that names them. The value is `JSON.parse`'s, so a key such as
 * `__proto__` stays an ordinary own property.
 *
 * Lines end at `\n`; columns count Unicode code points from 1.
 *
 * @throws {ValidationError} with code `ERR_JSON`, subject `JSON` and one issue (path `''`) holding
 *   the message, line and column.
 * @example
 * ```ts
 * try { parseJsonText('{\n  "qty": 1,\n}') } catch (e) {
 *   if (e instanceof ValidationError) console.log(e.issues[0])
 *   // { path: '', message: "trailing comma before '}'", line: 3, column: 1 }
 * }
 * ```
 */
export function parseJsonText(text: string): unknown {
  try {
    new Scanner(text).document();
  } catch (e) {
    if (!(e instanceof ScanStop)) throw e;
    throw new ValidationError('JSON', [{ path: '', message: e.message, ...lineColumns(text, [e.offset])[0]! }], 'ERR_JSON');
  }
  // The scanner is the judge (same answer on every runtime); JSON.parse then builds the value fast.
  return JSON.parse(text);
}

/**
 * Returns the issues (for example those of the `ValidationError` that `parseOrderIntent` throws)
 * with `line` and `column` set to where each field is written in `text`, the JSON the value was
 * parsed from. An unknown field is pointed at by its key; any other field by its value, or with
 * `{ at: 'key' }` by its key (for an editor that highlights the member). A missing field is pointed
 * at by the deepest part of its path that is written (its parent object). Lines and columns count
 * as {@link parseJsonText}'s do; one pass over the text locates all the issues.
 *
 * @example
 * ```ts
 * locateJsonIssues('{\n  "qty": -5\n}', [{ path: 'qty', message: 'must be > 0, got -5' }])
 * // [{ path: 'qty', message: 'must be > 0, got -5', line: 2, column: 10 }]
 *
 * // Typically with the issues of a schema error:
 * try { parseOrderIntent(parseJsonText(text)) } catch (e) {
 *   if (e instanceof ValidationError && e.code === 'ERR_VALIDATION') console.log(locateJsonIssues(text, e.issues))
 * }
 * ```
 */
export function locateJsonIssues(text: string, issues: readonly Issue[], options: { at?: 'value' | 'key' } = {}): (Issue & { line: number; column: number })[] {
  const root = wanted();
  const paths = issues.map((issue) => parseIssuePath(issue.path));
  for (const keys of paths) {
    let node = root;
    for (const key of keys) {
      // Compared as text, as the scan sees keys: an index is found in an array, a name in an object.
      let child = node.children.get(String(key));
      if (!child) node.children.set(String(key), (child = wanted()));
      node = child;
    }
  }
  try {
    new Scanner(text).document(root);
  } catch (e) {
    // A text that is not well-formed: what was found before the problem still counts.
    if (!(e instanceof ScanStop)) throw e;
  }
  const offsets = issues.map((issue, i) => {
    const keys = paths[i]!;
    let node = root;
    let depth = 0;
    for (; depth < keys.length; depth++) {
      const child = node.children.get(String(keys[depth]));
      if (!child || child.valueOffset < 0) break;
      node = child;
    }
    // 'unknown field' is the message of every unknown-key issue (model/issues.ts).
    const byKey = options.at === 'key' || (depth === keys.length && issue.message === 'unknown field');
    return byKey ? node.keyOffset : node.valueOffset;
  });
  const positions = lineColumns(text, offsets);
  return issues.map((issue, i) => ({ ...issue, ...positions[i]! }));
}

const INDEX = /\[(\d+)\]/y;
const QUOTED = /\["((?:[^"\\]|\\.)*)"\]/y;
const NAME = /[^.[]+/y;

/**
 * Splits an issue path as the SDK formats it (`positions.AAPL`, `prices["BTC-USD"]`,
 * `violations_last_window[0][1]`) back into its keys. Never throws: reading stops at text that is
 * not such a path, and the keys read so far are returned.
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
    let m: RegExpExecArray | null;
    if ((m = matchAt(INDEX, path, i))) keys.push(Number(m[1]));
    else if ((m = matchAt(QUOTED, path, i))) keys.push(jsonString(m[1]!));
    else if ((m = matchAt(NAME, path, i))) keys.push(m[0]);
    else break;
    i += m[0].length;
  }
  return keys;
}

function matchAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

// The body of a JSON string literal, decoded (as written when it is not valid JSON).
function jsonString(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body;
  }
}

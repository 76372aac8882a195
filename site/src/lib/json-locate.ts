// JSON with positions: the editors must point at the line and column of a syntax error, and of the
// field a schema error is about. JSON.parse gives neither in a portable way (its messages differ
// between browsers), so this is a small strict JSON (RFC 8259) reader that records where every value
// and every member key starts. The value itself still comes from JSON.parse, which keeps keys such as
// `__proto__` as ordinary own properties.

/** A place in a text: 1-based line and column (column in UTF-16 code units, as editors count). */
export interface Position {
  line: number;
  column: number;
  /** 0-based offset in the text. */
  offset: number;
}

/**
 * A JSON syntax error with the line and column where reading stopped.
 *
 * @example
 * ```ts
 * try { parseJsonLocated('{"a": 1,}') } catch (e) {
 *   if (e instanceof JsonSyntaxError) console.log(e.line, e.column) // 1 9
 * }
 * ```
 */
export class JsonSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  /** The message without the position, for displays that show the position separately. */
  readonly detail: string;

  constructor(detail: string, at: Position) {
    super(`${detail} (line ${at.line}, column ${at.column})`);
    this.name = 'JsonSyntaxError';
    this.detail = detail;
    this.line = at.line;
    this.column = at.column;
    this.offset = at.offset;
  }
}

type Node =
  | { kind: 'object'; start: number; members: Map<string, { keyStart: number; node: Node }> }
  | { kind: 'array'; start: number; items: Node[] }
  | { kind: 'scalar'; start: number };

/** Parsed JSON and a way to find where any path of it is written. */
export interface LocatedJson {
  value: unknown;
  /**
   * Where the value at `keys` starts. For an object member this is its key (so an unknown field is
   * pointed at by name); for a path that does not exist, the deepest part of it that does.
   */
  locate(keys: readonly (string | number)[]): Position;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Nesting deeper than this is refused rather than risking the call stack. */
const MAX_DEPTH = 256;

/**
 * Parses strict JSON and records where every value starts.
 *
 * @throws {JsonSyntaxError} with the line and column of the first problem.
 * @example
 * ```ts
 * const doc = parseJsonLocated('{\n  "qty": -5\n}')
 * doc.locate(['qty']) // { line: 2, column: 3, offset: 4 }
 * ```
 */
export function parseJsonLocated(text: string): LocatedJson {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const position = (offset: number): Position => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1, offset };
  };

  let i = 0;
  const fail = (detail: string, at = i): never => {
    throw new JsonSyntaxError(detail, position(Math.min(at, text.length)));
  };
  const describe = (at: number) => {
    if (at >= text.length) return 'end of input';
    const ch = text[at]!;
    return ch > ' ' && ch !== '\x7f' ? `'${ch}'` : `character ${JSON.stringify(ch)}`;
  };
  const skipWs = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else return;
    }
  };

  const readString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('Unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return out;
      }
      if (c === 92) {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && Object.hasOwn(simple, e)) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail('Invalid escape in string');
      } else if (c < 0x20) {
        fail(c === 10 ? 'Unterminated string (a line break must be written \\n)' : 'Control character in string');
      } else {
        out += text[i];
        i++;
      }
    }
  };

  const readNumber = () => {
    const start = i;
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) fail('Invalid number', start);
    i += m![0].length;
    if (/[0-9.eE+-]/.test(text[i] ?? '')) fail('Invalid number', start);
  };

  const readValue = (depth: number): Node => {
    if (depth > MAX_DEPTH) fail(`Nested more than ${MAX_DEPTH} levels deep`);
    skipWs();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const members = new Map<string, { keyStart: number; node: Node }>();
      skipWs();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', start, members };
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"') {
          if (text[i] === '}') fail('Trailing comma is not allowed in JSON');
          fail(`Expected a property name in double quotes, found ${describe(i)}`);
        }
        const keyStart = i;
        const key = readString();
        skipWs();
        if (text[i] !== ':') fail(`Expected ':' after property name, found ${describe(i)}`);
        i++;
        const node = readValue(depth + 1);
        members.set(key, { keyStart, node }); // a duplicate key: JSON.parse keeps the last, so do we
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', start, members };
        }
        fail(`Expected ',' or '}' after property value, found ${describe(i)}`);
      }
    }
    if (c === '[') {
      i++;
      const items: Node[] = [];
      skipWs();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', start, items };
      }
      for (;;) {
        skipWs();
        if (text[i] === ']') fail('Trailing comma is not allowed in JSON');
        items.push(readValue(depth + 1));
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', start, items };
        }
        fail(`Expected ',' or ']' after array item, found ${describe(i)}`);
      }
    }
    if (c === '"') {
      readString();
      return { kind: 'scalar', start };
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      readNumber();
      return { kind: 'scalar', start };
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { kind: 'scalar', start };
      }
    }
    if (i >= text.length) fail(start === 0 || text.trim() === '' ? 'Empty document: expected a JSON value' : 'Unexpected end of input');
    if (text.startsWith('NaN', i) || text.startsWith('Infinity', i)) fail('NaN and Infinity are not JSON numbers (and not valid input)');
    if (c === "'") fail('Strings must use double quotes');
    return fail(`Unexpected ${describe(i)}`);
  };

  const root = readValue(0);
  skipWs();
  if (i < text.length) fail(`Unexpected ${describe(i)} after the JSON value`);

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // Not expected (the reader above follows the same grammar); reported rather than hidden.
    fail(`Invalid JSON: ${(e as Error).message}`, 0);
  }

  return {
    value,
    locate(keys) {
      let node: Node = root;
      let at = root.start;
      for (const key of keys) {
        if (node.kind === 'object' && typeof key === 'string' && node.members.has(key)) {
          const member = node.members.get(key)!;
          at = member.keyStart;
          node = member.node;
        } else if (node.kind === 'array' && typeof key === 'number' && node.items[key]) {
          node = node.items[key]!;
          at = node.start;
        } else break;
      }
      return position(at);
    },
  };
}

/**
 * Splits a field path as the SDK formats it in error issues (`instrument.symbol`, `prices["BTC-USD"]`,
 * `violations_last_window[0][1]`) back into its keys.
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
      const index = /^\[(\d+)\]/.exec(path.slice(i));
      if (index) {
        keys.push(Number(index[1]));
        i += index[0].length;
        continue;
      }
      // A JSON string key: find its closing quote, honouring escapes.
      let j = i + 2;
      while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
      try {
        keys.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
      } catch {
        keys.push(path.slice(i + 2, j));
      }
      i = j + 2; // past `"]`
      continue;
    }
    const ident = /^[^.[]+/.exec(path.slice(i));
    if (!ident) break;
    keys.push(ident[0]);
    i += ident[0].length;
  }
  return keys;
}

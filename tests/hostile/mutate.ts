// Mutation fuzzing helpers: random edits of a text (characters, tokens, whole lines) and of a JSON
// value tree (fields deleted, retyped, added, renamed to prototype names, numbers made extreme).
import fc from 'fast-check';
import { expect } from 'vitest';

/** Any UTF-16 code unit, lone surrogates and NUL included. */
export const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** Characters and tokens that mean something to YAML or JSON, or to a JavaScript object. */
export const TOKENS = [
  ':',
  ': ',
  '-',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '&b [*a, *a] ',
  '!!binary aGk=',
  '!!set ',
  '!!omap ',
  '!!str ',
  '!!float ',
  '!!int ',
  '!custom ',
  '!<tag:yaml.org,2002:js/function> ',
  '|',
  '>-',
  '#',
  "'",
  '"',
  '\\',
  '\n',
  '  ',
  '\t',
  '%YAML 1.1\n',
  '%TAG ! tag:x,2000:\n',
  '---\n',
  '...\n',
  '? ',
  '<<: *a\n',
  '.nan',
  '.NaN',
  '.inf',
  '-.inf',
  '~',
  'null',
  'true',
  'yes',
  '1e400',
  '-1e400',
  '1e308',
  '-0',
  '5e-324',
  '0x1F',
  '0o17',
  '1_000',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '\u0000',
  '\uD800',
  '\uDC00',
  '\uFEFF',
  '\u2028',
  'é',
  '😀',
  '\r\n',
  '\r',
  '@',
  '`',
  '"\\u0000"',
  '"\\ud800"',
  '0.1',
  '{"a":1}',
  '[1,2]',
  'NaN',
  'Infinity',
  '1.',
  '.5',
  '01',
  '+1',
  '1e',
  '[]',
  '{}',
  '""',
] as const;

/** One edit of a text. */
export interface TextEdit {
  op: 'insert' | 'delete' | 'replace' | 'dupLine' | 'dropLine' | 'swapLines' | 'indent';
  at: number;
  len: number;
  token: string;
}

export const textEdit: fc.Arbitrary<TextEdit> = fc.record({
  op: fc.constantFrom('insert', 'delete', 'replace', 'dupLine', 'dropLine', 'swapLines', 'indent'),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 12 }),
  token: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ unit: codeUnit, maxLength: 6 }) }),
});

/** Applies edits in order; offsets wrap around the current text. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let t = text;
  for (const e of edits) {
    const at = t.length === 0 ? 0 : e.at % (t.length + 1);
    const lines = t.split('\n');
    const li = e.at % lines.length;
    switch (e.op) {
      case 'insert':
        t = t.slice(0, at) + e.token + t.slice(at);
        break;
      case 'delete':
        t = t.slice(0, at) + t.slice(at + e.len);
        break;
      case 'replace':
        t = t.slice(0, at) + e.token + t.slice(at + e.len);
        break;
      case 'dupLine':
        lines.splice(li, 0, lines[li]!);
        t = lines.join('\n');
        break;
      case 'dropLine':
        lines.splice(li, 1);
        t = lines.join('\n');
        break;
      case 'swapLines': {
        const lj = (li + e.len) % lines.length;
        [lines[li], lines[lj]] = [lines[lj]!, lines[li]!];
        t = lines.join('\n');
        break;
      }
      case 'indent':
        lines[li] = ' '.repeat(e.len % 5) + lines[li]!.trimStart();
        t = lines.join('\n');
        break;
    }
  }
  return t;
}

// ---- JSON value trees --------------------------------------------------------------------------

export type Path = readonly (string | number)[];

/** Every path in a JSON value (not the root itself). */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) out.push([...prefix, i], ...pathsOf(v, [...prefix, i]));
  else if (value && typeof value === 'object') for (const k of Object.keys(value)) out.push([...prefix, k], ...pathsOf((value as Record<string, unknown>)[k], [...prefix, k]));
  return out;
}

const define = (o: object, k: string | number, v: unknown) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

/** One edit of a JSON value tree. */
export interface TreeEdit {
  op: 'set' | 'delete' | 'add' | 'wrap';
  pick: number;
  key: string;
  value: unknown;
}

const extreme = fc.constantFrom<unknown>(1e308, -1e308, 5e-324, -5e-324, -0, 0, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2, 2 ** 53, -1, 0.1);
const oddString = fc.constantFrom<unknown>('', '\u0000', '\uD800', 'buy\u0000', 'BUY', ' buy', '2026-02-30T25:61:61Z', '2026-02-18T00:00:00', '1', 'null', '__proto__', 'x'.repeat(10_000));
/** Values to put anywhere: extremes, odd strings, and arbitrary JSON. */
export const junkValue = fc.oneof(extreme, oddString, fc.jsonValue({ maxDepth: 2 }), fc.constantFrom<unknown>(null, true, false, [], {}));
const junkKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', '\u0000', '\uD800', 'qty ', 'QTY'),
  fc.string({ unit: codeUnit, maxLength: 8 }),
);

export const treeEdit: fc.Arbitrary<TreeEdit> = fc.record({
  op: fc.constantFrom('set', 'delete', 'add', 'wrap'),
  pick: fc.nat(),
  key: junkKey,
  value: junkValue,
});

/** Applies edits to a deep copy of `value`. Keys are added as own properties (as JSON.parse does). */
export function applyTreeEdits(value: unknown, edits: readonly TreeEdit[]): unknown {
  const root = { doc: structuredClone(value) } as Record<string, unknown>;
  for (const e of edits) {
    const paths: Path[] = [['doc'], ...pathsOf(root.doc, ['doc'])];
    const path = paths[e.pick % paths.length]!;
    const parent = path.slice(0, -1).reduce<any>((node, k) => node[k], root);
    const key = path[path.length - 1]!;
    const target = parent[key];
    switch (e.op) {
      case 'set':
        define(parent, key, structuredClone(e.value));
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else if (path.length > 1) delete parent[key];
        break;
      case 'add':
        if (target && typeof target === 'object' && !Array.isArray(target)) define(target, e.key, structuredClone(e.value));
        else if (Array.isArray(target)) target.push(structuredClone(e.value));
        break;
      case 'wrap':
        define(parent, key, [target]);
        break;
    }
  }
  return root.doc;
}

/** A path formatted as the SDK writes it: dots for identifiers, brackets for indexes and odd keys. */
export function formatPath(path: Path): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) out += out ? `.${k}` : k;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out;
}

/** Fails when something was added to Object.prototype or Array.prototype (prototype pollution). */
export function expectNoPollution(): void {
  // Plain comparisons first: this runs after every fuzz case.
  const names = Object.getOwnPropertyNames(Object.prototype);
  const clean =
    Object.getPrototypeOf({}) === Object.prototype &&
    Object.keys(Object.prototype).length === 0 &&
    names.length === PROTOTYPE_NAMES.length &&
    Object.getOwnPropertyNames(Array.prototype).length === ARRAY_NAMES;
  if (!clean) expect(names.sort()).toEqual(PROTOTYPE_NAMES);
  expect(clean).toBe(true);
}
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
const ARRAY_NAMES = Object.getOwnPropertyNames(Array.prototype).length;

/** What a call did: returned a value or threw an error, and how long it took. */
export type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; error: unknown; ms: number };

/**
 * Runs `fn`, catching what it throws, and measures it. The time feeds a hang detector, not a
 * performance test: it is compared with a bound thousands of times the normal duration.
 */
export function attempt<T>(fn: () => T): Outcome<T> {
  const start = performance.now();
  try {
    const value = fn();
    return { ok: true, value, ms: performance.now() - start };
  } catch (error) {
    return { ok: false, error, ms: performance.now() - start };
  }
}

/** Longer than this for one small input is a hang (normal: well under a millisecond). */
export const HANG_MS = 2_000;

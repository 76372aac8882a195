import { compareCodePoints } from '../engine/evaluate.js';
import { isImmutableFlat } from './frozen.js';

// Written directly rather than as JSON.stringify of a key-sorted copy: a JavaScript object cannot
// hold integer-like keys out of numeric order ({"9", "10"} always enumerates 9 first, "" after "0"),
// so a sorted copy does not stay sorted, and building copies of every object is slow (audit events
// carrying 50-position portfolios are serialized on every append).
const NON_ASCII = /[\u007f-\uffff]/;
const NON_ASCII_G = /[\u007f-\uffff]/g;
// Below U+D800 the default (UTF-16 code unit) sort is code point order.
const SURROGATE_OR_ABOVE = /[\ud800-\uffff]/;

function escapeNonAscii(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

// Printable ASCII without `"` and `\\`: quoted as is, the common case for keys, symbols and ids.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function quote(s: string): string {
  if (PLAIN.test(s)) return '"' + s + '"';
  const json = JSON.stringify(s);
  return NON_ASCII.test(json) ? json.replace(NON_ASCII_G, escapeNonAscii) : json;
}

function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  for (const k of keys) if (SURROGATE_OR_ABOVE.test(k)) return keys.sort(compareCodePoints);
  return keys.sort();
}

// Fast path for the big maps of an audit event (positions, prices, counts by strategy): a plain
// object whose keys are already in order and whose values are all finite numbers is written by the
// native JSON.stringify, which then gives exactly the canonical text — unless a key holds a
// non-ASCII character (escaping, and code-point vs UTF-16 order), in which case the general path runs.
function flatNumbersInOrder(obj: object): string | undefined {
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) return undefined; // e.g. a Date's toJSON
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const v = (obj as Record<string, unknown>)[keys[i]!];
    if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
    if (i > 0 && !(keys[i - 1]! < keys[i]!)) return undefined;
  }
  const json = JSON.stringify(obj);
  return NON_ASCII.test(json) ? undefined : json;
}

// Frozen flat maps (a frozen snapshot's positions or prices: data properties holding primitives) cannot change,
// so their text is computed once. An audit event re-serializes the same snapshot for every order
// checked against it; a WeakMap lets the text go with the snapshot.
const frozenText = new WeakMap<object, string>();

function write(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.isFrozen(value)) {
    const cached = frozenText.get(value);
    if (cached !== undefined) return cached;
    const text = writeValue(value);
    if (text !== undefined && isImmutableFlat(value)) frozenText.set(value, text);
    return text;
  }
  return writeValue(value);
}

function writeValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError(`cannot serialize non-finite number ${value}`);
      return String(value); // the same digits as JSON.stringify for every finite number
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += write(value[i]) ?? 'null';
        }
        return out + ']';
      }
      const fast = flatNumbersInOrder(value);
      if (fast !== undefined) return fast;
      let out = '{';
      let first = true;
      for (const key of sortedKeys(value)) {
        const text = write((value as Record<string, unknown>)[key]);
        if (text === undefined) continue;
        out += (first ? '' : ',') + quote(key) + ':' + text;
        first = false;
      }
      return out + '}';
    }
    case 'bigint':
      throw new TypeError('cannot serialize a BigInt');
    default:
      // undefined, functions and symbols: omitted from objects, null in arrays (as JSON.stringify).
      return undefined;
  }
}

/**
 * Canonical JSON: keys sorted by code point at every level (as Python's `sort_keys=True`, integer-like
 * keys such as "10" and "9" included), no spaces, one line, non-ASCII escaped as `\uXXXX` (as
 * Python's default `ensure_ascii`). Non-finite numbers are refused: JSON cannot hold them and an
 * audit record must not lose them silently. `undefined` members are omitted, as JSON.stringify does.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: 'é' }) // '{"a":"\\u00e9","b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

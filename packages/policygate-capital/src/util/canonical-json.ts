import { compareCodePoints } from '../engine/evaluate.js';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareCodePoints)) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      // defineProperty: a key named __proto__ stays an ordinary member.
      Object.defineProperty(out, key, { value: sortKeys(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

const NON_ASCII = /[\u007f-\uffff]/g;

/**
 * Canonical JSON: keys sorted by code point (as Python's `sort_keys=True`), no spaces, one line,
 * non-ASCII escaped as `\uXXXX` (as Python's default `ensure_ascii`). Non-finite numbers are
 * refused: JSON cannot hold them and an audit record must not lose them silently.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: 'é' }) // '{"a":"\\u00e9","b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  const text = JSON.stringify(sortKeys(value), (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError(`cannot serialize non-finite number ${v}`);
    return v;
  });
  return text.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

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

/** A string as canonical JSON text (non-ASCII escaped). Internal (not exported by the package). */
export function quote(s: string): string {
  if (PLAIN.test(s)) return '"' + s + '"';
  const json = JSON.stringify(s);
  return NON_ASCII.test(json) ? json.replace(NON_ASCII_G, escapeNonAscii) : json;
}

const utf16Order = (a: string, b: string): number => (a < b ? -1 : 1); // keys of one object are distinct

/** The text of a primitive; undefined for what JSON omits (undefined, functions, symbols). */
function primitiveText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError(`cannot serialize non-finite number ${value}`);
      return String(value); // the same digits as JSON.stringify for every finite number
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('cannot serialize a BigInt');
    default:
      // null; undefined, functions and symbols: omitted from objects, null in arrays (as JSON.stringify).
      return value === null ? 'null' : undefined;
  }
}

/**
 * A member whose canonical text is already written: a writer puts `text` in its place as it is.
 * Internal (not exported by the package): the audit chain wraps an event's decision in one when
 * the service has written the decision's text already (see `DECISION_TEXT` in audit/event.ts).
 */
export class JsonText {
  constructor(readonly text: string) {}
}

// Marks a slot that last held an object or array: such a value is written afresh every time, as
// the caller may have changed it in place. Its text then came from the slot's child shape.
const NESTED = Symbol('nested');
// Marks a slot that last held a JsonText (its text did not come from the child shape).
const GIVEN = Symbol('given');

/**
 * What a writer remembers of the objects (or arrays) it met at one place of the value tree — the
 * audit event's `market_snapshot.prices`, say: their keys as enumerated, in what order those sort,
 * and the text of each member. Everything is checked again on every call (the keys, each key by
 * identity, each primitive value by `===`), so a hit saves work and never changes the output; a
 * member whose value changed is written afresh, and so is its object's text.
 */
class Shape {
  /** Whether the values met here were arrays; a change of kind starts afresh. */
  isArray: boolean | undefined;
  /** Own enumerable keys in enumeration order, as last seen (objects only). */
  keys: readonly string[] = [];
  /** Enumeration indexes in the code-point order of their keys (objects only). */
  order: number[] = [];
  /** Per enumeration index: `"key":` (objects only). */
  heads: string[] = [];
  /** The length last written (arrays only). */
  length = 0;
  /** Per slot (enumeration index or array index): the primitive last written there, or NESTED. */
  seen: unknown[] = [];
  /** Per slot: the text last written there (undefined: omitted). */
  texts: (string | undefined)[] = [];
  /** Per enumeration index: `"key":` and the text (undefined: omitted) (objects only). */
  members: (string | undefined)[] = [];
  /** Per slot holding objects or arrays: their shape. */
  children: (Shape | undefined)[] = [];
  /** The whole object's or array's text, valid while every slot's text is unchanged. */
  text: string | undefined;
  /** Whether `text` was flattened (see `reuse`): done when it is first reused. */
  flat = false;
  /**
   * Whether the last write here may have given another text than the write before (false: the
   * very same string was reused). Lets the parent skip comparing the texts, which for two texts of
   * the same length means reading both — flattening ropes it is about to discard.
   */
  changed = true;

  reset(isArray: boolean, keys: readonly string[] = []): void {
    let cmp = utf16Order;
    for (const k of keys) if (SURROGATE_OR_ABOVE.test(k)) cmp = compareCodePoints;
    this.isArray = isArray;
    this.keys = keys;
    this.order = keys.map((_, i) => i);
    let sorted = true;
    for (let i = 1; i < keys.length && sorted; i++) sorted = cmp(keys[i - 1]!, keys[i]!) < 0;
    if (!sorted) this.order.sort((a, b) => cmp(keys[a]!, keys[b]!));
    this.heads = keys.map((k) => quote(k) + ':');
    this.length = 0;
    this.seen = [];
    this.texts = [];
    this.members = [];
    this.children = [];
    this.text = undefined;
  }
}

// A text built with += is a rope (a tree of pieces). A text reused is flattened once, so that the
// lines embedding it are not walked piece by piece again by every hash and write; in V8, reading a
// character flattens a string in place (cheaper, measured, than Array.join building it flat).
function reuse(shape: Shape, text: string): string {
  if (!shape.flat && text.charCodeAt(0) === -1) throw new Error('unreachable'); // uses the read, so it is kept
  shape.flat = true;
  shape.changed = false;
  return (shape.text = text);
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Frozen flat maps (a frozen snapshot's positions or prices: data properties holding primitives)
// cannot change, so their text is computed once. An audit event re-serializes the same snapshot
// for every order checked against it; a WeakMap lets the text go with the snapshot.
const frozenText = new WeakMap<object, string>();

/**
 * Writes canonical JSON (see {@link canonicalJson}) and remembers, per place in the value tree, the
 * sorted keys and the text of each member, so that writing values of the same shape again — audit
 * events, one per evaluation, whose portfolio and prices rarely change between two orders — only
 * writes what changed. The output is always exactly `canonicalJson(value)`: keys are compared on
 * every call and only primitive values are reused (by `===`), never objects, which may have been
 * mutated in place. One writer serves one kind of value (e.g. one audit chain); it keeps the last
 * text written in memory.
 *
 * @example
 * ```ts
 * const writer = new CanonicalWriter()
 * writer.write({ b: 1, a: [2] }) // '{"a":[2],"b":1}'
 * ```
 */
export class CanonicalWriter {
  readonly #root = new Shape();
  #busy = false;

  /**
   * The canonical text of `value` ('null' for a value JSON omits, as `canonicalJson`).
   *
   * @throws {RangeError} when `value` holds a non-finite number.
   * @throws {TypeError} when `value` holds a BigInt.
   */
  write(value: unknown): string {
    // A getter that writes through this same writer would reuse the shapes being filled in.
    if (this.#busy) return new CanonicalWriter().write(value);
    this.#busy = true;
    try {
      return (typeof value === 'object' && value !== null ? writeNested(value, this.#root) : primitiveText(value)) ?? 'null';
    } finally {
      this.#busy = false;
    }
  }
}

function writeNested(value: object, shape: Shape): string {
  if (Array.isArray(value)) return writeArray(value, shape);
  if (Object.isFrozen(value)) {
    const cached = frozenText.get(value);
    if (cached !== undefined) {
      // Not the shape's text: the next value written here is written afresh, and counts as changed.
      shape.text = undefined;
      shape.changed = true;
      return cached;
    }
    const text = writeObject(value, shape);
    if (isImmutableFlat(value)) frozenText.set(value, text);
    return text;
  }
  return writeObject(value, shape);
}

// Writes one member into its slot; true when its text differs from the last one written there (or
// may: a nested value's new text is not compared with the last, see Shape.changed).
// Invariant: texts[slot] is the text of seen[slot] when that is a primitive (an empty slot holds
// undefined, whose text is undefined), the last text of the nested value when it is NESTED (the
// text its child shape wrote) or GIVEN (a JsonText's).
function writeSlot(shape: Shape, slot: number, value: unknown): boolean {
  let text: string | undefined;
  if (typeof value === 'object' && value !== null) {
    if (value instanceof JsonText) {
      shape.seen[slot] = GIVEN;
      text = value.text;
    } else {
      const fromChild = shape.seen[slot] === NESTED;
      shape.seen[slot] = NESTED;
      const child = (shape.children[slot] ??= new Shape());
      text = writeNested(value, child);
      if (fromChild && !child.changed) return false; // the child's text, reused: the slot's as it was
      shape.texts[slot] = text;
      return true;
    }
  } else if (shape.seen[slot] === value) {
    return false; // the same primitive as last time: the same text
  } else {
    text = primitiveText(value);
    shape.seen[slot] = value;
  }
  if (text === shape.texts[slot]) return false;
  shape.texts[slot] = text;
  return true;
}

// Writes an object's member into its slot and its `"key":text`; true when it changed.
function writeMember(shape: Shape, slot: number, value: unknown): boolean {
  if (!writeSlot(shape, slot, value)) return false;
  const text = shape.texts[slot];
  shape.members[slot] = text === undefined ? undefined : shape.heads[slot] + text;
  return true;
}

// Whether `for…in` over an object with this prototype lists its own keys only: a plain object's
// (or a null-prototype one's), while Object.prototype has no enumerable property (it has none
// unless a program adds one).
function ownKeysOnly(obj: object): boolean {
  const proto = Object.getPrototypeOf(obj);
  if (proto === null) return true;
  if (proto !== Object.prototype) return false;
  for (const _ in proto) return false;
  return true;
}

function writeObject(obj: object, shape: Shape): string {
  // Cleared while the slots are written: if one throws (a non-finite number), the next call rebuilds.
  const last = shape.text;
  shape.text = undefined;
  let changed = last === undefined;
  // The common case, without the two arrays of Object.keys and Object.values: the same keys as
  // last time, in the same order, walked with for…in (own keys only, see ownKeysOnly), each member
  // written as it comes. Should the keys differ, the object is written from Object.keys below
  // (anew: its shape is reset).
  if (shape.isArray === false && ownKeysOnly(obj)) {
    const keys = shape.keys;
    let i = 0;
    for (const k in obj) {
      if (i >= keys.length || k !== keys[i]) {
        i = -1;
        break;
      }
      if (writeMember(shape, i, (obj as Record<string, unknown>)[k])) changed = true;
      i++;
    }
    if (i === keys.length) return changed ? joinMembers(shape) : reuse(shape, last!);
    changed = true;
  }
  const keys = Object.keys(obj);
  if (shape.isArray !== false || !sameKeys(keys, shape.keys)) {
    shape.reset(false, keys);
    changed = true;
  }
  let values: unknown[] = Object.values(obj);
  // Object.values skips a member that a getter deleted meanwhile; read key by key then.
  if (values.length !== keys.length) values = keys.map((k) => (obj as Record<string, unknown>)[k]);
  for (let i = 0; i < values.length; i++) if (writeMember(shape, i, values[i])) changed = true;
  if (!changed) return reuse(shape, last!);
  return joinMembers(shape);
}

function joinMembers(shape: Shape): string {
  let out = '{';
  for (const i of shape.order) {
    const member = shape.members[i];
    if (member !== undefined) out += (out.length > 1 ? ',' : '') + member;
  }
  shape.flat = false;
  shape.changed = true;
  return (shape.text = out + '}');
}

function writeArray(arr: readonly unknown[], shape: Shape): string {
  if (shape.isArray !== true) shape.reset(true);
  const last = shape.text;
  shape.text = undefined;
  let changed = last === undefined || arr.length !== shape.length;
  shape.length = arr.length;
  for (let i = 0; i < arr.length; i++) if (writeSlot(shape, i, arr[i])) changed = true;
  if (!changed) return reuse(shape, last!);
  let out = '[';
  for (let i = 0; i < arr.length; i++) out += (i > 0 ? ',' : '') + (shape.texts[i] ?? 'null');
  shape.flat = false;
  shape.changed = true;
  return (shape.text = out + ']');
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
  return new CanonicalWriter().write(value);
}

// Building blocks shared by the wire schemas and the policy schema: finite numbers with ranges and
// messages a person can act on ("must be ≤ 1, got 1.5"), and a record that keeps every key.
import * as v from 'valibot';
import { buildRecord } from '../util/records.js';

type NumberRule = { kind: 'gt'; bound: number } | { kind: 'ge'; bound: number } | { kind: 'le'; bound: number };

/** A finite number with optional bounds; `int` also requires an integer. */
export function finiteNumber(opts: { gt?: number; ge?: number; le?: number; int?: boolean } = {}) {
  const actions: v.PipeItem<number, number, v.BaseIssue<unknown>>[] = [v.finite((i) => `must be a finite number, got ${i.received}`)];
  if (opts.int) actions.push(v.integer((i) => `must be an integer, got ${i.received}`));
  const rules: NumberRule[] = [];
  if (opts.gt !== undefined) rules.push({ kind: 'gt', bound: opts.gt });
  if (opts.ge !== undefined) rules.push({ kind: 'ge', bound: opts.ge });
  if (opts.le !== undefined) rules.push({ kind: 'le', bound: opts.le });
  for (const r of rules) {
    if (r.kind === 'gt') actions.push(v.gtValue(r.bound, (i) => `must be > ${r.bound}, got ${i.received}`));
    if (r.kind === 'ge') actions.push(v.minValue(r.bound, (i) => `must be ≥ ${r.bound}, got ${i.received}`));
    if (r.kind === 'le') actions.push(v.maxValue(r.bound, (i) => `must be ≤ ${r.bound}, got ${i.received}`));
  }
  return v.pipe(
    v.number((i) => `must be a number, got ${i.received}`),
    ...actions,
  );
}

/** A string (any content; symbols and ids are data). */
export const str = () => v.string((i) => `must be a string, got ${i.received}`);

/** RFC 3339 date-time with a `Z` or numeric UTC offset, as the Python package writes it. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 timestamp string. */
export const timestamp = () =>
  v.pipe(
    str(),
    v.regex(RFC3339, (i) => `must be an RFC 3339 timestamp such as 2026-02-18T14:30:00Z, got ${i.received}`),
  );

/**
 * For a Map, Set, Date, boxed primitive or the like, its kind (`a Map`); otherwise undefined. Such
 * objects keep their content out of own keys, so reading one as a plain object sees `{}`: positions
 * or rate counts silently empty (fail open). Class instances and cross-realm plain objects pass.
 */
function nonPlainObject(input: unknown): string | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const proto = Object.getPrototypeOf(input) as object | null;
  if (proto === Object.prototype || proto === null) return undefined;
  const tag = Object.prototype.toString.call(input).slice(8, -1);
  if (tag === 'Object' || tag === 'Array') return undefined;
  return `a ${tag}`;
}

/**
 * Like `v.record(v.string(), value)`, but keeps *every* own key. valibot's record silently drops
 * `__proto__`, `constructor` and `prototype`; for us those are symbols like any other (docs /docs/semantics/: symbols
 * and ids are data), and dropping a position would under-state exposure. Keys are defined as own
 * data properties (via Object.fromEntries), so `__proto__` never touches the prototype.
 */
export function dataRecord<TValue extends v.GenericSchema>(value: TValue) {
  const base = v.record(str(), value, (i) => `must be an object, got ${i.received}`);
  const schema: typeof base = {
    ...base,
    '~run'(dataset, config) {
      const input = dataset.value as unknown;
      const notPlain = nonPlainObject(input);
      if (!input || typeof input !== 'object' || Array.isArray(input) || notPlain) {
        const received = notPlain ?? (Array.isArray(input) ? 'an array' : input === null ? 'null' : typeof input);
        const issue = { kind: 'schema', type: 'record', input, expected: 'Object', received, message: `must be an object, got ${received}` };
        return { typed: false, value: input, issues: [issue] } as never;
      }
      const entries: [string, unknown][] = [];
      const issues: v.BaseIssue<unknown>[] = [];
      for (const key of Object.keys(input)) {
        const entry = (input as Record<string, unknown>)[key];
        const result = value['~run']({ value: entry }, config);
        if (result.issues) {
          const pathItem = { type: 'object', origin: 'value', input, key, value: entry } as const;
          for (const issue of result.issues) {
            (issue as { path?: unknown[] }).path = [pathItem, ...((issue.path as unknown[] | undefined) ?? [])];
            issues.push(issue);
          }
        }
        entries.push([key, result.value]);
      }
      // fromEntries defines own data properties (so `__proto__` stays a plain member) and, unlike
      // assignment in a loop, leaves the object in V8's fast mode, which the engine's hot loop reads
      // (util/records.ts).
      const out = buildRecord(entries);
      return (issues.length ? { typed: false, value: out, issues } : { typed: true, value: out }) as never;
    },
  };
  return schema;
}

/**
 * `v.strictObject` that also refuses arrays: valibot's object schemas accept `[]` (typeof
 * "object"), so an all-optional schema would read `[]` as `{}` — a wrong type silently accepted.
 */
export function strictObject<TEntries extends v.ObjectEntries>(entries: TEntries) {
  const base = v.strictObject(entries);
  const schema: typeof base = {
    ...base,
    '~run'(dataset, config) {
      if (Array.isArray(dataset.value)) {
        const issue = { kind: 'schema', type: 'strict_object', input: dataset.value, expected: 'Object', received: 'Array', message: 'must be an object, got an array' };
        return { typed: false, value: dataset.value, issues: [issue] } as never;
      }
      const notPlain = nonPlainObject(dataset.value);
      if (notPlain) {
        const issue = { kind: 'schema', type: 'strict_object', input: dataset.value, expected: 'Object', received: notPlain, message: `must be an object, got ${notPlain}` };
        return { typed: false, value: dataset.value, issues: [issue] } as never;
      }
      const result = base['~run'].call(this, dataset, config);
      if (result.issues) suggestKeys(result.issues, Object.keys(entries));
      return result;
    },
  };
  return schema;
}

/** Edit distance with transpositions (optimal string alignment): how far a misspelt key is from a known one. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let x = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) x = Math.min(x, d[i - 2]![j - 2]! + 1);
      d[i]![j] = x;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known key closest to `key`, when it is close enough to be a misspelling of it. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(3, Math.floor(key.length / 3)));
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Unknown keys of this object (issues whose path is just the key) get a "did you mean" with the
 * closest known key, as the CLI's flags do: `max_postion_pct` → `max_position_pct`.
 */
function suggestKeys(issues: readonly v.BaseIssue<unknown>[], known: readonly string[]): void {
  for (const issue of issues) {
    if (issue.type !== 'strict_object' || issue.expected !== 'never' || issue.path?.length !== 1) continue;
    const key = issue.path[0]!.key;
    const guess = typeof key === 'string' ? closestKey(key, known) : undefined;
    if (guess !== undefined) (issue as { message: string }).message = `unknown field (did you mean "${guess}"?)`;
  }
}

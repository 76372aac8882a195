import type * as v from 'valibot';
import type { Issue } from '../errors.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The path of a valibot issue as `limits.exposure.max_position_pct`, `prices["BTC-USD"]`, `a[0]`. */
export function pathKeys(issue: v.BaseIssue<unknown>): (string | number)[] {
  return (issue.path ?? []).map((p) => p.key as string | number);
}

/** Formats path keys for people: dots for identifiers, brackets for indexes and odd keys. */
export function formatPath(keys: readonly (string | number)[]): string {
  let out = '';
  for (const k of keys) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (IDENT.test(k)) out += out ? `.${k}` : k;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out;
}

/** True for valibot's report of a key the schema does not know (the key is the last path item). */
export const isUnknownKey = (issue: v.BaseIssue<unknown>): boolean => issue.type === 'strict_object' && issue.expected === 'never';

/** The message for one valibot issue, in our words for the structural cases valibot words itself. */
export function issueMessage(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'strict_object' || issue.type === 'strict_tuple') {
    if (isUnknownKey(issue)) return issue.message.startsWith('unknown field') ? issue.message : 'unknown field';
    if (issue.expected === 'Object') return issue.received === 'Array' ? issue.message : `must be an object (a mapping of fields), got ${issue.received}`;
    if (issue.expected === 'Array') return `must be an array, got ${issue.received}`;
    if (issue.received === 'undefined') return 'missing required field';
  }
  return issue.message;
}

/** valibot issues → our issues, one per problem, each with the path of its field. */
export function toIssues(issues: readonly v.BaseIssue<unknown>[]): Issue[] {
  return issues.map((issue) => ({ path: formatPath(pathKeys(issue)), message: issueMessage(issue) }));
}

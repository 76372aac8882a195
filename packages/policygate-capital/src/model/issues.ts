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

/** valibot issues → our issues, one per problem, unknown keys named by their own path. */
export function toIssues(issues: readonly v.BaseIssue<unknown>[]): Issue[] {
  return issues.map((issue) => {
    const keys = pathKeys(issue);
    if (issue.type === 'strict_object' && issue.expected === 'never') {
      // valibot reports an unknown key with the key as the last path item.
      return { path: formatPath(keys), message: 'unknown field' };
    }
    return { path: formatPath(keys), message: issue.message };
  });
}

// Validating a policy given as a plain object. Kept apart from load.ts so that an app which evaluates
// against a policy object never bundles the YAML parser (tests/package/size-budget.test.ts).
import { PolicyError } from '../errors.js';
import { toIssues } from '../model/issues.js';
import { PolicySchema, type Policy } from './schema.js';
import { safeParse } from '../util/safe-parse.js';

/**
 * Validates a policy given as a plain object (for example `JSON.parse` output) and returns a typed
 * copy with defaults filled in.
 *
 * @throws {PolicyError} listing every problem with its field path.
 * @example
 * ```ts
 * const policy = parsePolicy({ limits: { ... } })
 * ```
 */
export function parsePolicy(value: unknown): Policy {
  const result = safeParse(PolicySchema, value);
  if (result.success) return result.output;
  throw new PolicyError(toIssues(result.issues));
}

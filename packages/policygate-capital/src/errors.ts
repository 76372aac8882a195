/**
 * One problem found in untrusted input.
 *
 * `path` is the dotted path of the offending field (`limits.exposure.max_position_pct`,
 * `positions.AAPL`, or `` for the document itself). `line` and `column` (1-based) are set when the
 * input was YAML or JSON text and the position is known; columns count Unicode code points (an
 * emoji is one column), for YAML and JSON alike.
 */
export interface Issue {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/**
 * Every `code` an SDK error carries, one meaning each. Switch on it (`switch (e.code)`) rather than
 * on messages, which may change.
 *
 * - `ERR_VALIDATION` — input that does not match its schema ({@link ValidationError}; `issues` has the paths).
 * - `ERR_JSON` — JSON text that is not strict JSON ({@link ValidationError}, with line and column).
 * - `ERR_POLICY` — a policy that cannot be used: YAML syntax, duplicate keys, alias bombs, a schema problem ({@link PolicyError}).
 * - `ERR_PROTOTYPE_POLLUTED` — `Object.prototype` has an enumerable property, so no data can be validated.
 * - `ERR_AUDIT_WRITE` — an audit event could not be written or serialized (`AuditWriteError`).
 * - `ERR_GATE_NO_PORTFOLIO` — a gate call that needs a portfolio before one was set.
 * - `ERR_GATE_AUTO_RECORD` — `record` on a gate that counts orders automatically.
 * - `ERR_GATE_NOT_PENDING` — `record` of a decision the gate has no unrecorded check for.
 * - `ERR_GATE_POLICY_MISMATCH` — restoring a snapshot taken under another policy without `allowPolicyChange`.
 * - `ERR_FILE_NOT_FOUND` — a file the Node entry was asked to read does not exist (`FileError`).
 * - `ERR_FILE_READ` — a file could not be read, or is not valid UTF-8 (`FileError`).
 * - `ERR_TOO_LARGE` — an input over its documented size limit, refused before it is read whole (`FileError`).
 * - `ERR_STATE_STORE` — a shared gate's state store (Redis) did not answer within the bound, or its book is missing or unusable: nothing was applied.
 */
export type ErrorCode =
  | 'ERR_VALIDATION'
  | 'ERR_JSON'
  | 'ERR_POLICY'
  | 'ERR_PROTOTYPE_POLLUTED'
  | 'ERR_AUDIT_WRITE'
  | 'ERR_GATE_NO_PORTFOLIO'
  | 'ERR_GATE_AUTO_RECORD'
  | 'ERR_GATE_NOT_PENDING'
  | 'ERR_GATE_POLICY_MISMATCH'
  | 'ERR_FILE_NOT_FOUND'
  | 'ERR_FILE_READ'
  | 'ERR_TOO_LARGE'
  | 'ERR_STATE_STORE';

/**
 * Base class of every error the SDK throws. `code` is stable and safe to switch on (see {@link ErrorCode}).
 *
 * @example
 * ```ts
 * try { await PolicyEngine.fromYaml(text) } catch (e) {
 *   if (e instanceof PolicyGateError) console.error(e.code, e.message)
 * }
 * ```
 */
export class PolicyGateError extends Error {
  /** Stable machine-readable error code, e.g. `ERR_VALIDATION`. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PolicyGateError';
    this.code = code;
  }
}

function describe(issues: readonly Issue[]): string {
  return issues
    .map((i) => {
      const where = i.line !== undefined ? ` (line ${i.line}, column ${i.column ?? 1})` : '';
      return i.path ? `${i.path}: ${i.message}${where}` : `${i.message}${where}`;
    })
    .join('\n');
}

/**
 * Input that does not match its schema (an intent, a state, a decision, an audit event: code
 * `ERR_VALIDATION`), or JSON text that is not strict JSON (`parseJsonText`: code `ERR_JSON`, with line
 * and column). `issues` lists every problem, each with the path of its field.
 *
 * @example
 * ```ts
 * try { parseOrderIntent(json) } catch (e) {
 *   if (e instanceof ValidationError) for (const i of e.issues) console.log(i.path, i.message)
 * }
 * ```
 */
export class ValidationError extends PolicyGateError {
  /** Every problem found, in document order. */
  readonly issues: readonly Issue[];
  /** What was being parsed: `intent`, `portfolio`, `market`, `execution`, `policy`, … */
  readonly subject: string;

  constructor(subject: string, issues: readonly Issue[], code: 'ERR_VALIDATION' | 'ERR_JSON' | 'ERR_POLICY' = 'ERR_VALIDATION') {
    super(code, `Invalid ${subject}:\n${describe(issues)}`);
    this.name = 'ValidationError';
    this.subject = subject;
    this.issues = issues;
  }
}

/**
 * A policy that cannot be used: YAML syntax, duplicate keys, alias bombs, or a schema problem.
 * Each issue carries the YAML line and column when the policy came from text.
 *
 * @example
 * ```ts
 * try { await PolicyEngine.fromYaml('limits: [') } catch (e) {
 *   if (e instanceof PolicyError) console.log(e.issues[0].line, e.issues[0].column)
 * }
 * ```
 */
export class PolicyError extends ValidationError {
  constructor(issues: readonly Issue[]) {
    super('policy', issues, 'ERR_POLICY');
    this.name = 'PolicyError';
  }
}

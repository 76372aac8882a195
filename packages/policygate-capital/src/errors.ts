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
 * Base class of every error the SDK throws. `code` is stable and safe to switch on.
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
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
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

  constructor(subject: string, issues: readonly Issue[], code = 'ERR_VALIDATION') {
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

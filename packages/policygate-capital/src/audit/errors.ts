import { PolicyGateError } from '../errors.js';

/**
 * An audit event could not be written (or serialized). `code` is `ERR_AUDIT_WRITE`; `path` names
 * the file when there is one and `osCode` the operating system's reason (`ENOSPC`, `EACCES`,
 * `ENOENT`, …) when there is one; `cause` is the original error.
 *
 * @example
 * ```ts
 * try { await audited(intent, portfolio, market) } catch (e) {
 *   if (e instanceof AuditWriteError) alert(`audit log ${e.path} unavailable: ${e.osCode}`)
 * }
 * ```
 */
export class AuditWriteError extends PolicyGateError {
  /** The file written to, when there is one. */
  readonly path: string | undefined;
  /** The operating system's error code (`ENOSPC`, `EACCES`, …), when there is one. */
  readonly osCode: string | undefined;

  constructor(message: string, options: { path?: string; osCode?: string; cause?: unknown } = {}) {
    super('ERR_AUDIT_WRITE', message, { cause: options.cause });
    this.name = 'AuditWriteError';
    this.path = options.path;
    this.osCode = options.osCode;
  }
}

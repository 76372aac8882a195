// What a FileAuditSink and its writer share: the file, the lines not yet written, the counters, and
// the failure that ends the sink (after a failed write or sync the file's state is unknown).
import * as fs from 'node:fs';
import { AuditWriteError } from '../../audit/errors.js';
import type { LineBuffer } from './line-buffer.js';

/** Counters of a {@link FileAuditSink}. */
export interface FileAuditSinkStats {
  /** Events appended (accepted). */
  events: number;
  /** write() calls that wrote lines. */
  writes: number;
  /** fdatasync() calls. */
  syncs: number;
}

/**
 * An OS error as the sink reports it: `audit write failed: <path>: <what>: <reason>`, with the OS
 * code (`ENOSPC`, `EACCES`, …) as `osCode`.
 */
export function osError(path: string, what: string, e: unknown): AuditWriteError {
  const err = e as NodeJS.ErrnoException;
  const reason = err?.message ?? String(e);
  return new AuditWriteError(`audit write failed: ${path}: ${what}: ${reason}`, {
    path,
    ...(typeof err?.code === 'string' && { osCode: err.code }),
    cause: e,
  });
}

/** fdatasync(2), as a promise. */
export const fdatasync = (fd: number) => new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));

/**
 * The state one sink and its writer share. The first failure is kept: every later `append`,
 * `flush` and `close` throws it.
 */
export class SinkState {
  readonly path: string;
  readonly fd: number;
  readonly lines: LineBuffer;
  readonly stats: FileAuditSinkStats = { events: 0, writes: 0, syncs: 0 };
  failure: AuditWriteError | null = null;
  readonly #onError: ((error: AuditWriteError) => void) | undefined;

  constructor(path: string, fd: number, lines: LineBuffer, onError: ((error: AuditWriteError) => void) | undefined) {
    this.path = path;
    this.fd = fd;
    this.lines = lines;
    this.#onError = onError;
  }

  /** Records `error` as the sink's failure (unless it failed before) and returns it. */
  fail(error: AuditWriteError): AuditWriteError {
    this.failure ??= error;
    return error;
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /**
   * One write() of the buffered lines; a short write (rare: a signal, a full disk) is completed by
   * more writes, and a failure leaves the sink failed. The buffer is empty afterwards either way.
   */
  writeSync(): void {
    const { bytes, length } = this.lines;
    this.lines.discard();
    let off = 0;
    try {
      while (off < length) off += fs.writeSync(this.fd, bytes, off, length - off);
    } catch (e) {
      throw this.fail(osError(this.path, off > 0 ? `write (after ${off} of ${length} bytes)` : 'write', e));
    }
    this.stats.writes += 1;
  }

  /** fdatasync(2) of the file; a failure leaves the sink failed. */
  async sync(): Promise<void> {
    try {
      await fdatasync(this.fd);
    } catch (e) {
      throw this.fail(osError(this.path, 'fdatasync', e));
    }
    this.stats.syncs += 1;
  }

  /**
   * A failure nobody is waiting for (a background write of a batched sink): to `onError`, or else
   * as a process warning (`ERR_AUDIT_WRITE`), so that lost events are never silent. It is also
   * thrown by the next `append`, `flush` or `close`. `atExit`: the process is exiting, where a
   * deferred `process.emitWarning` would never print: the warning is emitted at once.
   */
  report(error: AuditWriteError, atExit = false): void {
    if (this.#onError) {
      this.#onError(error);
      return;
    }
    const message = `${error.message} (events lost; no onError was given to the FileAuditSink)`;
    if (!atExit) {
      process.emitWarning(message, { type: 'PolicyGateAuditWarning', code: 'ERR_AUDIT_WRITE' });
      return;
    }
    const warning = Object.assign(new Error(message), { name: 'PolicyGateAuditWarning', code: 'ERR_AUDIT_WRITE' });
    process.emit('warning', warning);
  }
}

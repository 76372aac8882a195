// The audit log as a file: one line per event, appended with O_APPEND in a single write() per line
// or per batch, so that several processes can append to one file without interleaving or losing
// lines (on a local file system: Linux serialises O_APPEND writes to a regular file per inode).
// This class accepts events (serializes and chains them into a LineBuffer); a writer decides when
// the lines reach the file: audit-sink/durable-writer.ts (group commit) or audit-sink/batched-writer.ts
// (a writer thread, audit-sink/writer-thread.ts).
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { AuditChain, type ChainHead } from '../audit/chain.js';
import { AuditWriteError } from '../audit/errors.js';
import type { AuditEvent } from '../audit/schema.js';
import type { AuditSink } from '../audit/sink.js';
import { BatchedWriter } from './audit-sink/batched-writer.js';
import { DurableWriter } from './audit-sink/durable-writer.js';
import { LineBuffer } from './audit-sink/line-buffer.js';
import { osError, SinkState, type FileAuditSinkStats } from './audit-sink/sink-state.js';
import type { SinkWriter } from './audit-sink/writer.js';

export type { FileAuditSinkStats } from './audit-sink/sink-state.js';

/**
 * `durable`: `append` resolves once the line is on disk (written and `fdatasync`ed). Appends made
 * while a sync is in flight are written and synced together (group commit), so concurrent callers
 * share syncs; a caller that awaits each append one by one pays one sync per event.
 * `batched`: `append` buffers and returns at once; lines are written in batches (one write per batch,
 * when the event loop turns or the batch reaches `maxBatchBytes`) and synced on `flush`/`close`. A
 * full batch, or a turn's batch over 64 KiB, is written by a writer thread; a turn's smaller batch
 * by the appending thread. Faster, but a crash (of the machine, or of the process before the batch
 * is written) loses the events not yet written.
 */
export type FileAuditSinkMode = 'durable' | 'batched';

/** Options of {@link FileAuditSink.open}. */
export interface FileAuditSinkOptions {
  /** Default `durable`. */
  mode?: FileAuditSinkMode;
  /** Batched mode: hand the batch to the writer thread as soon as this many bytes are buffered. Default 1 MiB. */
  maxBatchBytes?: number;
  /** Permission bits of a file the sink creates. Default `0o600` (events hold positions and equity). */
  fileMode?: number;
  /** The chain's id (default a fresh UUID v4): one chain per sink. */
  chainId?: string;
  /**
   * Batched mode: called when a batch's write fails (the writer thread's once it is done with that
   * batch), when the event loop turns (the error is also thrown by the next `append`, `flush` or `close`).
   * Without it, such a failure is emitted as a process warning (`process.emitWarning`, code
   * `ERR_AUDIT_WRITE`), so that lost events are never silent.
   */
  onError?: (error: AuditWriteError) => void;
  /**
   * Batched mode: when the process exits (`process.exit()`, or the event loop ends) before `close`,
   * write the lines still buffered, synchronously (no sync), from a `process.on('exit')` listener
   * the sink adds and `close` removes. A failure then goes to `onError` or is printed as a warning.
   * Default `false`: the sink adds no process-wide hook; call `close()` (or `flush()`) before the
   * process ends, or lines appended since the last write are lost on `process.exit()`.
   */
  flushOnExit?: boolean;
}

/**
 * An append-only JSONL audit file (Node). Each event is serialized and chained (see `AuditChain`) at
 * `append`, then written with `O_APPEND`: one `write()` per line or per batch of whole lines, so
 * lines of concurrent writers — other sinks, other processes — never interleave. Opening a file whose
 * last line was torn by a crash first ends that line, so the torn fragment stays a bad line of its
 * own instead of corrupting the next event. Every write or sync failure surfaces as an
 * {@link AuditWriteError} (`ERR_AUDIT_WRITE`, naming the path and the OS reason) and the sink stays
 * failed (after a failed sync the file's state is unknown): reopen it. A batched sink starts one
 * writer thread (`worker_threads`) at its first batch handed over (see `batched`), and stops it at
 * `close`.
 *
 * Call {@link FileAuditSink.close} when done: it writes and syncs what is buffered, stops the
 * writer thread and closes the file. The sink installs no process-wide hook unless asked
 * (`flushOnExit`) and never sets `process.exitCode`.
 *
 * @example
 * ```ts
 * import { FileAuditSink } from 'policygate-capital/node'
 * const sink = await FileAuditSink.open('audit.jsonl', { mode: 'durable' })
 * const audited = createAuditedEvaluator(engine, sink)
 * const decision = await audited(intent, portfolio, market) // the event is on disk
 * await sink.close()
 * ```
 */
export class FileAuditSink implements AuditSink {
  /** The file's path, as given. */
  readonly path: string;
  /** `durable` or `batched`. */
  readonly mode: FileAuditSinkMode;
  readonly #state: SinkState;
  readonly #chain: AuditChain;
  readonly #writer: SinkWriter;
  // Durable appends report every error through their promise; batched appends throw.
  readonly #rejects: boolean;
  #closing = false;
  #closePromise: Promise<void> | undefined;
  #closed = false;
  #atExit: (() => void) | undefined;

  private constructor(path: string, fd: number, options: FileAuditSinkOptions) {
    this.path = path;
    this.mode = options.mode ?? 'durable';
    const maxBatchBytes = options.maxBatchBytes ?? 1 << 20;
    const lines = new LineBuffer(this.mode === 'batched', maxBatchBytes);
    this.#state = new SinkState(path, fd, lines, options.onError);
    this.#chain = new AuditChain({ hash: (line) => lines.encode(line), ...(options.chainId !== undefined && { chainId: options.chainId }) });
    if (this.mode === 'batched') {
      const batched = new BatchedWriter(this.#state, maxBatchBytes);
      this.#writer = batched;
      if (options.flushOnExit === true) {
        this.#atExit = () => batched.exitSync();
        process.on('exit', this.#atExit);
      }
    } else {
      this.#writer = new DurableWriter(this.#state);
    }
    this.#rejects = this.mode === 'durable';
  }

  /**
   * Opens (creating it if needed) an audit file for appending. A new file's directory entry is
   * synced in durable mode, so the file itself survives a crash.
   *
   * @throws {AuditWriteError} when the file cannot be opened (e.g. `ENOENT` for a missing directory,
   * `EACCES`, `EISDIR`), naming the path and the reason.
   */
  static async open(path: string, options: FileAuditSinkOptions = {}): Promise<FileAuditSink> {
    const mode = options.mode ?? 'durable';
    if (mode !== 'durable' && mode !== 'batched') throw new TypeError(`mode must be 'durable' or 'batched', got ${String(mode)}`);
    const maxBatchBytes = options.maxBatchBytes ?? 1 << 20;
    if (!(Number.isInteger(maxBatchBytes) && maxBatchBytes >= 1)) throw new RangeError(`maxBatchBytes must be an integer ≥ 1, got ${String(maxBatchBytes)}`);
    const fd = await openFile(path, options.fileMode ?? 0o600, mode === 'durable');
    return new FileAuditSink(path, fd, options);
  }

  /** The chain's id and end; keep a copy elsewhere to detect truncation or forged lines at the end. */
  get head(): ChainHead {
    return this.#chain.head;
  }

  /** Events appended, write() calls and fdatasync() calls so far. */
  get stats(): FileAuditSinkStats {
    return { ...this.#state.stats };
  }

  /**
   * Appends one event. Durable mode: returns a promise that resolves once the line is on disk and
   * rejects with an {@link AuditWriteError} if the write or the sync fails. Batched mode: returns
   * nothing once the line is buffered (handing the batch to the writer thread when it is full, after
   * waiting for the previous batch to be written if need be), and throws an {@link AuditWriteError}
   * if an earlier write failed.
   */
  append(event: AuditEvent): Promise<void> | void {
    if (this.#rejects) {
      try {
        this.#accept(event);
      } catch (e) {
        return Promise.reject(e);
      }
    } else {
      this.#accept(event);
    }
    return this.#writer.appended();
  }

  /**
   * Batched mode: a promise that resolves once every event appended so far is written to the file
   * (handed to the OS, not yet synced: the lines survive a crash of this process, not one of the
   * machine), and rejects with the {@link AuditWriteError} that keeps them from it; undefined when
   * they are written already. Durable mode: undefined (each append's own promise resolves once its
   * line is synced). `policygate-serve` awaits it before it answers a decision.
   *
   * @example
   * ```ts
   * sink.append(event)
   * await sink.written() // the line is in the file (one write() for every event of this turn)
   * ```
   */
  written(): Promise<void> | undefined {
    return this.#writer.written();
  }

  /**
   * Writes every buffered line and syncs the file: when it resolves, every event appended before
   * the call is on disk.
   *
   * @throws {AuditWriteError} when a write or the sync fails, or failed before.
   */
  async flush(): Promise<void> {
    if (this.#closed) throw new AuditWriteError(`audit write failed: ${this.path}: the sink is closed`, { path: this.path });
    this.#state.throwIfFailed();
    await this.#writer.flush();
  }

  /**
   * Flushes (see {@link FileAuditSink.flush}), stops the writer thread (batched mode) and closes the
   * file. Call it before the process ends: a batched sink's lines appended since the last write are
   * otherwise lost on `process.exit()` (unless opened with `flushOnExit`). Appends made once `close`
   * has been called throw. Closing twice is harmless: every call returns the same promise.
   *
   * @throws {AuditWriteError} when the final flush or the close fails; the file is closed anyway.
   */
  close(): Promise<void> {
    this.#closePromise ??= this.#close();
    return this.#closePromise;
  }

  async #close(): Promise<void> {
    this.#closing = true; // appends from now on are refused: none may land after the final sync
    let error: unknown;
    try {
      if (!this.#state.failure) await this.flush();
    } catch (e) {
      error = e;
    }
    this.#closed = true;
    if (this.#atExit) process.off('exit', this.#atExit);
    await this.#writer.stop();
    try {
      await new Promise<void>((resolve, reject) => fs.close(this.#state.fd, (e) => (e ? reject(e) : resolve())));
    } catch (e) {
      error ??= osError(this.path, 'close', e);
    }
    if (error) throw error;
    this.#state.throwIfFailed();
  }

  // Serializes and chains the event at once, so the line is fixed in append order.
  #accept(event: AuditEvent): void {
    if (this.#closing) throw new AuditWriteError(`audit write failed: ${this.path}: the sink is closed`, { path: this.path });
    this.#state.throwIfFailed();
    try {
      this.#chain.next(event); // the line lands in the buffer (see LineBuffer.encode)
    } catch (e) {
      throw new AuditWriteError(`audit write failed: ${this.path}: event not serializable: ${e instanceof Error ? e.message : String(e)}`, { path: this.path, cause: e });
    }
    this.#state.stats.events += 1;
  }
}

const fsOpen = (path: string, flags: string, mode: number) => new Promise<number>((resolve, reject) => fs.open(path, flags, mode, (e, fd) => (e ? reject(e) : resolve(fd))));

// Opens the file for appending; syncs the directory of a file it created (durable); ends a torn last
// line, so the sink's first line starts on a line of its own.
async function openFile(path: string, fileMode: number, durable: boolean): Promise<number> {
  let fd: number;
  let created = false;
  try {
    // a+: O_APPEND|O_CREAT|O_RDWR (read to check the last byte); x: learn whether we created it.
    fd = await fsOpen(path, 'ax+', fileMode);
    created = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw osError(path, 'open', e);
    try {
      fd = await fsOpen(path, 'a+', fileMode);
    } catch (e2) {
      throw osError(path, 'open', e2);
    }
  }
  try {
    if (created && durable) {
      const dir = await fsOpen(dirname(path), 'r', 0);
      try {
        await new Promise<void>((resolve, reject) => fs.fsync(dir, (e) => (e ? reject(e) : resolve())));
      } finally {
        fs.closeSync(dir);
      }
    }
    const size = fs.fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) fs.writeSync(fd, '\n');
    }
  } catch (e) {
    fs.closeSync(fd);
    throw osError(path, 'open', e);
  }
  return fd;
}

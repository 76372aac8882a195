// The audit log as a file: one line per event, appended with O_APPEND in a single write() per line
// or per batch, so that several processes can append to one file without interleaving or losing
// lines (on a local file system: Linux serialises O_APPEND writes to a regular file per inode).
import * as nodeCrypto from 'node:crypto';
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AuditChain, type ChainHead } from '../audit/chain.js';
import { AuditWriteError } from '../audit/errors.js';
import type { AuditEvent } from '../audit/schema.js';
import type { AuditSink } from '../audit/sink.js';

/**
 * `durable`: `append` resolves once the line is on disk (written and `fdatasync`ed). Appends made
 * while a sync is in flight are written and synced together (group commit), so concurrent callers
 * share syncs; a caller that awaits each append one by one pays one sync per event.
 * `batched`: `append` buffers and returns at once; lines are written in batches (one write per batch,
 * when the event loop turns or the batch reaches `maxBatchBytes`) by a writer thread, and synced on
 * `flush`/`close`. Faster, but a crash (of the machine, or of the process before the batch is
 * written) loses the events not yet written.
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
   * Batched mode: called when a write of the writer thread fails, once it is done with that batch
   * and the event loop turns (the error is also thrown by the next `append`, `flush` or `close`).
   * Default none.
   */
  onError?: (error: AuditWriteError) => void;
}

/** Counters of a {@link FileAuditSink}. */
export interface FileAuditSinkStats {
  /** Events appended (accepted). */
  events: number;
  /** write() calls that wrote lines. */
  writes: number;
  /** fdatasync() calls. */
  syncs: number;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

// The one-shot crypto.hash (Node 20.12+) skips the Hash object createHash builds per line.
const sha256: (bytes: Uint8Array) => string =
  typeof nodeCrypto.hash === 'function'
    ? (bytes) => nodeCrypto.hash('sha256', bytes, 'hex')
    : (bytes) => nodeCrypto.createHash('sha256').update(bytes).digest('hex');

// Lines waiting to be written are kept as bytes in one reused buffer, not as strings joined and
// encoded into a fresh Buffer per write: a fresh 1 MiB allocation per batch cost more CPU (page
// faults, zeroing) than the write() itself.
const INITIAL_BUFFER = 64 << 10;

// Batched mode's writer thread. A batch's write() into the page cache costs 0.25–2.6 ms of CPU per
// MiB (the high end where the OS must find fresh memory: a long-running logger's steady state on
// a VM); done on the appending thread it stalled every ~360th append of a 2.9 kB line that long,
// and capped the rate at the sum of both costs. The appending thread now hands each full batch to
// this thread and goes on serializing into a second buffer; it waits only when that buffer fills
// before the previous batch is written (backpressure). Batches are handed over one at a time and
// every other write of the sink happens while this thread is idle, so lines stay in append order.
// Shared control words: DONE (the sequence number of the last batch finished), FAILED (1: a write
// failed, described in the shared error area; 2: the sink gave up on the thread: write nothing),
// ERROR_LENGTH (of that description), ALIVE (1 once the thread runs).
const DONE = 0;
const FAILED = 1;
const ERROR_LENGTH = 2;
const ALIVE = 3;
const ERROR_BYTES = 4096;
// A thread that has not started after this long will not (e.g. the OS refused to create it).
const WRITER_START_MS = 10_000;
const WRITER_SOURCE = `
const { parentPort, workerData: { fd, ctl, error } } = require('node:worker_threads');
const { writeSync } = require('node:fs');
Atomics.store(ctl, ${ALIVE}, 1);
parentPort.on('message', ({ buffer, length, seq }) => {
  const bytes = new Uint8Array(buffer, 0, length);
  let off = 0;
  if (Atomics.load(ctl, ${FAILED}) === 0) {
    try {
      while (off < length) off += writeSync(fd, bytes, off, length - off);
    } catch (e) {
      const text = JSON.stringify({ code: typeof e?.code === 'string' ? e.code.slice(0, 40) : undefined, message: String(e?.message ?? e).slice(0, 200), off, length });
      const n = new TextEncoder().encodeInto(text, error).written;
      Atomics.store(ctl, ${ERROR_LENGTH}, n);
      Atomics.store(ctl, ${FAILED}, 1);
    }
  }
  Atomics.store(ctl, ${DONE}, seq);
  Atomics.notify(ctl, ${DONE});
});
`;

const sharedBuffer = (bytes: number) => Buffer.from(new SharedArrayBuffer(bytes));

function osError(path: string, what: string, e: unknown): AuditWriteError {
  const err = e as NodeJS.ErrnoException;
  const reason = err?.message ?? String(e);
  return new AuditWriteError(`audit write failed: ${path}: ${what}: ${reason}`, {
    path,
    ...(typeof err?.code === 'string' && { osCode: err.code }),
    cause: e,
  });
}

const fdatasync = (fd: number) => new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
const fsClose = (fd: number) => new Promise<void>((resolve, reject) => fs.close(fd, (e) => (e ? reject(e) : resolve())));
const fsOpen = (path: string, flags: string, mode: number) =>
  new Promise<number>((resolve, reject) => fs.open(path, flags, mode, (e, fd) => (e ? reject(e) : resolve(fd))));

// Open batched sinks, so that at process exit their buffered lines are written (synchronously, no
// sync) and a background failure nobody was told of is reported instead of lost.
const openBatched = new Set<() => void>();
let exitHookInstalled = false;
function onExit(): void {
  for (const atExit of openBatched) atExit();
}

/**
 * An append-only JSONL audit file (Node). Each event is serialized and chained (see `AuditChain`) at
 * `append`, then written with `O_APPEND`: one `write()` per line or per batch of whole lines, so
 * lines of concurrent writers — other sinks, other processes — never interleave. Opening a file whose
 * last line was torn by a crash first ends that line, so the torn fragment stays a bad line of its
 * own instead of corrupting the next event. Every write or sync failure surfaces as an
 * {@link AuditWriteError} (`ERR_AUDIT_WRITE`, naming the path and the OS reason) and the sink stays
 * failed (after a failed sync the file's state is unknown): reopen it. A batched sink starts one
 * writer thread (`worker_threads`) at its first batch, and stops it at `close`.
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
  readonly #fd: number;
  readonly #chain: AuditChain;
  readonly #maxBatchBytes: number;
  readonly #onError: ((error: AuditWriteError) => void) | undefined;
  #buffer: Buffer;
  #buffered = 0; // bytes of whole lines in #buffer, not yet written
  // Batched mode: the writer thread (started at the first batch), its control words and error area,
  // the sequence number of the last batch handed to it, and the buffer it holds or last held.
  #writer: Worker | undefined;
  #ctl: Int32Array | undefined;
  #errorArea: Uint8Array | undefined;
  #handed = 0;
  #spare: Buffer | undefined;
  #watching = false;
  #awaiting = 0;
  #waiters: Waiter[] = [];
  #running: Promise<void> | null = null;
  #scheduled = false;
  #failure: AuditWriteError | null = null;
  #unreported = false; // #failure happened in the background and was not thrown to anyone yet
  #closing = false;
  #closePromise: Promise<void> | undefined;
  #closed = false;
  #stats: FileAuditSinkStats = { events: 0, writes: 0, syncs: 0 };
  readonly #atExit = () => this.#exitSync();

  private constructor(path: string, fd: number, options: FileAuditSinkOptions) {
    this.path = path;
    this.#fd = fd;
    this.mode = options.mode ?? 'durable';
    this.#chain = new AuditChain({ hash: (line) => this.#encode(line), ...(options.chainId !== undefined && { chainId: options.chainId }) });
    this.#maxBatchBytes = options.maxBatchBytes ?? 1 << 20;
    this.#onError = options.onError;
    this.#buffer = this.#allocate(INITIAL_BUFFER);
    if (this.mode === 'batched') {
      if (!exitHookInstalled) {
        process.on('exit', onExit);
        exitHookInstalled = true;
      }
      openBatched.add(this.#atExit);
    }
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
    const fileMode = options.fileMode ?? 0o600;
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
      if (created && mode === 'durable') {
        const dir = await fsOpen(dirname(path), 'r', 0);
        try {
          await new Promise<void>((resolve, reject) => fs.fsync(dir, (e) => (e ? reject(e) : resolve())));
        } finally {
          await fsClose(dir);
        }
      }
      const size = fs.fstatSync(fd).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        fs.readSync(fd, last, 0, 1, size - 1);
        // A torn last line (no newline): end it, so our first line starts on a line of its own.
        if (last[0] !== 0x0a) fs.writeSync(fd, '\n');
      }
    } catch (e) {
      fs.closeSync(fd);
      throw osError(path, 'open', e);
    }
    return new FileAuditSink(path, fd, options);
  }

  /** The chain's id and end; keep a copy elsewhere to detect truncation or forged lines at the end. */
  get head(): ChainHead {
    return this.#chain.head;
  }

  /** Events appended, write() calls and fdatasync() calls so far. */
  get stats(): FileAuditSinkStats {
    return { ...this.#stats };
  }

  /**
   * Appends one event. Durable mode: returns a promise that resolves once the line is on disk and
   * rejects with an {@link AuditWriteError} if the write or the sync fails. Batched mode: returns
   * nothing once the line is buffered (handing the batch to the writer thread when it is full, after
   * waiting for the previous batch to be written if need be), and throws an {@link AuditWriteError}
   * if an earlier write failed.
   */
  append(event: AuditEvent): Promise<void> | void {
    if (this.mode === 'durable') {
      try {
        this.#accept(event);
      } catch (e) {
        return Promise.reject(e);
      }
      return new Promise<void>((resolve, reject) => {
        this.#waiters.push({ resolve, reject });
        if (!this.#running) this.#running = Promise.resolve().then(() => this.#commitLoop());
      });
    }
    this.#accept(event);
    if (this.#buffered >= this.#maxBatchBytes) {
      this.#handOff();
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#backgroundWrite());
    }
  }

  /**
   * Writes every buffered line and syncs the file: when it resolves, every event appended before
   * the call is on disk.
   *
   * @throws {AuditWriteError} when a write or the sync fails, or failed before.
   */
  async flush(): Promise<void> {
    if (this.#closed) throw new AuditWriteError(`audit write failed: ${this.path}: the sink is closed`, { path: this.path });
    this.#throwIfFailed();
    if (this.mode === 'durable') {
      while (this.#running) await this.#running;
      this.#throwIfFailed();
      return;
    }
    // Until the writer thread is idle *here*: while this waited, a background write may have handed
    // it more lines (appended before this call), and the sync must come after them.
    do await this.#writerIdle();
    while (this.#busy());
    this.#writePending(); // the writer is idle: this write lands after its batches
    try {
      await fdatasync(this.#fd);
      this.#stats.syncs += 1;
    } catch (e) {
      throw this.#fail(osError(this.path, 'fdatasync', e));
    }
  }

  /**
   * Flushes (see {@link FileAuditSink.flush}) and closes the file. Appends made once `close` has been
   * called throw. Closing twice is harmless: every call returns the same promise.
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
      if (!this.#failure) await this.flush();
    } catch (e) {
      error = e;
    }
    this.#closed = true;
    openBatched.delete(this.#atExit);
    if (this.#writer) {
      await this.#writerIdle().catch(() => {}); // idle already, unless the flush failed
      await this.#writer.terminate();
    }
    try {
      await fsClose(this.#fd);
    } catch (e) {
      error ??= osError(this.path, 'close', e);
    }
    if (error) throw error;
    if (this.#failure) throw this.#failure;
  }

  // Serializes and chains the event at once, so the line is fixed in append order.
  #accept(event: AuditEvent): void {
    if (this.#closing) throw new AuditWriteError(`audit write failed: ${this.path}: the sink is closed`, { path: this.path });
    this.#throwIfFailed();
    try {
      this.#chain.next(event); // the line lands in the buffer (see #encode)
    } catch (e) {
      throw new AuditWriteError(`audit write failed: ${this.path}: event not serializable: ${e instanceof Error ? e.message : String(e)}`, { path: this.path, cause: e });
    }
    this.#stats.events += 1;
  }

  // The chain's hash function: the chain hashes each line once, as soon as it is final, so this is
  // where the sink encodes the line into its buffer (with its newline), and the hash is taken of the
  // very bytes written, not of a second encoding. Lines are ASCII (canonical JSON escapes everything
  // from U+007F up), so latin1 writes them byte for byte, without UTF-8's scan.
  #encode(line: string): string {
    const start = this.#buffered;
    const end = start + line.length;
    if (end + 1 > this.#buffer.length) this.#grow(end + 1);
    this.#buffer.write(line, start, 'latin1');
    const hash = sha256(this.#buffer.subarray(start, end));
    this.#buffer[end] = 0x0a;
    this.#buffered = end + 1;
    return hash;
  }

  #throwIfFailed(): void {
    if (this.#failure) {
      this.#unreported = false;
      throw this.#failure;
    }
  }

  #fail(error: AuditWriteError): AuditWriteError {
    this.#failure ??= error;
    return error;
  }

  // Batched mode's buffers are shared with the writer thread.
  #allocate(bytes: number): Buffer {
    return this.mode === 'batched' ? sharedBuffer(bytes) : Buffer.allocUnsafeSlow(bytes);
  }

  #grow(bytes: number): void {
    const bigger = this.#allocate(Math.max(bytes, 2 * this.#buffer.length));
    this.#buffer.copy(bigger, 0, 0, this.#buffered);
    this.#buffer = bigger;
  }

  // One write() of the buffered lines; a short write (rare: a signal, a full disk) is completed by
  // more writes, and a failure leaves the sink failed. The buffer is empty afterwards either way.
  #write(): void {
    const buf = this.#buffer;
    const length = this.#buffered;
    this.#discardBuffered();
    let off = 0;
    try {
      while (off < length) off += fs.writeSync(this.#fd, buf, off, length - off);
    } catch (e) {
      throw this.#fail(osError(this.path, off > 0 ? `write (after ${off} of ${length} bytes)` : 'write', e));
    }
    this.#stats.writes += 1;
  }

  #discardBuffered(): void {
    this.#buffered = 0;
    // A burst (many durable appends during a slow sync) may have grown the buffer: let it go.
    if (!this.#worthKeeping(this.#buffer)) this.#buffer = this.#allocate(INITIAL_BUFFER);
  }

  // A buffer grown past twice the batch size (by a burst, or a huge line) is not kept for reuse.
  #worthKeeping(buffer: Buffer): boolean {
    return buffer.length <= 2 * Math.max(this.#maxBatchBytes, INITIAL_BUFFER);
  }

  #writePending(): void {
    this.#throwIfFailed();
    if (this.#buffered === 0) return;
    this.#write();
  }

  #backgroundWrite(): void {
    this.#scheduled = false;
    if (this.#closed || this.#failure || this.#buffered === 0) return;
    if (this.#busy()) {
      // Not worth blocking the event loop for: hand the lines over once the writer is done.
      this.#scheduled = true;
      void this.#writerDone().then(() => this.#backgroundWrite());
      return;
    }
    try {
      this.#handOff();
    } catch (e) {
      this.#reportBackground(e as AuditWriteError);
    }
  }

  // Kept in #failure: the next append, flush or close throws it; until then it is unreported.
  #reportBackground(error: AuditWriteError): void {
    if (this.#onError) this.#onError(error);
    else this.#unreported = true;
  }

  // Batched mode: hands the buffered lines to the writer thread, first waiting (blocking) for the
  // batch it holds, if any, to be written; the appends go on into the other buffer.
  #handOff(): void {
    this.#throwIfFailed();
    if (this.#buffered === 0) return;
    this.#waitForWriter();
    const writer = this.#startWriter();
    const full = this.#buffer;
    const seq = ++this.#handed;
    writer.postMessage({ buffer: full.buffer, length: this.#buffered, seq });
    this.#stats.writes += 1;
    this.#buffered = 0;
    this.#buffer = this.#spare !== undefined && this.#worthKeeping(this.#spare) ? this.#spare : this.#allocate(INITIAL_BUFFER);
    this.#spare = full;
    this.#watch();
  }

  #startWriter(): Worker {
    if (this.#writer) return this.#writer;
    const ctl = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
    const errorArea = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
    let writer: Worker;
    try {
      writer = new Worker(WRITER_SOURCE, { eval: true, workerData: { fd: this.#fd, ctl, error: errorArea }, name: 'policygate-capital audit writer' });
    } catch (e) {
      throw this.#fail(osError(this.path, 'write (starting the writer thread)', e));
    }
    writer.unref(); // an idle writer does not keep the process alive; the exit hook waits for a busy one
    writer.on('error', (e) => this.#writerStopped(e));
    writer.on('exit', (code) => {
      if (!this.#closed) this.#writerStopped(new Error(`the writer thread stopped (exit code ${code})`));
    });
    this.#ctl = ctl;
    this.#errorArea = errorArea;
    return (this.#writer = writer);
  }

  // The writer thread died or never started (it should not: it only calls write()). The sink fails:
  // what the thread held is lost, and it must write nothing more should it start late.
  #writerStopped(cause: unknown): void {
    const ctl = this.#ctl!;
    Atomics.compareExchange(ctl, FAILED, 0, 2);
    const error = this.#fail(osError(this.path, 'write', cause));
    Atomics.store(ctl, DONE, this.#handed);
    Atomics.notify(ctl, DONE);
    if (error === this.#failure) this.#reportBackground(error);
  }

  #busy(): boolean {
    return this.#ctl !== undefined && Atomics.load(this.#ctl, DONE) !== this.#handed;
  }

  // Blocks until the writer has written every batch handed to it; throws its failure.
  #waitForWriter(): void {
    this.#writerDoneSync();
    this.#noticeWriterFailure();
    this.#throwIfFailed();
  }

  #writerDoneSync(): void {
    const ctl = this.#ctl;
    if (ctl === undefined) return;
    for (let done = Atomics.load(ctl, DONE); done !== this.#handed; done = Atomics.load(ctl, DONE)) {
      // Blocked here, this thread cannot hear the writer's 'error' event: check that it started.
      if (Atomics.wait(ctl, DONE, done, WRITER_START_MS) === 'timed-out' && Atomics.load(ctl, ALIVE) === 0) {
        this.#writerStopped(new Error(`the writer thread did not start within ${WRITER_START_MS / 1000} s`));
      }
    }
  }

  // The same, without blocking the event loop.
  async #writerIdle(): Promise<void> {
    await this.#writerDone();
    this.#noticeWriterFailure();
    this.#throwIfFailed();
  }

  async #writerDone(): Promise<void> {
    const ctl = this.#ctl;
    if (ctl === undefined || Atomics.load(ctl, DONE) === this.#handed) return;
    // Awaited, a busy writer keeps the process alive (Atomics.waitAsync alone does not).
    if (this.#awaiting++ === 0) this.#writer!.ref();
    try {
      for (let done = Atomics.load(ctl, DONE); done !== this.#handed; done = Atomics.load(ctl, DONE)) {
        const wait = Atomics.waitAsync(ctl, DONE, done);
        if (wait.async) await wait.value;
      }
    } finally {
      if (--this.#awaiting === 0) this.#writer!.unref();
    }
  }

  // Turns a write failure the writer thread described into the sink's failure; true if it is new.
  #noticeWriterFailure(): boolean {
    const ctl = this.#ctl;
    if (ctl === undefined || this.#failure !== null || Atomics.load(ctl, FAILED) !== 1) return false;
    // At most ~1.3 kB of JSON (see WRITER_SOURCE: 200 characters of message, 6 bytes each at worst):
    // it fits the error area whole.
    const text = new TextDecoder().decode(this.#errorArea!.subarray(0, Atomics.load(ctl, ERROR_LENGTH)));
    const { code, message, off, length } = JSON.parse(text) as { code?: string; message: string; off: number; length: number };
    const cause = Object.assign(new Error(message), code === undefined ? {} : { code });
    this.#fail(osError(this.path, off > 0 ? `write (after ${off} of ${length} bytes)` : 'write', cause));
    return true;
  }

  // A failure of a batch handed over is reported as soon as the writer is done with it, to onError
  // or, without one, by the next append, flush or close (and loudly at exit if none comes).
  #watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    void this.#writerDone().then(() => {
      this.#watching = false;
      if (this.#noticeWriterFailure()) this.#reportBackground(this.#failure!);
      else if (this.#busy()) this.#watch();
    });
  }

  // Group commit: write everything queued in one write(), sync, settle those appends; repeat while
  // appends arrived during the sync.
  async #commitLoop(): Promise<void> {
    while (this.#buffered > 0) {
      const waiters = this.#waiters;
      this.#waiters = [];
      try {
        this.#write();
        try {
          await fdatasync(this.#fd);
        } catch (e) {
          throw this.#fail(osError(this.path, 'fdatasync', e));
        }
        this.#stats.syncs += 1;
        for (const w of waiters) w.resolve();
      } catch (e) {
        for (const w of waiters) w.reject(e);
        // Appends queued behind a failure fail too.
        const rest = this.#waiters;
        this.#waiters = [];
        this.#discardBuffered();
        for (const w of rest) w.reject(e);
        break;
      }
    }
    this.#running = null;
  }

  // At process exit (batched mode, not closed): write what is buffered; never exit quietly over a
  // lost event.
  #exitSync(): void {
    // The writer thread still runs while exit listeners do: let it finish the batch it holds.
    this.#writerDoneSync();
    if (this.#noticeWriterFailure()) this.#unreported = true;
    if (this.#failure) {
      if (this.#unreported) {
        console.error(`policygate-capital: ${this.#failure.message} (events lost; the failure was never reported: no append, flush or close followed it)`);
        process.exitCode = 1;
      }
      return;
    }
    if (this.#buffered === 0) return;
    try {
      this.#write();
    } catch (e) {
      console.error(`policygate-capital: ${(e as Error).message} (at exit; events lost)`);
      process.exitCode = 1;
    }
  }
}

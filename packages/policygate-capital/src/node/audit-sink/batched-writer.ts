// Batched mode: `append` buffers and returns at once; lines are written in batches (one write per
// batch) and synced on `flush`/`close`. A batch that reaches `maxBatchBytes`, or a turn's batch
// larger than INLINE_BYTES, is written by a writer thread; the lines of an event-loop turn, when
// fewer, by the appending thread itself. `written()` is a promise of the lines appended so far
// being written (policygate-serve answers a decision only then).
//
// Why a thread: a batch's write() into the page cache costs 0.25–2.6 ms of CPU per MiB (the high end
// where the OS must find fresh memory: a long-running logger's steady state on a VM); done on the
// appending thread it stalled every ~360th append of a 2.9 kB line that long, and capped the rate at
// the sum of both costs. The appending thread hands each full batch to the thread (writer-thread.ts)
// and goes on serializing into a second buffer; it waits only when that buffer fills before the
// previous batch is written (backpressure). Batches are handed over one at a time and every other
// write of the sink happens while the thread is idle, so lines stay in append order.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AuditWriteError } from '../../audit/errors.js';
import { ALIVE, BUFFER, CONTROL_WORDS, DONE, ERROR_BYTES, ERROR_LENGTH, FAILED, HANDED, LENGTH, type WriteFailure, type WriterThreadData } from './control.js';
import { osError, type SinkState } from './sink-state.js';
import type { SinkWriter } from './writer.js';

// A turn's batch up to this size is written by the appending thread itself (#backgroundWrite): a
// write() of 64 KiB costs it 16–170 µs (see above), while handing a batch to the thread cost the
// process ≈ 5 µs of CPU per event at 16 events a batch (in process: the thread's wake-up and sleep
// around a 12 µs write of 20 kB, and this thread's part of the hand-off).
const INLINE_BYTES = 64 << 10;

// A thread that has not started after this long will not (e.g. the OS refused to create it).
const THREAD_START_MS = 10_000;

/** A promise of some lines being written, and its settlers. */
interface Waiting {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Hands batches of lines to a writer thread; the sink's thread only serializes. */
export class BatchedWriter implements SinkWriter {
  readonly #state: SinkState;
  readonly #maxBatchBytes: number;
  // The writer thread (started at the first batch), its control words and error area, the sequence
  // number of the last batch handed to it, and the buffer it holds or last held.
  #thread: Worker | undefined;
  #ctl: Int32Array | undefined;
  #errorArea: Uint8Array | undefined;
  #handed = 0;
  // The buffer last sent to the thread for odd and for even batches: a batch in the same buffer
  // as two batches before (the sink alternates two buffers) is handed over without a message.
  readonly #sent: (SharedArrayBuffer | undefined)[] = [undefined, undefined];
  #spare: Buffer | undefined;
  #watching = false;
  // Those waiting (written()) for the lines now in the buffer: settled once those lines are written.
  #waiting: Waiting | undefined;
  #awaiting = 0;
  #scheduled = false;
  #stopped = false;

  constructor(state: SinkState, maxBatchBytes: number) {
    this.#state = state;
    this.#maxBatchBytes = maxBatchBytes;
  }

  appended(): void {
    if (this.#state.lines.length >= this.#maxBatchBytes) {
      this.#handOff();
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#backgroundWrite());
    }
  }

  written(): Promise<void> | undefined {
    const state = this.#state;
    if (state.failure) return Promise.reject(state.failure);
    // Every line is written, or held by the thread (whose batch is done when it is idle).
    if (state.lines.length === 0) return this.#busy() ? this.#idle() : undefined;
    if (this.#waiting === undefined) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#waiting = { promise, resolve, reject };
    }
    return this.#waiting.promise;
  }

  async flush(): Promise<void> {
    // Until the thread is idle *here*: while this waited, a background write may have handed it
    // more lines (appended before this call), and the sync must come after them.
    const state = this.#state;
    try {
      do await this.#idle();
      while (this.#busy());
      state.throwIfFailed();
    } catch (e) {
      this.#settle(e); // the buffered lines will not be written
      throw e;
    }
    if (state.lines.length > 0) this.#writeHere(); // the thread is idle: this write lands after its batches
    await state.sync();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#thread) {
      await this.#idle().catch(() => {}); // idle already, unless the flush failed
      await this.#thread.terminate();
    }
  }

  /**
   * At process exit (only when the sink was opened with `flushOnExit`): lets the thread finish the
   * batch it holds, then writes what is buffered, synchronously and without a sync. A failure is
   * reported at once (`onError`, or a warning printed before the process ends).
   */
  exitSync(): void {
    if (this.#stopped) return;
    const state = this.#state;
    this.#threadDoneSync();
    if (this.#noticeThreadFailure()) {
      state.report(state.failure!, true);
      return;
    }
    if (state.failure || state.lines.length === 0) return; // a failure was reported when it happened
    try {
      state.writeSync();
    } catch (e) {
      state.report(e as AuditWriteError, true);
    }
  }

  #backgroundWrite(): void {
    this.#scheduled = false;
    const state = this.#state;
    if (state.failure) {
      this.#settle(state.failure);
      return;
    }
    if (this.#stopped || state.lines.length === 0) return;
    if (this.#busy()) {
      // Not worth blocking the event loop for: hand the lines over once the thread is done.
      this.#scheduled = true;
      void this.#threadDone().then(() => this.#backgroundWrite());
      return;
    }
    try {
      // A turn's lines (a few kB under a service's load) are written here: waking the thread for
      // them cost more CPU than the write itself (see INLINE_BYTES).
      if (state.lines.length <= INLINE_BYTES) this.#writeHere();
      else this.#handOff();
    } catch (e) {
      state.report(e as AuditWriteError);
    }
  }

  // Writes the buffered lines on this thread (the writer thread is idle) and settles their waiters.
  #writeHere(): void {
    try {
      this.#state.writeSync();
    } catch (e) {
      this.#settle(e);
      throw e;
    }
    this.#settle();
  }

  // The waiters for the lines buffered now, taken: those lines are being written, or never will be.
  #takeWaiting(): Waiting | undefined {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    return waiting;
  }

  #settle(error?: unknown): void {
    const waiting = this.#takeWaiting();
    if (waiting === undefined) return;
    if (error === undefined) waiting.resolve();
    else waiting.reject(error);
  }

  // Hands the buffered lines to the thread, first waiting (blocking) for the batch it holds, if any,
  // to be written; the appends go on into the other buffer.
  #handOff(): void {
    const state = this.#state;
    let thread: Worker;
    try {
      state.throwIfFailed();
      if (state.lines.length === 0) return;
      this.#waitForThread();
      thread = this.#startThread();
    } catch (e) {
      this.#settle(e); // these lines will not be written
      throw e;
    }
    const length = state.lines.length;
    const full = state.lines.swap(this.#spare);
    const buffer = full.buffer as SharedArrayBuffer;
    const parity = ++this.#handed & 1;
    const ctl = this.#ctl!;
    // The thread is idle (waited for above): the words are set for it, then HANDED wakes it.
    if (this.#sent[parity] === buffer) Atomics.store(ctl, BUFFER, 0);
    else {
      thread.postMessage(buffer);
      Atomics.store(ctl, BUFFER, 1);
      this.#sent[parity] = buffer;
    }
    Atomics.store(ctl, LENGTH, length);
    Atomics.store(ctl, HANDED, this.#handed);
    Atomics.notify(ctl, HANDED);
    state.stats.writes += 1;
    this.#spare = full;
    this.#watch();
    // The waiters for these lines: settled once the thread has written them.
    const waiting = this.#takeWaiting();
    if (waiting !== undefined) this.#idle().then(waiting.resolve, waiting.reject);
  }

  #startThread(): Worker {
    if (this.#thread) return this.#thread;
    const state = this.#state;
    const ctl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT));
    const errorArea = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
    const workerData: WriterThreadData = { fd: state.fd, ctl, error: errorArea };
    let thread: Worker;
    try {
      // The thread's module, built beside this one (rollup entry `node/audit-sink/writer-thread`); the
      // literal `new URL('./…', import.meta.url)` is the form bundlers and the package tests follow.
      const url = new URL('./writer-thread.js', import.meta.url);
      // Checked here, so a missing file is a clear error now, not a thread that never starts.
      if (!existsSync(url)) throw new Error(`the writer thread's module is missing: ${fileURLToPath(url)}`);
      thread = new Worker(url, { workerData, name: 'policygate-capital audit writer' });
    } catch (e) {
      throw state.fail(osError(state.path, 'write (starting the writer thread)', e));
    }
    thread.unref(); // an idle thread does not keep the process alive; an awaited one does (#threadDone)
    thread.on('error', (e) => this.#threadStopped(e));
    thread.on('exit', (code) => {
      if (!this.#stopped) this.#threadStopped(new Error(`the writer thread stopped (exit code ${code})`));
    });
    this.#ctl = ctl;
    this.#errorArea = errorArea;
    return (this.#thread = thread);
  }

  // The thread died or never started (it should not: it only calls write()). The sink fails: what
  // the thread held is lost, and it must write nothing more should it start late.
  #threadStopped(cause: unknown): void {
    const ctl = this.#ctl!;
    Atomics.compareExchange(ctl, FAILED, 0, 2);
    const state = this.#state;
    const error = state.fail(osError(state.path, 'write', cause));
    Atomics.store(ctl, DONE, this.#handed);
    Atomics.notify(ctl, DONE);
    if (error === state.failure) state.report(error);
  }

  #busy(): boolean {
    return this.#ctl !== undefined && Atomics.load(this.#ctl, DONE) !== this.#handed;
  }

  // Blocks until the thread has written every batch handed to it; throws its failure.
  #waitForThread(): void {
    this.#threadDoneSync();
    this.#noticeThreadFailure();
    this.#state.throwIfFailed();
  }

  #threadDoneSync(): void {
    const ctl = this.#ctl;
    if (ctl === undefined) return;
    for (let done = Atomics.load(ctl, DONE); done !== this.#handed; done = Atomics.load(ctl, DONE)) {
      // Blocked here, this thread cannot hear the thread's 'error' event: check that it started.
      if (Atomics.wait(ctl, DONE, done, THREAD_START_MS) === 'timed-out' && Atomics.load(ctl, ALIVE) === 0) {
        this.#threadStopped(new Error(`the writer thread did not start within ${THREAD_START_MS / 1000} s`));
      }
    }
  }

  // The same, without blocking the event loop.
  async #idle(): Promise<void> {
    await this.#threadDone();
    this.#noticeThreadFailure();
    this.#state.throwIfFailed();
  }

  async #threadDone(): Promise<void> {
    const ctl = this.#ctl;
    if (ctl === undefined || Atomics.load(ctl, DONE) === this.#handed) return;
    // Awaited, a busy thread keeps the process alive (Atomics.waitAsync alone does not).
    if (this.#awaiting++ === 0) this.#thread!.ref();
    try {
      for (let done = Atomics.load(ctl, DONE); done !== this.#handed; done = Atomics.load(ctl, DONE)) {
        const wait = Atomics.waitAsync(ctl, DONE, done);
        if (wait.async) await wait.value;
      }
    } finally {
      // Not once stopping: `terminate()` refs the thread until it has exited, and a waiter woken
      // late (V8 may run a waitAsync wake-up after later promise jobs) must not undo that: with the
      // thread unref'd the process could end with `close()` unsettled (exit code 13).
      if (--this.#awaiting === 0 && !this.#stopped) this.#thread!.unref();
    }
  }

  // Turns a write failure the thread described into the sink's failure; true if it is new.
  #noticeThreadFailure(): boolean {
    const ctl = this.#ctl;
    const state = this.#state;
    if (ctl === undefined || state.failure !== null || Atomics.load(ctl, FAILED) !== 1) return false;
    const text = new TextDecoder().decode(this.#errorArea!.subarray(0, Atomics.load(ctl, ERROR_LENGTH)));
    const { code, message, off, length } = JSON.parse(text) as WriteFailure;
    const cause = Object.assign(new Error(message), code === undefined ? {} : { code });
    state.fail(osError(state.path, off > 0 ? `write (after ${off} of ${length} bytes)` : 'write', cause));
    return true;
  }

  // A failure of a batch handed over is reported as soon as the thread is done with it: to onError,
  // or as a process warning (see SinkState.report); the next append, flush or close throws it too.
  #watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    void this.#threadDone().then(() => {
      this.#watching = false;
      if (this.#noticeThreadFailure()) this.#state.report(this.#state.failure!);
      else if (this.#busy()) this.#watch();
    });
  }
}

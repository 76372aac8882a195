// What the batched writer and its writer thread share: the layout of the control words and the
// messages. Shared control words: DONE (the sequence number of the last batch finished), FAILED (1: a
// write failed, described in the shared error area; 2: the sink gave up on the thread: write
// nothing), ERROR_LENGTH (of that description), ALIVE (1 once the thread runs).

/** Index of the sequence number of the last batch the thread finished. */
export const DONE = 0;
/** Index of the failure word: 0 fine, 1 a write failed (described in the error area), 2 given up. */
export const FAILED = 1;
/** Index of the length in bytes of the failure description. */
export const ERROR_LENGTH = 2;
/** Index of the word the thread sets to 1 once it runs. */
export const ALIVE = 3;
/** Number of control words. */
export const CONTROL_WORDS = 4;
/** Bytes of the shared error area (a description is at most ~1.3 kB of JSON: it fits whole). */
export const ERROR_BYTES = 4096;

/** What the thread is started with (`workerData`). */
export interface WriterThreadData {
  /** The audit file, opened with O_APPEND by the sink (the thread never closes it). */
  fd: number;
  /** The control words (Int32Array over a SharedArrayBuffer of {@link CONTROL_WORDS} words). */
  ctl: Int32Array;
  /** Where the thread describes a failed write, as JSON ({@link WriteFailure}). */
  error: Uint8Array;
}

/**
 * One batch handed to the thread: `length` bytes of whole lines at the start of a shared buffer.
 * Batches are numbered 1, 2, 3, … by the order they are handed over; a batch in the same buffer
 * as the batch two before it is handed over as its length alone (a number).
 */
export interface Batch {
  buffer: SharedArrayBuffer;
  length: number;
}

/** A failed write, as the thread describes it in the error area. */
export interface WriteFailure {
  code?: string;
  message: string;
  /** Bytes written before the failure. */
  off: number;
  length: number;
}

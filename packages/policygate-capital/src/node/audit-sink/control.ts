// What the batched writer and its writer thread share: the layout of the control words. The sink
// hands a batch over by setting LENGTH, BUFFER and then HANDED (the batch's sequence number: 1, 2,
// 3, …) and waking the thread, which waits on HANDED; the thread writes the batch, sets DONE to its
// number and wakes whoever waits on DONE. One batch is in flight at a time: the sink writes LENGTH
// and BUFFER only while the thread is idle (DONE = HANDED). A batch whose buffer the thread does
// not hold yet (BUFFER = 1) comes with a message holding that buffer, posted before HANDED is set;
// the thread takes it with receiveMessageOnPort. FAILED: 1 a write failed, described in the shared
// error area (ERROR_LENGTH bytes); 2 the sink gave up on the thread, which must write nothing more.
// ALIVE: 1 once the thread runs.

/** Index of the sequence number of the last batch the thread finished. */
export const DONE = 0;
/** Index of the failure word: 0 fine, 1 a write failed (described in the error area), 2 given up. */
export const FAILED = 1;
/** Index of the length in bytes of the failure description. */
export const ERROR_LENGTH = 2;
/** Index of the word the thread sets to 1 once it runs. */
export const ALIVE = 3;
/** Index of the sequence number of the last batch handed to the thread. */
export const HANDED = 4;
/** Index of the length in bytes of the batch handed over. */
export const LENGTH = 5;
/** Index of the word saying whether the batch handed over comes in a new buffer (1), posted as a message. */
export const BUFFER = 6;
/** Number of control words. */
export const CONTROL_WORDS = 7;
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

/** A failed write, as the thread describes it in the error area. */
export interface WriteFailure {
  code?: string;
  message: string;
  /** Bytes written before the failure. */
  off: number;
  length: number;
}

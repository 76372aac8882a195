// The batched FileAuditSink's writer thread (a worker_threads module, built as its own file and
// started by batched-writer.ts from its URL). It waits on the shared control words (control.ts)
// for the next batch, writes it with write() calls on the sink's O_APPEND descriptor, then
// publishes the batch's sequence number in DONE and wakes whoever waits for it. A failed write is
// described in the shared error area and every later batch is dropped (the sink is failed: it must
// not write lines after a gap).
//
// Why a loop on Atomics.wait rather than a 'message' listener: a message per batch cost the sink's
// thread a postMessage and this one the port's event dispatch (≈ 1 µs per event of both threads'
// CPU, in-process at 16 events a batch); here a batch costs a futex wake, and a message comes only
// with a new buffer. The loop blocks this thread's event loop for good, which it does not need:
// `terminate()` ends it.
import { writeSync } from 'node:fs';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { ALIVE, BUFFER, DONE, ERROR_LENGTH, FAILED, HANDED, LENGTH, type WriteFailure, type WriterThreadData } from './control.js';

const { fd, ctl, error } = workerData as WriterThreadData;
const port = parentPort!;
Atomics.store(ctl, ALIVE, 1);

// The buffers of the last odd and even batches (the sink alternates two), and the last batch's number.
const buffers: (SharedArrayBuffer | undefined)[] = [undefined, undefined];
let seq = 0;

for (;;) {
  Atomics.wait(ctl, HANDED, seq);
  if (Atomics.load(ctl, HANDED) === seq) continue; // woken without a batch
  seq += 1;
  const parity = seq & 1;
  let off = 0;
  let length = 0;
  try {
    if (Atomics.load(ctl, BUFFER) === 1) buffers[parity] = receiveMessageOnPort(port)!.message as SharedArrayBuffer;
    if (Atomics.load(ctl, FAILED) === 0) {
      length = Atomics.load(ctl, LENGTH);
      const bytes = new Uint8Array(buffers[parity]!, 0, length);
      while (off < length) off += writeSync(fd, bytes, off, length - off);
    }
  } catch (e) {
    // Any failure of a batch (not only write()'s) is described: the sink must never wait on a thread that died.
    if (Atomics.load(ctl, FAILED) === 0) describe(e, off, length);
  }
  Atomics.store(ctl, DONE, seq);
  Atomics.notify(ctl, DONE);
}

function describe(e: unknown, off: number, length: number): void {
  const err = e as NodeJS.ErrnoException | null;
  const failure: WriteFailure = {
    ...(typeof err?.code === 'string' && { code: err.code.slice(0, 40) }),
    message: String(err?.message ?? e).slice(0, 200),
    off,
    length,
  };
  Atomics.store(ctl, ERROR_LENGTH, new TextEncoder().encodeInto(JSON.stringify(failure), error).written);
  Atomics.store(ctl, FAILED, 1);
}

// The batched FileAuditSink's writer thread (a worker_threads module, built as its own file and
// started by batched-writer.ts from its URL). It writes each batch it is handed with write() calls
// on the sink's O_APPEND descriptor, then publishes the batch's sequence number in DONE and wakes
// whoever waits for it. A failed write is described in the shared error area and every later batch
// is dropped (the sink is failed: it must not write lines after a gap).
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { ALIVE, DONE, ERROR_LENGTH, FAILED, type Batch, type WriteFailure, type WriterThreadData } from './control.js';

const { fd, ctl, error } = workerData as WriterThreadData;
Atomics.store(ctl, ALIVE, 1);

// The buffers of the last odd and even batches (see Batch), and the number of the last batch.
const buffers: (SharedArrayBuffer | undefined)[] = [undefined, undefined];
let seq = 0;

parentPort!.on('message', (batch: Batch | number) => {
  const parity = ++seq & 1;
  if (typeof batch !== 'number') buffers[parity] = batch.buffer;
  if (Atomics.load(ctl, FAILED) === 0) {
    const length = typeof batch === 'number' ? batch : batch.length;
    let off = 0;
    try {
      const bytes = new Uint8Array(buffers[parity]!, 0, length);
      while (off < length) off += writeSync(fd, bytes, off, length - off);
    } catch (e) {
      describe(e, off, length);
    }
  }
  Atomics.store(ctl, DONE, seq);
  Atomics.notify(ctl, DONE);
});

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

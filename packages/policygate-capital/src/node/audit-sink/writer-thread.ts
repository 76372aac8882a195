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

parentPort!.on('message', ({ buffer, length, seq }: Batch) => {
  if (Atomics.load(ctl, FAILED) === 0) {
    const bytes = new Uint8Array(buffer, 0, length);
    let off = 0;
    try {
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

// A separate process (bundled by worker.ts) for the batched writer's stop: a batch is handed to the
// writer thread and waited for synchronously, so the wake-up of the sink's background watcher
// (an Atomics.waitAsync) is still queued when `stop()` terminates the thread. That wake-up must not
// unref the terminating thread: if it did, the event loop could end before the thread's exit and
// the process would end with `stop()` unsettled (exit code 13). Prints "stopped" when it resolves.
import { openSync } from 'node:fs';
import { BatchedWriter } from '../../packages/policygate-capital/src/node/audit-sink/batched-writer.js';
import { LineBuffer } from '../../packages/policygate-capital/src/node/audit-sink/line-buffer.js';
import { SinkState } from '../../packages/policygate-capital/src/node/audit-sink/sink-state.js';

const path = process.argv[2]!;
const lines = new LineBuffer(true, 1);
const state = new SinkState(path, openSync(path, 'a'), lines, undefined);
const writer = new BatchedWriter(state, 1);
lines.encode('{"n":1}');
writer.appended(); // a full batch: handed to the thread at once, and watched
writer.exitSync(); // waits (blocking) until the thread has written it; the watcher's wake-up is queued
await writer.stop();
process.stdout.write('stopped\n');

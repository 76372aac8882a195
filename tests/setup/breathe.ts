// After every test, one turn of the event loop for the Vitest worker. Its reports to the runner
// (birpc, a fixed 60 s timeout) are answered in the poll phase; a file of long synchronous property
// tests (tests/hostile/*, 80 s of fast-check on a loaded 2-core machine) otherwise never reaches it,
// and the run ends with "Timeout calling onTaskUpdate" although every test passed. setImmediate runs
// after the poll phase, so awaiting it lets the worker read the replies between two tests.
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

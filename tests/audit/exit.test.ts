// What a batched FileAuditSink does when its process ends without close(). By default it adds no
// process-wide hook: what is buffered at process.exit() is not written. With `flushOnExit` its exit
// listener writes it. A background write failure nobody was told of is printed as a warning
// (ERR_AUDIT_WRITE); the sink never sets the process's exit code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuditLog } from '../../packages/policygate-capital/src/audit/index.js';
import { REFERENCE_POLICY, bundleWorker } from './worker.js';

const dir = mkdtempSync(join(tmpdir(), 'pg-audit-exit-'));
let worker: string;
beforeAll(async () => {
  worker = await bundleWorker();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (config: object) => spawnSync(process.execPath, [worker, JSON.stringify({ policyPath: REFERENCE_POLICY, mode: 'batched', ...config })], { encoding: 'utf8' });

describe('a batched FileAuditSink at process exit', () => {
  it('with flushOnExit, writes the lines still buffered when the process exits without close()', async () => {
    const path = join(dir, 'unflushed.jsonl');
    const r = run({ task: 'exit-unflushed', path, count: 50, flushOnExit: true });
    expect(r.status, r.stderr).toBe(0);
    const { head, stats } = JSON.parse(r.stdout);
    expect(stats.writes).toBe(0); // nothing had been written when process.exit was called
    const log = await readAuditLog(readFileSync(path, 'utf8'), { expectedHeads: [head] });
    expect(log.events).toHaveLength(50);
    expect(log.errors).toEqual([]);
    expect(log.chainBreaks).toEqual([]);
  });

  it('without flushOnExit, adds no exit listener and writes nothing at process.exit() (close() is the caller’s job)', () => {
    const path = join(dir, 'unflushed-default.jsonl');
    const r = run({ task: 'exit-unflushed', path, count: 50 });
    expect(r.status, r.stderr).toBe(0); // the worker checks that no exit listener was added
    expect(JSON.parse(r.stdout).stats.writes).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(r.stderr).toBe('');
  });

  it('with flushOnExit, lets the writer thread finish the batch it holds, then writes the lines still buffered after it', async () => {
    const path = join(dir, 'in-flight.jsonl');
    const r = run({ task: 'exit-in-flight', path, flushOnExit: true });
    expect(r.status, r.stderr).toBe(0);
    const { head, stats, count } = JSON.parse(r.stdout);
    expect(stats.writes).toBe(1); // one 16 MiB batch handed over, 3 events buffered, then process.exit
    const log = await readAuditLog(readFileSync(path, 'utf8'), { expectedHeads: [head] });
    expect(log.errors).toEqual([]);
    expect(log.chainBreaks).toEqual([]);
    expect(log.events.map((e) => e.event.intent.intent_id)).toEqual(Array.from({ length: count }, (_, k) => `x${k}`));
  });

  it('prints a warning naming the failure when a background write failed and nobody was told, and leaves the exit code alone', () => {
    const r = run({ task: 'exit-after-failure', path: '/dev/full' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/\[ERR_AUDIT_WRITE\] PolicyGateAuditWarning: audit write failed: \/dev\/full: write: ENOSPC.*\(events lost; no onError was given/);
  });
});

// The rare exit code 13 of a batched appender in the multi-process test (concurrency.test.ts), made
// deterministic: a watcher's wake-up that ran after close() began terminating the writer thread
// unref'd it, and the process ended with close() unsettled. Exit 13 on every run before the fix.
describe('a batched writer stopped while a wake-up is queued', () => {
  let lateWake: string;
  beforeAll(async () => {
    lateWake = await bundleWorker(new URL('./late-wake-worker.ts', import.meta.url));
  });

  it('keeps the process alive until the writer thread has exited, and stop() resolves', () => {
    for (let run = 0; run < 3; run++) {
      const path = join(dir, `late-wake-${run}.jsonl`);
      const r = spawnSync(process.execPath, [lateWake, path], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe('stopped\n');
      expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n');
    }
  });
});

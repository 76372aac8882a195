// 4 Node processes append 2,000 events each to one file at the same moment: 8,000 whole lines, no
// line interleaved or lost, 4 intact chains, every event replayable.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../packages/policygate-capital/src/index.js';
import { readAuditLog, replayAuditLog, type ChainHead } from '../../packages/policygate-capital/src/audit/index.js';
import { REFERENCE_POLICY, bundleWorker } from './worker.js';

const WORKERS = 4;
const EACH = 2000;
const dir = mkdtempSync(join(tmpdir(), 'pg-audit-concurrency-'));
let worker: string;
beforeAll(async () => {
  worker = await bundleWorker();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  ready: Promise<void>;
  done: Promise<{ head: ChainHead; stats: { events: number; writes: number; syncs: number } }>;
  go: () => void;
}

function start(config: object): Started {
  const child = spawn(process.execPath, [worker, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let readyResolve!: () => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => ((readyResolve = resolve), (readyReject = reject)));
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    if (err.includes('ready')) readyResolve();
  });
  const done = new Promise<any>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) return resolve(JSON.parse(out));
      const e = new Error(`worker exited ${code}: ${err}`);
      readyReject(e);
      reject(e);
    });
  });
  return { ready, done, go: () => child.stdin.end('go\n') };
}

describe('several processes appending to one audit file', () => {
  it(`${WORKERS} processes × ${EACH} events (2 durable with group commit, 2 batched writing every line alone) → ${WORKERS * EACH} valid lines`, async () => {
    const path = join(dir, 'shared.jsonl');
    const workers = Array.from({ length: WORKERS }, (_, w) =>
      start({
        task: 'append',
        path,
        policyPath: REFERENCE_POLICY,
        worker: w,
        count: EACH,
        ...(w % 2 === 0 ? { mode: 'durable', inFlight: 16 } : { mode: 'batched', inFlight: 1, maxBatchBytes: 1 }),
      }),
    );
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    const results = await Promise.all(workers.map((w) => w.done));

    // Every worker wrote what it was asked to, the batched ones one write() per line.
    for (const [w, r] of results.entries()) {
      expect(r.stats.events).toBe(EACH);
      if (w % 2 === 1) expect(r.stats.writes).toBe(EACH);
      else expect(r.stats.syncs).toBeLessThan(EACH);
    }

    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(WORKERS * EACH + 1);
    const log = await readAuditLog(text, { expectedHeads: results.map((r) => r.head) });
    expect(log.errors).toEqual([]);
    expect(log.events).toHaveLength(WORKERS * EACH);
    expect(log.chainBreaks).toEqual([]);
    expect(log.chains.map((c) => c.events).sort()).toEqual(Array(WORKERS).fill(EACH));
    expect(new Set(log.events.map((e) => e.event.intent.intent_id)).size).toBe(WORKERS * EACH);
    // The writers really ran at the same time: their lines interleave in the file.
    const switches = log.events.filter((e, k) => k > 0 && e.event.chain_id !== log.events[k - 1]!.event.chain_id).length;
    expect(switches).toBeGreaterThan(WORKERS);

    const engine = await PolicyEngine.fromYaml(readFileSync(REFERENCE_POLICY, 'utf8'));
    const summary = await replayAuditLog(text, engine);
    expect(summary).toMatchObject({ total: WORKERS * EACH, matched: WORKERS * EACH, ok: true });
  });
});

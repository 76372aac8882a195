// Audit faults: a full disk (/dev/full: ENOSPC), a read-only file and directory, a missing
// directory; a crash that tears the last line; a writer killed while others append. The audit trail
// must fail loudly (an AuditWriteError naming the file and the OS reason), fail closed when asked
// (failClosedOnAuditError → DENY), and lose nothing it acknowledged.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PolicyEngine, type Decision } from '../../packages/policygate-capital/src/index.js';
import { AuditWriteError, createAuditedEvaluator, readAuditLog, replayAuditLog, serializeAuditEvent, buildAuditEvent, type ChainHead } from '../../packages/policygate-capital/src/audit/index.js';
import { FileAuditSink, type FileAuditSinkMode } from '../../packages/policygate-capital/src/node/index.js';
import { CONFORMANCE_DIR, readText } from '../conformance/cases.js';
import { bundleWorker } from '../audit/worker.js';
import { makeIntent, TS } from './arbitraries.js';

const POLICY_PATH = CONFORMANCE_DIR + 'reference-policy.yaml';
const POLICY = readText('reference-policy.yaml');
const dir = mkdtempSync(join(tmpdir(), 'pg-hostile-audit-'));
chmodSync(dir, 0o755);
let engine: PolicyEngine;
let lenient: PolicyEngine; // monitor mode, defaults.decision allow: the engine alone would ALLOW anything
let worker: string;

beforeAll(async () => {
  engine = await PolicyEngine.fromYaml(POLICY);
  lenient = await PolicyEngine.fromYaml(POLICY.replace('mode: "enforce"', 'mode: "monitor"').replace('decision: "deny"', 'decision: "allow"'));
  // The worker runs as plain `node` (and as another user): bundle it with the SDK's sources.
  worker = await bundleWorker(new URL('./fixtures/audit-worker.ts', import.meta.url));
});
// Appenders append until killed: a failed test must not leave one running.
const appenders = new Set<ChildProcess>();
afterAll(() => {
  for (const child of appenders) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const portfolio = { equity: 1e6, start_of_day_equity: 1e6, peak_equity: 1e6, positions: { AAPL: 10 }, realized_pnl_today: 0, unrealized_pnl: 0 };
const market = { timestamp: TS, prices: { AAPL: 200, MSFT: 400 } };
/** An order the policy allows. */
const order = (k = 0) => makeIntent('AAPL', 'buy', 1 + k, 'momentum_v1');

/** The rejection of a promise (fails when it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

function expectAuditWriteError(e: unknown, path: string, osCode: string): void {
  expect(e).toBeInstanceOf(AuditWriteError);
  const err = e as AuditWriteError;
  expect(err.code).toBe('ERR_AUDIT_WRITE');
  expect(err.path).toBe(path);
  expect(err.osCode).toBe(osCode);
  expect(err.message).toContain(path);
  expect(err.message).toContain(osCode);
}

function expectFailClosed(d: Decision, osCode: string): void {
  expect(d.decision).toBe('DENY');
  expect(d.modified_intent).toBeNull();
  expect(d.violations).toHaveLength(1);
  expect(d.violations[0]).toMatchObject({ rule_id: 'SYS-002', severity: 'CRIT' });
  expect(d.violations[0]!.message).toMatch(/^Evaluation error: audit write failed: /);
  expect(d.violations[0]!.message).toContain(osCode);
}

describe('a full disk (/dev/full: every write fails with ENOSPC)', () => {
  it('the engine alone allows these orders (so a DENY below comes from the audit failure)', () => {
    expect(engine.evaluate(order(), portfolio, market).decision).toBe('ALLOW');
    expect(lenient.evaluate(makeIntent('AAPL', 'buy', 1e6), portfolio, market).decision).toBe('ALLOW');
  });

  it('durable: the audited call rejects with an AuditWriteError naming /dev/full and ENOSPC', async () => {
    const sink = await FileAuditSink.open('/dev/full', { mode: 'durable' });
    const audited = createAuditedEvaluator(engine, sink);
    expectAuditWriteError(await rejection(audited(order(), portfolio, market)), '/dev/full', 'ENOSPC');
    // The sink stays failed: the next order is refused too, not written to a file in an unknown state.
    expectAuditWriteError(await rejection(audited(order(1), portfolio, market)), '/dev/full', 'ENOSPC');
    await expect(sink.close()).rejects.toBeInstanceOf(AuditWriteError);
  });

  it('durable + failClosedOnAuditError: DENY with SYS-002 naming ENOSPC, even under a monitor-mode, allow-by-default policy', async () => {
    for (const e of [engine, lenient]) {
      const sink = await FileAuditSink.open('/dev/full', { mode: 'durable' });
      const audited = createAuditedEvaluator(e, sink, { failClosedOnAuditError: true });
      const results = await Promise.all(Array.from({ length: 20 }, (_, k) => audited(order(k), portfolio, market)));
      for (const d of results) expectFailClosed(d, 'ENOSPC');
      expectFailClosed(await audited(makeIntent('AAPL', 'buy', 1e6), portfolio, market), 'ENOSPC');
      await sink.close().catch(() => {});
    }
  });

  it('batched + failClosedOnAuditError: once the background write fails every order is DENY, onError hears of it, flush and close throw', async () => {
    const errors: AuditWriteError[] = [];
    const sink = await FileAuditSink.open('/dev/full', { mode: 'batched', onError: (e) => errors.push(e) });
    const audited = createAuditedEvaluator(engine, sink, { failClosedOnAuditError: true });
    // Batched mode answers before the line is written (documented: faster, weaker): this first
    // order's event is the one at risk, and onError is how the application learns it was lost.
    await audited(order(), portfolio, market);
    // The event loop turns: the line goes to the sink's writer thread, whose write fails.
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expectAuditWriteError(errors[0], '/dev/full', 'ENOSPC');
    for (let k = 0; k < 5; k++) expectFailClosed(await audited(order(k), portfolio, market), 'ENOSPC');
    expectAuditWriteError(await rejection(sink.flush()), '/dev/full', 'ENOSPC');
    expectAuditWriteError(await rejection(sink.close()), '/dev/full', 'ENOSPC');
  });
});

describe('a missing directory, a directory, a read-only file', () => {
  it('a missing directory: open fails with ENOENT naming the path (no evaluator can be built on it)', async () => {
    const path = join(dir, 'no', 'such', 'dir', 'audit.jsonl');
    expectAuditWriteError(await rejection(FileAuditSink.open(path)), path, 'ENOENT');
  });

  it('a directory where the file should be: EISDIR naming the path', async () => {
    const path = join(dir, 'is-a-dir');
    mkdirSync(path);
    expectAuditWriteError(await rejection(FileAuditSink.open(path)), path, 'EISDIR');
  });

  it('a read-only file and a read-only directory refuse the writer: EACCES naming the path', () => {
    // Root ignores permission bits, so as root the opener runs as `nobody` (uid/gid 65534): the
    // refusal is the kernel's, not simulated.
    const asRoot = process.getuid?.() === 0;
    const file = join(dir, 'readonly.jsonl');
    writeFileSync(file, '');
    chmodSync(file, 0o444);
    const roDir = join(dir, 'readonly-dir');
    mkdirSync(roDir);
    chmodSync(roDir, 0o555);
    for (const path of [file, join(roDir, 'audit.jsonl')]) {
      const r = spawnSync(process.execPath, [worker, JSON.stringify({ task: 'open', path, policyPath: POLICY_PATH })], {
        encoding: 'utf8',
        ...(asRoot && { uid: 65534, gid: 65534 }),
      });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, name: 'AuditWriteError', code: 'ERR_AUDIT_WRITE', osCode: 'EACCES', path });
    }
  });
});

/** Starts an appending worker; resolves `acked` ids as the worker reports them. */
function startAppender(path: string, runId: string, mode: FileAuditSinkMode, paceMs?: number) {
  const config = { task: 'append', path, policyPath: POLICY_PATH, mode, inFlight: 8, runId, paceMs };
  const child = spawn(process.execPath, [worker, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  appenders.add(child);
  child.on('exit', () => appenders.delete(child));
  const acked: string[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buffer += d;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const l of lines) if (l.startsWith('ack ')) acked.push(l.slice(4));
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const until = async (n: number) => {
    const deadline = Date.now() + 60_000;
    while (acked.length < n) {
      if (child.exitCode !== null) throw new Error(`worker exited early: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`worker acknowledged only ${acked.length} events in 60 s: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { child, acked, exited, until };
}

describe('a crash', () => {
  it('SIGKILL mid-stream loses no acknowledged event; a torn last line is reported; reopening continues on a fresh line and replays', async () => {
    const path = join(dir, 'crash.jsonl');
    const w = startAppender(path, 'crashed', 'durable');
    await w.until(300);
    w.child.kill('SIGKILL');
    expect((await w.exited).signal).toBe('SIGKILL');
    const acked = [...w.acked];

    // Everything acknowledged as durable is in the file, whole; nothing is half-written.
    let text = readFileSync(path, 'utf8');
    let log = await readAuditLog(text);
    expect(log.errors).toEqual([]);
    expect(log.chainBreaks).toEqual([]);
    const ids = new Set(log.events.map((e) => e.event.intent.intent_id));
    expect(acked.filter((id) => !ids.has(id))).toEqual([]);
    const kept = log.events.length;

    // A crash in the middle of a write that reached the disk only in part: half a line, no newline.
    const half = serializeAuditEvent(buildAuditEvent(engine.evaluate(order(), portfolio, market), order(), portfolio, market, {}, engine.policyHash));
    appendFileSync(path, half.slice(0, Math.floor(half.length / 2)));
    text = readFileSync(path, 'utf8');
    log = await readAuditLog(text);
    expect(log.events).toHaveLength(kept);
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]!.line).toBe(kept + 1);
    expect(log.errors[0]!.reason).toMatch(/^torn last line/);

    // Reopening ends the torn line, so new events start on a line of their own.
    const sink = await FileAuditSink.open(path, { mode: 'durable' });
    const audited = createAuditedEvaluator(engine, sink, { runId: 'after-crash' });
    for (let k = 0; k < 5; k++) await audited(order(k), portfolio, market);
    const head = sink.head;
    await sink.close();
    text = readFileSync(path, 'utf8');
    log = await readAuditLog(text, { expectedHeads: [head] });
    expect(log.events).toHaveLength(kept + 5);
    expect(log.errors.map((e) => e.line)).toEqual([kept + 1]);
    expect(log.errors[0]!.reason).toMatch(/^invalid JSON/);
    expect(log.chainBreaks).toEqual([]);
    const replay = await replayAuditLog(text, engine);
    expect(replay.matched).toBe(kept + 5);
    expect(replay.mismatched).toEqual([]);
  }, 120_000);

  it('a file cut anywhere inside its last line (a torn write) is read up to the cut, and the cut line is reported', async () => {
    const path = join(dir, 'cut.jsonl');
    const sink = await FileAuditSink.open(path, { mode: 'batched' });
    const audited = createAuditedEvaluator(engine, sink);
    for (let k = 0; k < 10; k++) await audited(order(k), portfolio, market);
    await sink.close();
    const full = readFileSync(path, 'utf8');
    const lastStart = full.lastIndexOf('\n', full.length - 2) + 1;
    for (const cut of [lastStart + 1, lastStart + 100, full.length - 2]) {
      truncateSync(path, cut);
      const log = await readAuditLog(readFileSync(path, 'utf8'));
      expect(log.events).toHaveLength(9);
      expect(log.errors).toEqual([{ line: 10, reason: expect.stringMatching(/^torn last line/) }]);
      writeFileSync(path, full);
    }
    // Only the final newline lost: the line itself is whole, and is read.
    truncateSync(path, full.length - 1);
    const log = await readAuditLog(readFileSync(path, 'utf8'));
    expect(log.events).toHaveLength(10);
    expect(log.errors).toEqual([]);
  });
});

describe('concurrent appenders', () => {
  it('six sinks in one process (durable and batched) and many orders in flight: every event whole, every chain intact', async () => {
    const path = join(dir, 'many-sinks.jsonl');
    const sinks = await Promise.all(Array.from({ length: 6 }, (_, s) => FileAuditSink.open(path, { mode: s % 2 ? 'batched' : 'durable', ...(s % 2 && { maxBatchBytes: 4096 }) })));
    const audits = sinks.map((sink, s) => createAuditedEvaluator(engine, sink, { runId: `sink-${s}` }));
    const EACH = 150;
    await Promise.all(audits.flatMap((audited, s) => Array.from({ length: EACH }, (_, k) => audited({ ...order(k), intent_id: `s${s}-${k}` }, portfolio, market))));
    const heads: ChainHead[] = sinks.map((s) => s.head);
    await Promise.all(sinks.map((s) => s.close()));
    const log = await readAuditLog(readFileSync(path, 'utf8'), { expectedHeads: heads });
    expect(log.errors).toEqual([]);
    expect(log.chainBreaks).toEqual([]);
    expect(log.events).toHaveLength(6 * EACH);
    expect(log.chains.map((c) => c.events).sort()).toEqual(Array(6).fill(EACH));
    expect(new Set(log.events.map((e) => e.event.intent.intent_id)).size).toBe(6 * EACH);
  });

  it('three processes and this one append together; one process is killed mid-stream: no line of anyone is torn or lost', async () => {
    const path = join(dir, 'shared-crash.jsonl');
    // The batched writer is paced: unpaced, it fills the disk's write-back faster than the disk
    // drains it, and the durable writers' fdatasync (which flushes the whole file) waits on it all.
    const workers = [startAppender(path, 'p0', 'durable'), startAppender(path, 'p1', 'batched', 1), startAppender(path, 'victim', 'durable')];
    const sink = await FileAuditSink.open(path, { mode: 'durable' });
    const audited = createAuditedEvaluator(engine, sink, { runId: 'parent' });
    const mine = (async () => {
      for (let k = 0; k < 200; k++) await audited({ ...order(k), intent_id: `parent-${k}` }, portfolio, market);
    })();
    await workers[2]!.until(150);
    workers[2]!.child.kill('SIGKILL');
    await Promise.all([workers[0]!.until(400), workers[1]!.until(400), mine]);
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    const head = sink.head;
    await sink.close();

    const log = await readAuditLog(readFileSync(path, 'utf8'), { expectedHeads: [head] });
    // Every line in the file is a whole, valid event; each writer's chain is unbroken.
    expect(log.errors).toEqual([]);
    expect(log.chainBreaks).toEqual([]);
    const ids = new Set(log.events.map((e) => e.event.intent.intent_id));
    for (let k = 0; k < 200; k++) expect(ids.has(`parent-${k}`)).toBe(true);
    // What the durable writers acknowledged is there (the batched one may lose its unwritten buffer when killed).
    for (const w of [workers[0]!, workers[2]!]) expect(w.acked.filter((id) => !ids.has(id))).toEqual([]);
  }, 120_000);
});

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createAuditedEvaluator } from '../audit/audited.js';
import { AuditWriteError } from '../audit/errors.js';
import { buildAuditEvent } from '../audit/event.js';
import { readAuditLog } from '../audit/reader.js';
import { canonicalJson } from '../util/canonical-json.js';
import { replayAuditLog } from '../audit/replay.js';
import { engine, intent, market, portfolio } from '../audit/test-fixtures.js';
import { FileAuditSink } from './audit-file-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'pg-audit-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `audit-${++n}.jsonl`);

async function someEvents(count: number) {
  const eng = await engine();
  return Array.from({ length: count }, (_, k) => {
    const i = intent({ intent_id: `o${k}`, qty: 1 + k * 30 });
    return buildAuditEvent(eng.evaluate(i, portfolio(), market()), i, portfolio(), market(), undefined, eng.policyHash);
  });
}

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<AuditWriteError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(AuditWriteError);
    return e as AuditWriteError;
  }
  throw new Error('expected an AuditWriteError');
}

describe('FileAuditSink, durable', () => {
  it('has each line in the file, synced, when append resolves', async () => {
    const path = fresh();
    const sink = await FileAuditSink.open(path, { mode: 'durable' });
    const events = await someEvents(3);
    for (const [k, e] of events.entries()) {
      await sink.append(e);
      expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(k + 2);
      expect(sink.stats).toEqual({ events: k + 1, writes: k + 1, syncs: k + 1 });
    }
    await sink.close();
    const log = await readAuditLog(readFileSync(path, 'utf8'));
    expect(log).toMatchObject({ errors: [], chainBreaks: [], chained: true });
    expect(log.events.map((x) => x.event.event_id)).toEqual(events.map((e) => e.event_id));
    expect(log.chains[0]!.head).toEqual(sink.head);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('commits concurrent appends together (group commit): fewer syncs than events, every line on disk', async () => {
    const path = fresh();
    const sink = await FileAuditSink.open(path);
    const events = await someEvents(200);
    await Promise.all(events.map((e) => sink.append(e)));
    const stats = sink.stats;
    expect(stats.events).toBe(200);
    expect(stats.syncs).toBeLessThan(200);
    expect(stats.writes).toBe(stats.syncs);
    await sink.close();
    const log = await readAuditLog(readFileSync(path, 'utf8'));
    expect(log.events).toHaveLength(200);
    expect(log.chainBreaks).toEqual([]);
  });

  it('commits the appends of one event-loop turn as one group: one write, one sync', async () => {
    const path = fresh();
    const sink = await FileAuditSink.open(path);
    const events = await someEvents(50);
    // Each of the first 30 from a callback of its own in one turn (as a server's requests, each
    // read in its own I/O callback, with microtasks run between them): immediates queued together
    // all run in one check phase, whatever the clock does meanwhile.
    const first = Promise.all(events.slice(0, 30).map((e) => new Promise<void>((resolve, reject) => setImmediate(() => (sink.append(e) as Promise<void>).then(resolve, reject)))));
    await first;
    expect(sink.stats).toEqual({ events: 30, writes: 1, syncs: 1 });
    await Promise.all(events.slice(30).map((e) => sink.append(e)));
    expect(sink.stats).toEqual({ events: 50, writes: 2, syncs: 2 });
    await sink.close();
    expect((await readAuditLog(readFileSync(path, 'utf8'))).events.map((x) => x.event.event_id)).toEqual(events.map((e) => e.event_id));
  });

  it('of appends, event-loop turns and flushes in any interleaving: each append resolves with its line in the file; every event once, in order, chained', async () => {
    const [event] = await someEvents(1);
    const step = fc.oneof(fc.record({ append: fc.integer({ min: 1, max: 20 }) }), fc.constant({ turn: true }), fc.constant({ flush: true }), fc.record({ sleepMs: fc.integer({ min: 0, max: 3 }) }));
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 12 }), async (steps) => {
        const path = fresh();
        const sink = await FileAuditSink.open(path);
        let n = 0;
        const pending: Promise<void>[] = [];
        // Syncs overlap (groups of later turns are written while earlier syncs are in flight):
        // whichever settles first, an append resolves only once its own line is in the file.
        const onDisk = (id: string) => () => expect(readFileSync(path, 'utf8')).toContain(`"run_id":"${id}"`);
        for (const s of steps) {
          if ('append' in s) {
            for (let k = 0; k < s.append; k++) {
              const id = `e${n++}`;
              pending.push((sink.append({ ...event!, run_id: id }) as Promise<void>).then(onDisk(id)));
            }
          } else if ('turn' in s) await new Promise((r) => setImmediate(r));
          else if ('flush' in s) {
            const appended = n;
            pending.push(sink.flush().then(() => expect(readFileSync(path, 'utf8').split('\n').length - 1).toBeGreaterThanOrEqual(appended)));
          } else await new Promise((r) => setTimeout(r, s.sleepMs));
        }
        const head = sink.head;
        await Promise.all(pending);
        await sink.close(); // waits for syncs still in flight (a later one may have answered first)
        expect(sink.stats.syncs).toBe(sink.stats.writes);
        const log = await readAuditLog(readFileSync(path, 'utf8'), { expectedHeads: [head] });
        expect(log.errors).toEqual([]);
        expect(log.chainBreaks).toEqual([]);
        expect(log.events.map((e) => e.event.run_id)).toEqual(Array.from({ length: n }, (_, k) => `e${k}`));
      }),
      { numRuns: 30 },
    );
  }, 60_000);

  it('serves an audited evaluator whose log replays', async () => {
    const path = fresh();
    const eng = await engine();
    const sink = await FileAuditSink.open(path, { mode: 'durable' });
    const audited = createAuditedEvaluator(eng, sink);
    for (let k = 0; k < 20; k++) await audited(intent({ intent_id: `a${k}`, qty: 5 + k * 17 }), portfolio(), market());
    await sink.close();
    expect(await replayAuditLog(readFileSync(path, 'utf8'), eng)).toMatchObject({ total: 20, matched: 20, ok: true });
  });
});

describe('FileAuditSink, batched', () => {
  it('buffers, writes a batch when the event loop turns, and syncs on flush', async () => {
    const path = fresh();
    const sink = await FileAuditSink.open(path, { mode: 'batched' });
    const events = await someEvents(50);
    for (const e of events) expect(sink.append(e)).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(sink.stats).toEqual({ events: 50, writes: 0, syncs: 0 });
    await new Promise((r) => setImmediate(r));
    expect(sink.stats).toEqual({ events: 50, writes: 1, syncs: 0 });
    await vi.waitFor(() => expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(51));
    await sink.flush();
    expect(sink.stats.syncs).toBe(1);
    await sink.close();
    expect((await readAuditLog(readFileSync(path, 'utf8'))).chainBreaks).toEqual([]);
  });

  it('written(): resolves once the lines appended so far are in the file (one write for the turn), undefined when they are', async () => {
    const path = fresh();
    const sink = await FileAuditSink.open(path, { mode: 'batched' });
    expect(sink.written()).toBeUndefined();
    const events = await someEvents(20);
    for (const e of events.slice(0, 10)) sink.append(e);
    const first = sink.written()!;
    for (const e of events.slice(10)) sink.append(e);
    expect(readFileSync(path, 'utf8')).toBe('');
    await first;
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(21);
    expect(sink.stats).toEqual({ events: 20, writes: 1, syncs: 0 });
    expect(sink.written()).toBeUndefined();
    await sink.close();
  });

  it('written(): waits for lines the writer thread holds (full batches), and for those buffered after them', async () => {
    const path = fresh();
    const sink = await FileAuditSink.open(path, { mode: 'batched', maxBatchBytes: 3000 });
    const events = await someEvents(9);
    const waits: Promise<void>[] = [];
    for (const [k, e] of events.entries()) {
      sink.append(e);
      waits.push(sink.written() ?? Promise.resolve());
      const appended = k + 1;
      void waits[k]!.then(() => expect(readFileSync(path, 'utf8').split('\n').length - 1).toBeGreaterThanOrEqual(appended));
    }
    expect(sink.stats.writes).toBeGreaterThan(0); // some batches went to the thread
    await Promise.all(waits);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(10);
    await sink.close();
  });

  it('hands a batch over as soon as it reaches maxBatchBytes, waiting for the previous one to be written', async () => {
    const path = fresh();
    const sink = await FileAuditSink.open(path, { mode: 'batched', maxBatchBytes: 1 });
    const events = await someEvents(5);
    for (const [k, e] of events.entries()) {
      sink.append(e);
      // Each append hands its line over, once the writer has written the one before.
      expect(sink.stats.writes).toBe(k + 1);
      expect(readFileSync(path, 'utf8').split('\n').length).toBeGreaterThanOrEqual(k + 1);
    }
    await vi.waitFor(() => expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(6));
    await sink.close();
    expect((await readAuditLog(readFileSync(path, 'utf8'))).chainBreaks).toEqual([]);
  });

  it('writes lines bigger than its buffer, and events whose state changes in place between appends, byte for byte', async () => {
    const path = fresh();
    const sink = await FileAuditSink.open(path, { mode: 'batched', maxBatchBytes: 300_000 });
    const eng = await engine();
    const p = portfolio();
    const m = market();
    const expected: string[] = [];
    for (let k = 0; k < 40; k++) {
      const i = intent({ intent_id: `big${k}`, qty: 1 + k });
      // A 100 kB run_id every tenth event: larger than the sink's first buffer.
      const e = buildAuditEvent(eng.evaluate(i, p, m), i, p, m, undefined, eng.policyHash, { runId: k % 10 === 9 ? 'r'.repeat(100_000) : `run-${k}` });
      sink.append(e);
      expected.push(canonicalJson(JSON.parse(JSON.stringify(e))));
      (m.prices as Record<string, number>).AAPL! += 0.25; // the sink serialized the event already
    }
    await sink.close();
    const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    expect(lines).toHaveLength(40);
    for (const [k, line] of lines.entries()) {
      const { chain_id, chain_seq, prev_hash, ...event } = JSON.parse(line) as Record<string, unknown>;
      expect(chain_seq).toBe(k);
      expect(canonicalJson(event)).toBe(expected[k]);
      expect(line).toBe(canonicalJson({ ...event, chain_id, chain_seq, prev_hash }));
    }
    expect((await readAuditLog(readFileSync(path, 'utf8'))).chainBreaks).toEqual([]);
  });

  it('writes each batch from the buffer it was encoded in, as the sink alternates two and replaces one grown by a big line', async () => {
    const path = fresh();
    const sink = await FileAuditSink.open(path, { mode: 'batched', maxBatchBytes: 1 }); // a batch per append
    const eng = await engine();
    const expected: string[] = [];
    for (let k = 0; k < 14; k++) {
      const i = intent({ intent_id: `b${k}`, qty: 1 + k });
      // A line larger than the buffers now and then: it is encoded into a new, bigger buffer.
      const e = buildAuditEvent(eng.evaluate(i, portfolio(), market()), i, portfolio(), market(), undefined, eng.policyHash, { runId: `${k}`.repeat(k % 5 === 3 ? 70_000 : 1) });
      sink.append(e);
      expected.push(canonicalJson(e));
    }
    expect(sink.stats.writes).toBe(14);
    await sink.close();
    const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    expect(
      lines.map((line) => {
        const { chain_id: _, chain_seq: __, prev_hash: ___, ...event } = JSON.parse(line) as Record<string, unknown>;
        return canonicalJson(event);
      }),
    ).toEqual(expected);
  });

  it('writes non-ASCII text as JSON escapes, so every byte in the file is ASCII and the chain is of those bytes', async () => {
    const path = fresh();
    const sink = await FileAuditSink.open(path, { mode: 'batched' });
    const eng = await engine();
    const ids = ['ordré-€', 'emoji-😀', 'lone-\ud800', 'del-\u007f', 'nul-\u0000'];
    for (const id of ids) {
      const i = intent({ intent_id: id, strategy_id: `strat ${id}` });
      sink.append(buildAuditEvent(eng.evaluate(i, portfolio(), market()), i, portfolio(), market(), undefined, eng.policyHash, { runId: `run ${id}` }));
    }
    const head = sink.head;
    await sink.close();
    const bytes = readFileSync(path);
    expect(bytes.every((b) => b < 0x80)).toBe(true);
    const log = await readAuditLog(bytes.toString('utf8'), { expectedHeads: [head] });
    expect(log.errors).toEqual([]);
    expect(log.chainBreaks).toEqual([]);
    expect(log.events.map((e) => [e.event.intent.intent_id, e.event.intent.strategy_id, e.event.run_id])).toEqual(ids.map((id) => [id, `strat ${id}`, `run ${id}`]));
  });

  it('writes what it holds on close', async () => {
    const path = fresh();
    const sink = await FileAuditSink.open(path, { mode: 'batched' });
    for (const e of await someEvents(7)) sink.append(e);
    await sink.close();
    expect((await readAuditLog(readFileSync(path, 'utf8'))).events).toHaveLength(7);
    expect(() => sink.append({} as never)).toThrow(/the sink is closed/);
    await expect(sink.flush()).rejects.toThrow(/the sink is closed/);
    await sink.close(); // twice is harmless
  });

  it('refuses appends once close() has been called, even before the file is closed', async () => {
    const path = fresh();
    const sink = await FileAuditSink.open(path, { mode: 'durable' });
    const [a, b] = await someEvents(2);
    const first = sink.append(a!);
    const closing = sink.close();
    expect(sink.close()).toBe(closing);
    await expect(sink.append(b!) as Promise<void>).rejects.toThrow(/the sink is closed/);
    await first;
    await closing;
    expect((await readAuditLog(readFileSync(path, 'utf8'))).events).toHaveLength(1);
  });
});

describe('FileAuditSink, batched, any interleaving', () => {
  it('of appends, event-loop turns, flushes and a close writes every event once, in order, chained', async () => {
    const [event] = await someEvents(1);
    const step = fc.oneof(fc.record({ append: fc.integer({ min: 1, max: 40 }) }), fc.constant({ turn: true }), fc.constant({ flush: true }), fc.record({ sleepMs: fc.integer({ min: 0, max: 3 }) }));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60_000 }), fc.array(step, { maxLength: 12 }), async (maxBatchBytes, steps) => {
        const path = fresh();
        const sink = await FileAuditSink.open(path, { mode: 'batched', maxBatchBytes });
        let n = 0;
        const flushes: Promise<void>[] = [];
        for (const s of steps) {
          if ('append' in s) for (let k = 0; k < s.append; k++) sink.append({ ...event!, run_id: `e${n++}` });
          else if ('turn' in s) await new Promise((r) => setImmediate(r));
          else if ('flush' in s) {
            const appended = n;
            // Not awaited at once: appends and turns go on while it waits for the writer thread.
            flushes.push(sink.flush().then(() => expect(readFileSync(path, 'utf8').split('\n').length - 1).toBeGreaterThanOrEqual(appended)));
          } else await new Promise((r) => setTimeout(r, s.sleepMs));
        }
        const head = sink.head;
        await Promise.all(flushes);
        await sink.close();
        const log = await readAuditLog(readFileSync(path, 'utf8'), { expectedHeads: [head] });
        expect(log.errors).toEqual([]);
        expect(log.chainBreaks).toEqual([]);
        expect(log.events.map((e) => e.event.run_id)).toEqual(Array.from({ length: n }, (_, k) => `e${k}`));
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});

describe('FileAuditSink and the process', () => {
  it("adds no 'exit' listener unless asked (flushOnExit); the one it adds is removed by close()", async () => {
    const before = process.listenerCount('exit');
    const plain = await FileAuditSink.open(fresh(), { mode: 'batched' });
    expect(process.listenerCount('exit')).toBe(before);
    const flushing = await FileAuditSink.open(fresh(), { mode: 'batched', flushOnExit: true });
    expect(process.listenerCount('exit')).toBe(before + 1);
    await flushing.close();
    await plain.close();
    expect(process.listenerCount('exit')).toBe(before);
    expect(process.exitCode).toBeUndefined();
  });
});

describe('FileAuditSink, an existing file', () => {
  it('appends after what is there, as a new chain', async () => {
    const path = fresh();
    const [a, b, c] = await someEvents(3);
    const first = await FileAuditSink.open(path);
    await first.append(a!);
    await first.close();
    const second = await FileAuditSink.open(path, { mode: 'batched' });
    second.append(b!);
    second.append(c!);
    await second.close();
    const log = await readAuditLog(readFileSync(path, 'utf8'));
    expect(log.events).toHaveLength(3);
    expect(log.chainBreaks).toEqual([]);
    expect(log.chains.map((x) => x.events)).toEqual([1, 2]);
  });

  it('ends a torn last line before appending, so the torn fragment does not swallow the next event', async () => {
    const path = fresh();
    const [a, b] = await someEvents(2);
    const first = await FileAuditSink.open(path);
    await first.append(a!);
    await first.close();
    const good = readFileSync(path, 'utf8');
    writeFileSync(path, good + good.slice(0, 300)); // a crash mid-write
    const second = await FileAuditSink.open(path);
    await second.append(b!);
    await second.close();
    const log = await readAuditLog(readFileSync(path, 'utf8'));
    expect(log.events.map((x) => x.line)).toEqual([1, 3]);
    expect(log.errors).toEqual([{ line: 2, reason: expect.stringMatching(/^invalid JSON/) }]);
  });
});

describe('FileAuditSink, failures surface as ERR_AUDIT_WRITE', () => {
  it('ENOENT: a directory that does not exist', async () => {
    const path = join(dir, 'missing', 'audit.jsonl');
    const e = await errorOf(FileAuditSink.open(path));
    expect(e).toMatchObject({ code: 'ERR_AUDIT_WRITE', osCode: 'ENOENT', path });
    expect(e.message).toContain(path);
    expect(e.message).toContain('ENOENT');
  });

  it('EISDIR: a directory where the file should be', async () => {
    const e = await errorOf(FileAuditSink.open(dir));
    expect(e).toMatchObject({ code: 'ERR_AUDIT_WRITE', osCode: 'EISDIR', path: dir });
  });

  // /dev/full: every write fails with ENOSPC, a real full device.
  it('ENOSPC in durable mode: the append rejects, and so does every later one', async () => {
    expect(existsSync('/dev/full')).toBe(true);
    const sink = await FileAuditSink.open('/dev/full', { mode: 'durable' });
    const [a, b] = await someEvents(2);
    const e = await errorOf(sink.append(a!) as Promise<void>);
    expect(e).toMatchObject({ code: 'ERR_AUDIT_WRITE', osCode: 'ENOSPC', path: '/dev/full' });
    expect(e.message).toMatch(/^audit write failed: \/dev\/full: write: ENOSPC/);
    expect(await errorOf(sink.append(b!) as Promise<void>)).toBe(e);
    expect(await errorOf(sink.close())).toBe(e);
  });

  it('ENOSPC through an audited evaluator: throws, or fails closed with SYS-002', async () => {
    const eng = await engine();
    const sink = await FileAuditSink.open('/dev/full');
    const e = await errorOf(createAuditedEvaluator(eng, sink)(intent(), portfolio(), market()));
    expect(e.osCode).toBe('ENOSPC');
    const closed = await createAuditedEvaluator(eng, sink, { failClosedOnAuditError: true })(intent(), portfolio(), market());
    expect(closed.decision).toBe('DENY');
    expect(closed.violations).toEqual([expect.objectContaining({ rule_id: 'SYS-002', message: expect.stringMatching(/^Evaluation error: audit write failed: \/dev\/full: write: ENOSPC/) })]);
    await sink.close().catch(() => {});
  });

  it('ENOSPC in batched mode: reported to onError, then thrown by the next append and by flush', async () => {
    const reported: AuditWriteError[] = [];
    const sink = await FileAuditSink.open('/dev/full', { mode: 'batched', onError: (err) => reported.push(err) });
    const [a, b] = await someEvents(2);
    sink.append(a!);
    await vi.waitFor(() => expect(reported).toHaveLength(1)); // once the writer thread's write failed
    expect(reported[0]!.osCode).toBe('ENOSPC');
    expect(() => sink.append(b!)).toThrow(reported[0]);
    expect(await errorOf(sink.flush())).toBe(reported[0]);
    expect(await errorOf(sink.close())).toBe(reported[0]);
  });

  it('ENOSPC in batched mode: written() rejects with the failure, whether this thread or the writer thread wrote', async () => {
    for (const maxBatchBytes of [1 << 20, 1]) {
      const sink = await FileAuditSink.open('/dev/full', { mode: 'batched', maxBatchBytes, onError: () => {} });
      const [a] = await someEvents(1);
      sink.append(a!);
      const e = await errorOf(sink.written()!);
      expect(e.osCode).toBe('ENOSPC');
      expect(await errorOf(sink.written()!)).toBe(e);
      expect(await errorOf(sink.close())).toBe(e);
    }
  });

  it('ENOSPC in batched mode when batches fill: the next append that hands a batch over throws, without waiting for the event loop', async () => {
    const sink = await FileAuditSink.open('/dev/full', { mode: 'batched', maxBatchBytes: 1 });
    const [a, b, c] = await someEvents(3);
    sink.append(a!); // handed to the writer thread, whose write fails
    const e = await errorOf(() => sink.append(b!));
    expect(e.osCode).toBe('ENOSPC');
    expect(e.message).toMatch(/^audit write failed: \/dev\/full: write: ENOSPC/);
    expect(() => sink.append(c!)).toThrow(e);
    expect(await errorOf(sink.close())).toBe(e);
  });

  it('ENOSPC in batched mode without onError: emitted as a process warning (ERR_AUDIT_WRITE), never silent', async () => {
    const warnings: Error[] = [];
    const listen = (w: Error) => warnings.push(w);
    process.on('warning', listen);
    try {
      const sink = await FileAuditSink.open('/dev/full', { mode: 'batched' });
      const [a] = await someEvents(1);
      sink.append(a!);
      await vi.waitFor(() => expect(warnings).toHaveLength(1));
      expect(warnings[0]).toMatchObject({ name: 'PolicyGateAuditWarning', code: 'ERR_AUDIT_WRITE' });
      expect(warnings[0]!.message).toMatch(/^audit write failed: \/dev\/full: write: ENOSPC.*\(events lost; no onError was given/);
      expect((await errorOf(sink.close())).osCode).toBe('ENOSPC');
    } finally {
      process.off('warning', listen);
    }
  });

  it('refuses bad options', async () => {
    await expect(FileAuditSink.open(fresh(), { mode: 'fast' as never })).rejects.toThrow(/mode must be/);
    await expect(FileAuditSink.open(fresh(), { maxBatchBytes: 0 })).rejects.toThrow(/maxBatchBytes/);
  });
});

// Audit trail throughput on a 50-position portfolio: building the event, serializing it to its
// canonical line, chaining it (SHA-256) and appending it to a real file with FileAuditSink.
//   batched — lines buffered, one write() per ~1 MiB batch, fsync on flush
//   durable — every append resolves only once its line is fdatasync'ed; concurrent appends share a
//             sync (group commit). Reported for one caller awaiting each event (one sync per event:
//             the disk's sync latency decides) and for 128 concurrent callers.
// Targets from the performance issue: durable ≥ 50,000 events/s, batched ≥ 100,000 events/s.
// Files go to $AUDIT_BENCH_DIR or the OS temp folder; the file system matters (tmpfs syncs are free).
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Bench } from 'tinybench';
import { pathToFileURL } from 'node:url';
import { decision, engine, execution, frozen, intent, market, portfolio } from './state.mjs';

// AUDIT_BENCH_DIST: another build's dist folder (bench/audit-ab.mjs compares two builds this way).
const dist = process.env.AUDIT_BENCH_DIST ? pathToFileURL(`${process.env.AUDIT_BENCH_DIST}/`) : new URL('../packages/policygate-capital/dist/', import.meta.url);
const { MemoryAuditSink, buildAuditEvent, createAuditedEvaluator, readAuditLog } = await import(new URL('audit.js', dist).href);
const { FileAuditSink } = await import(new URL('node.js', dist).href);

const TARGET_DURABLE = 50_000;
const TARGET_BATCHED = 100_000;
// Baseline (performance issue): the Python package writes about 4,900 audit events/s on this machine.
const PYTHON_EVENTS = 4_900;
// Durable, concurrent: LANES callers, each awaiting its appends one after another (PER_LANE per
// iteration), so serializing the next events overlaps the sync of the previous group.
const LANES = 128;
const PER_LANE = 4;
const lanes = (append) =>
  Promise.all(
    Array.from({ length: LANES }, async () => {
      for (let k = 0; k < PER_LANE; k++) await append();
    }),
  );

const event = () => buildAuditEvent(decision, intent, portfolio, market, execution, engine.policyHash);
// The same state with its maps built in reverse key order: serialization must sort them (the maps
// above are in key order, which lets the native JSON.stringify write them).
const reversed = (o) => Object.fromEntries(Object.entries(o).reverse());
const portfolioUnsorted = { ...portfolio, positions: reversed(portfolio.positions) };
const marketUnsorted = { ...market, prices: reversed(market.prices) };
const eventUnsorted = () => buildAuditEvent(decision, intent, portfolioUnsorted, marketUnsorted, execution, engine.policyHash);

// The same state as an immutable snapshot (frozen positions and prices): canonical JSON writes each
// frozen map once per snapshot, as for every order checked against one market snapshot.
const eventFrozen = () => buildAuditEvent(decision, intent, frozen.portfolio, frozen.market, execution, engine.policyHash);

// A sink's writer reuses the text of members equal to the previous event's (it compares them on
// every event). These rows show what the object identity and a moving market cost: a new copy of
// the state per event, and a market where one price, or every price, differs from the previous
// event's. The states are built before the run (POOL of them, used in turn), so that copying them
// is not timed.
const POOL = 256;
const pool = (make) => Array.from({ length: POOL }, (_, k) => make(k));
const copies = pool(() => ({ portfolio: structuredClone(portfolio), market: structuredClone(market) }));
const symbols = Object.keys(market.prices);
const oneMoves = pool((k) => ({ ...market, prices: { ...market.prices, [symbols[k % symbols.length]]: market.prices[symbols[k % symbols.length]] + 0.01 } }));
const allMove = pool((k) => ({ ...market, prices: Object.fromEntries(symbols.map((s) => [s, market.prices[s] * (1 + (k + 1) * 1e-4)])) }));
let turn = 0;
const eventCopy = () => {
  const s = copies[turn++ % POOL];
  return buildAuditEvent(decision, intent, s.portfolio, s.market, execution, engine.policyHash);
};
const eventMoving = (markets) => () => buildAuditEvent(decision, intent, portfolio, markets[turn++ % POOL], execution, engine.policyHash);
const eventTwoDiffer = eventMoving(oneMoves); // one price off the base snapshot: two differ from the previous event's
const eventAllDiffer = eventMoving(allMove);

const dir = mkdtempSync(join(process.env.AUDIT_BENCH_DIR ?? tmpdir(), 'pg-audit-bench-'));
// The memory sinks hold every line: a fresh one per run, dropped after it, so that hundreds of MB
// of lines do not stay on the heap (and slow the garbage collector) for the rows that follow.
let memory;
let memoryUnsorted;
const memoryHooks = {
  beforeAll: () => {
    memory = new MemoryAuditSink();
    memoryUnsorted = new MemoryAuditSink();
  },
  afterAll: () => {
    memory = memoryUnsorted = undefined;
  },
};
const batched = await FileAuditSink.open(join(dir, 'batched.jsonl'), { mode: 'batched' });
const batchedCopies = await FileAuditSink.open(join(dir, 'batched-copies.jsonl'), { mode: 'batched' });
const batchedOneMoves = await FileAuditSink.open(join(dir, 'batched-one-moves.jsonl'), { mode: 'batched' });
const batchedAllMove = await FileAuditSink.open(join(dir, 'batched-all-move.jsonl'), { mode: 'batched' });
const batchedE2E = await FileAuditSink.open(join(dir, 'batched-e2e.jsonl'), { mode: 'batched' });
const batchedFrozen = await FileAuditSink.open(join(dir, 'batched-frozen.jsonl'), { mode: 'batched' });
const durableManyFrozen = await FileAuditSink.open(join(dir, 'durable-many-frozen.jsonl'), { mode: 'durable' });
const durableOne = await FileAuditSink.open(join(dir, 'durable-one.jsonl'), { mode: 'durable' });
const durableMany = await FileAuditSink.open(join(dir, 'durable-many.jsonl'), { mode: 'durable' });
const durableManyE2E = await FileAuditSink.open(join(dir, 'durable-many-e2e.jsonl'), { mode: 'durable' });
const auditedBatched = createAuditedEvaluator(engine, batchedE2E);
const auditedDurable = createAuditedEvaluator(engine, durableManyE2E);
const lineBytes = Buffer.byteLength(JSON.stringify(event())) + 120; // + chain fields

// Tasks that append several events per iteration report events/s = iterations/s × perIteration.
const tasks = [
  { name: 'batched: build + append', per: 1, fn: () => batched.append(event()), target: TARGET_BATCHED, sink: batched },
  {
    name: 'batched: build + append, a new copy of the state per event',
    per: 1,
    fn: () => batchedCopies.append(eventCopy()),
    target: TARGET_BATCHED,
    sink: batchedCopies,
  },
  { name: 'batched: build + append, 2 of 51 prices differ from the previous event', per: 1, fn: () => batchedOneMoves.append(eventTwoDiffer()), sink: batchedOneMoves },
  { name: 'batched: build + append, all 51 prices differ from the previous event', per: 1, fn: () => batchedAllMove.append(eventAllDiffer()), sink: batchedAllMove, check: true },
  {
    name: 'batched: evaluate + build + append (createAuditedEvaluator)',
    per: 1,
    fn: () => auditedBatched(intent, portfolio, market, execution),
    sink: batchedE2E,
  },
  { name: 'batched: build + append, frozen snapshot', per: 1, fn: () => batchedFrozen.append(eventFrozen()), target: TARGET_BATCHED, sink: batchedFrozen },
  { name: 'durable: one caller awaiting each event', per: 1, fn: () => durableOne.append(event()), sink: durableOne },
  {
    name: `durable: ${LANES} concurrent callers (group commit)`,
    per: LANES * PER_LANE,
    fn: () => lanes(() => durableMany.append(event())),
    target: TARGET_DURABLE,
    sink: durableMany,
    check: true,
  },
  {
    name: `durable: ${LANES} concurrent callers, frozen snapshot`,
    per: LANES * PER_LANE,
    fn: () => lanes(() => durableManyFrozen.append(eventFrozen())),
    target: TARGET_DURABLE,
    sink: durableManyFrozen,
  },
  {
    name: `durable: evaluate + build + append, ${LANES} concurrent callers`,
    per: LANES * PER_LANE,
    fn: () => lanes(() => auditedDurable(intent, portfolio, market, execution)),
    sink: durableManyE2E,
  },
  // Last: these keep hundreds of MB of lines on the heap, and even collected (gc() before each
  // task) the heap they grew cost the task run after them a third of its rate (measured: the same
  // batched row 68,000 events/s right after them, 107,000 further down).
  { name: 'build + serialize + chain (MemoryAuditSink, JS SHA-256)', per: 1, fn: () => memory.append(event()), hooks: memoryHooks },
  { name: 'build + serialize + chain, maps not in key order', per: 1, fn: () => memoryUnsorted.append(eventUnsorted()), hooks: memoryHooks },
];

// The files are real audit logs: one is read back and checked end to end after its run.
const checks = [];
async function checkLog(sink) {
  const check = await readAuditLog(readFileSync(sink.path, 'utf8'), { expectedHeads: [sink.head] });
  checks.push(`${basename(sink.path)}: ${fmt(check.events.length)} events, ${check.errors.length} bad lines, ${check.chainBreaks.length} chain breaks (${fmt(statSync(sink.path).size)} bytes)`);
  return check.errors.length === 0 && check.chainBreaks.length === 0;
}
let checksPassed = true;

const bench = new Bench({ time: 2000, warmupTime: 300, iterations: 4 });
// Each task starts on a collected heap (npm run bench runs this file with --expose-gc) and on a
// clean page cache: after its run (untimed) a task's file is synced, then deleted. Kept, the
// gigabytes the earlier tasks wrote would make the later ones pay for it: their syncs wait for
// that writeback, and on this VM a write() into page-cache memory never used before costs up to
// 10× more CPU (≈ 2.6 ms instead of 0.25 ms per MiB) than into memory freed by a deleted file.
for (const t of tasks) {
  bench.add(t.name, t.fn, {
    beforeAll: () => {
      globalThis.gc?.();
      t.hooks?.beforeAll?.();
    },
    afterAll: async (mode) => {
      t.hooks?.afterAll?.();
      if (!t.sink) return;
      await t.sink.flush();
      if (mode !== 'run') return;
      if (t.check) checksPassed &&= await checkLog(t.sink);
      await t.sink.close();
      rmSync(t.sink.path);
    },
  });
}
await bench.run();

console.log(
  `50-position portfolio, ~${lineBytes} bytes per line; files in ${dir}; load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
let missed = false;
for (const t of tasks) {
  const r = bench.tasks.find((x) => x.name === t.name)?.result;
  if (!r || r.error) {
    console.log(`${t.name}: FAILED ${r?.error ?? 'no result'}`);
    missed = true;
    continue;
  }
  // events/s from the mean time per iteration (total time / events), not the mean of per-sample
  // rates, which slow samples (a batch write, a GC) barely move.
  const meanMs = (r.latency?.mean ?? r.mean) / t.per;
  const hz = 1000 / meanMs;
  const p50 = (r.latency?.p50 ?? r.p50) / t.per;
  let line = `${t.name}: ${fmt(hz)} events/s (mean ${fmtMs(meanMs)}, median ${fmtMs(p50)} per event, ±${(r.latency?.rme ?? r.rme).toFixed(2)}%) — ${(hz / PYTHON_EVENTS).toFixed(1)}× Python`;
  if (t.sink) {
    const s = t.sink.stats;
    line += ` — ${fmt(s.events)} events, ${fmt(s.writes)} writes, ${fmt(s.syncs)} syncs`;
  }
  if (t.target !== undefined) {
    const ok = hz >= t.target;
    missed ||= !ok;
    line += ` — target ≥ ${fmt(t.target)}: ${ok ? 'met' : 'MISSED'}`;
  }
  console.log(line);
}

for (const line of checks) console.log(line);
if (!checksPassed || checks.length === 0) missed = true;
rmSync(dir, { recursive: true, force: true });
if (missed) process.exitCode = 1;

function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}
function fmtMs(ms) {
  return ms < 0.001 ? `${(ms * 1e6).toFixed(0)} ns` : ms < 1 ? `${(ms * 1000).toFixed(2)} µs` : `${ms.toFixed(2)} ms`;
}

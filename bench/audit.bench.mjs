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
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { MemoryAuditSink, buildAuditEvent, createAuditedEvaluator, readAuditLog } from '../packages/policygate-capital/dist/index.js';
import { decision, engine, execution, frozen, intent, market, portfolio } from './state.mjs';
import { FileAuditSink } from '../packages/policygate-capital/dist/node.js';

const TARGET_DURABLE = 50_000;
const TARGET_BATCHED = 100_000;
// Baseline (performance issue): the Python package writes about 4,900 audit events/s on this machine.
const PYTHON_EVENTS = 4_900;
// Durable, concurrent: LANES callers, each awaiting its appends one after another (PER_LANE per
// iteration), so serializing the next events overlaps the sync of the previous group.
const LANES = 128;
const PER_LANE = 4;
const lanes = (append) => Promise.all(Array.from({ length: LANES }, async () => {
  for (let k = 0; k < PER_LANE; k++) await append();
}));

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

const dir = mkdtempSync(join(process.env.AUDIT_BENCH_DIR ?? tmpdir(), 'pg-audit-bench-'));
const memory = new MemoryAuditSink();
const memoryUnsorted = new MemoryAuditSink();
const batched = await FileAuditSink.open(join(dir, 'batched.jsonl'), { mode: 'batched' });
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
  { name: 'build + serialize + chain (MemoryAuditSink, JS SHA-256)', per: 1, fn: () => memory.append(event()) },
  { name: 'build + serialize + chain, maps not in key order', per: 1, fn: () => memoryUnsorted.append(eventUnsorted()) },
  { name: 'batched: build + append', per: 1, fn: () => batched.append(event()), target: TARGET_BATCHED, sink: batched },
  {
    name: 'batched: evaluate + build + append (createAuditedEvaluator)', per: 1,
    fn: () => auditedBatched(intent, portfolio, market, execution), sink: batchedE2E,
  },
  { name: 'batched: build + append, frozen snapshot', per: 1, fn: () => batchedFrozen.append(eventFrozen()), target: TARGET_BATCHED, sink: batchedFrozen },
  { name: 'durable: one caller awaiting each event', per: 1, fn: () => durableOne.append(event()), sink: durableOne },
  {
    name: `durable: ${LANES} concurrent callers (group commit)`, per: LANES * PER_LANE,
    fn: () => lanes(() => durableMany.append(event())),
    target: TARGET_DURABLE, sink: durableMany,
  },
  {
    name: `durable: ${LANES} concurrent callers, frozen snapshot`, per: LANES * PER_LANE,
    fn: () => lanes(() => durableManyFrozen.append(eventFrozen())),
    target: TARGET_DURABLE, sink: durableManyFrozen,
  },
  {
    name: `durable: evaluate + build + append, ${LANES} concurrent callers`, per: LANES * PER_LANE,
    fn: () => lanes(() => auditedDurable(intent, portfolio, market, execution)),
    sink: durableManyE2E,
  },
];

const bench = new Bench({ time: 2000, warmupTime: 300, iterations: 4 });
for (const t of tasks) bench.add(t.name, t.fn);
await bench.run();
await Promise.all([batched, batchedE2E, batchedFrozen, durableOne, durableMany, durableManyFrozen, durableManyE2E].map((s) => s.close()));

console.log(`50-position portfolio, ~${lineBytes} bytes per line; files in ${dir}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
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

// The files are real audit logs: check one end to end before deleting them.
const check = await readAuditLog(readFileSync(join(dir, 'durable-many.jsonl'), 'utf8'), { expectedHeads: [durableMany.head] });
console.log(`durable-many.jsonl: ${fmt(check.events.length)} events, ${check.errors.length} bad lines, ${check.chainBreaks.length} chain breaks (${fmt(statSync(join(dir, 'durable-many.jsonl')).size)} bytes)`);
if (check.errors.length || check.chainBreaks.length) missed = true;
rmSync(dir, { recursive: true, force: true });
if (missed) process.exitCode = 1;

function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}
function fmtMs(ms) {
  return ms < 0.001 ? `${(ms * 1e6).toFixed(0)} ns` : ms < 1 ? `${(ms * 1000).toFixed(2)} µs` : `${ms.toFixed(2)} ms`;
}

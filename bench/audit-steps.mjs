// Where the batched audit trail's CPU goes in policygate-serve, step by step, without HTTP: the
// service's order stream (the seed example, one order every 10 ms of market time, throttles at their
// maximum) through `PolicyGate`, each step adding one thing to the one before:
//   check       gate.check (the decision only)
//   detailed    gate.checkDetailed (and the copies of the state the decision was made on)
//   event       + gate.auditEvent (the event object)
//   serialize   + serializeAuditEvent (canonical JSON, sorted keys; the writer reuses unchanged text)
//   chain, no hash  + AuditChain instead of serializeAuditEvent (the chain fields on a copy of the
//               event, its own canonical writer), with a hash function that does nothing
//   chain       the same with SHA-256 (node:crypto, of the text)
//   sink        + a batched FileAuditSink instead (chain fields, SHA-256, the line's bytes, the
//               hand-off to the writer thread and its write(); 16 appends per event-loop turn, as
//               16 connections give)
// and, beside them, what handing the event to another thread as JSON would cost this thread:
//   JSON.stringify of the same event objects, and of them with a replacer that refuses non-finite
//   numbers (JSON.stringify writes them as null; an audit record must not lose them).
// CPU µs per order (process.cpuUsage: every thread of the process); rounds alternate; median [min–max].
//
//   node bench/audit-steps.mjs [rounds=5] [orders per round=20000]      (after `npm run build`)
//   AUDIT_STEPS_POSITIONS=50: the seed portfolio plus 50 other positions, each with its price.
//   AUDIT_STEPS_DIST=<dir>: another build's dist (default packages/policygate-capital/dist).
import * as nodeCrypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const DIST = resolve(process.env.AUDIT_STEPS_DIST ?? new URL('../packages/policygate-capital/dist', import.meta.url).pathname);
const load = (entry) => import(pathToFileURL(join(DIST, entry)).href);
const { PolicyEngine, parseMarketSnapshot, parseOrderIntent, parsePortfolioState } = await load('index.js');
const { AuditChain, serializeAuditEvent } = await load('audit.js');
const { FileAuditSink } = await load('node.js');
const { gateFromState } = await load('server.js');

const ROUNDS = Number(process.argv[2] ?? 5);
const N = Number(process.argv[3] ?? 20_000);
const EX = new URL('../examples/', import.meta.url);
const read = (name) => readFileSync(new URL(name, EX), 'utf8');
const engine = await PolicyEngine.fromYaml(read('policy.yaml').replace(/max_orders_per_minute_(global|by_strategy): \d+/g, 'max_orders_per_minute_$1: 10000'));
const seed = JSON.parse(read('intent.json'));
const BASE_MS = Date.UTC(2026, 1, 18);
const intents = Array.from({ length: N }, (_, i) => parseOrderIntent({ ...seed, intent_id: `steps-${i}`, timestamp: new Date(BASE_MS + i * 10).toISOString(), qty: 1 }));
const EXTRA = Number(process.env.AUDIT_STEPS_POSITIONS ?? 0);
const portfolio = JSON.parse(read('portfolio.json'));
const market = JSON.parse(read('market.json'));
for (let i = 0; i < EXTRA; i++) {
  portfolio.positions[`SYM${i}`] = 1 + (i % 7);
  market.prices[`SYM${i}`] = 10 + (i % 97) * 0.37;
}
const newGate = () => gateFromState(engine, { portfolio: parsePortfolioState(structuredClone(portfolio)), market: parseMarketSnapshot(structuredClone(market)) });
const dir = mkdtempSync(join(tmpdir(), 'pgc-audit-steps-'));
const NO_HASH = '0'.repeat(64);
const refuseNonFinite = (_key, value) => {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`non-finite number ${value}`);
  return value;
};

let sinks = 0;
async function round(step) {
  const gate = newGate();
  const chain = step.startsWith('chain') ? new AuditChain({ hash: step === 'chain' ? (text) => nodeCrypto.hash('sha256', text, 'hex') : () => NO_HASH }) : undefined;
  const sink = step === 'sink' ? await FileAuditSink.open(join(dir, `${++sinks}.jsonl`), { mode: 'batched' }) : undefined;
  // The JSON.stringify rows serialize events built beforehand (their building is the `event` row).
  const events = step.startsWith('JSON') ? intents.map((intent) => gate.auditEvent(gate.checkDetailed(intent))) : undefined;
  let sum = 0;
  const t0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    if (step === 'JSON.stringify') sum += JSON.stringify(events[i]).length;
    else if (step === 'JSON.stringify, non-finite refused') sum += JSON.stringify(events[i], refuseNonFinite).length;
    else if (step === 'check') sum += gate.check(intents[i]).eval_ms;
    else {
      const check = gate.checkDetailed(intents[i]);
      if (step === 'detailed') sum += check.decision.eval_ms;
      else {
        const event = gate.auditEvent(check);
        if (step === 'event') sum += event.eval_ms;
        else if (step === 'serialize') sum += serializeAuditEvent(event).length;
        else if (chain !== undefined) sum += chain.next(event).length;
        else {
          sink.append(event);
          if ((i & 15) === 15) await new Promise((resolve) => setImmediate(resolve));
        }
      }
    }
  }
  const t = process.cpuUsage(t0);
  await sink?.close();
  if (sum < 0) throw new Error('unreachable');
  return (t.user + t.system) / N;
}

const steps = ['check', 'detailed', 'event', 'serialize', 'chain, no hash', 'chain', 'sink', 'JSON.stringify', 'JSON.stringify, non-finite refused'];
const results = Object.fromEntries(steps.map((s) => [s, []]));
try {
  for (let r = 0; r < ROUNDS; r++) for (const s of steps) results[s].push(await round(s));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`CPU µs per order, ${ROUNDS} rounds of ${N}, ${EXTRA} extra positions, ${DIST}; median [min–max]:`);
for (const s of steps) {
  const xs = results[s];
  console.log(`  ${s.padEnd(36)} ${median(xs).toFixed(1).padStart(6)} [${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}]`);
}

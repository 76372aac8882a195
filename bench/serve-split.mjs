// Where a policygate-serve request's CPU goes, without the HTTP stack: `GateService.handle` on
// `POST /v1/check` in this process (the seed example's state, the serve bench's order stream), with
// a batched FileAuditSink, with a durable one (concurrent groups of 16, as 16 connections), and with
// none; beside it the JavaScript of the bare echo (JSON.parse + JSON.stringify of the same body).
// What the HTTP stack costs per request (parser, socket write, events) is the echo server's CPU per
// request in serve.bench.mjs minus the echo's JavaScript here; a service request costs that stack
// plus `handle`. Rounds alternate; the report gives the median and the range of each.
//
// A/B: SERVE_SPLIT_DISTS="A=<dist dir>,B=<dist dir>" (copies of packages/policygate-capital/dist,
// with node_modules reachable from them) measures `handle` of each build, the builds alternating
// (and their order turning) every round, and prints B/A of each mode — in process, where the
// host's noise is smaller than over loopback.
//
//   node bench/serve-split.mjs [rounds=7] [requests per round=4000]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const DISTS = process.env.SERVE_SPLIT_DISTS
  ? process.env.SERVE_SPLIT_DISTS.split(',').map((kv) => {
      const [label, dir] = kv.split('=');
      return { label, dir: resolve(dir) };
    })
  : [{ label: '', dir: new URL('../packages/policygate-capital/dist', import.meta.url).pathname }];
const load = (dist, entry) => import(pathToFileURL(join(dist, entry)).href);
for (const d of DISTS) d.m = { ...(await load(d.dir, 'index.js')), ...(await load(d.dir, 'node.js')), ...(await load(d.dir, 'server.js')) };
const ROUNDS = Number(process.argv[2] ?? 7);
const N = Number(process.argv[3] ?? 4000);
const EX = new URL('../examples/', import.meta.url);
const read = (name) => readFileSync(new URL(name, EX), 'utf8');
const policyText = read('policy.yaml').replace(/max_orders_per_minute_(global|by_strategy): \d+/g, 'max_orders_per_minute_$1: 10000');
const seed = JSON.parse(read('intent.json'));
const BASE_MS = Date.UTC(2026, 1, 18);
const TOKEN = 'split-token';
const headers = new Headers({ 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` });
const dir = mkdtempSync(join(tmpdir(), 'pgc-serve-split-'));

let n = 0;
const nextBytes = () => {
  n++;
  const text = JSON.stringify({ intent: { ...seed, intent_id: `split-${n}`, timestamp: new Date(BASE_MS + n * 10).toISOString(), qty: 1 } });
  return Buffer.from(text);
};

async function makeService(m, mode) {
  const engine = await m.PolicyEngine.fromYaml(policyText);
  const gate = m.gateFromState(engine, { portfolio: m.parsePortfolioState(JSON.parse(read('portfolio.json'))), market: m.parseMarketSnapshot(JSON.parse(read('market.json'))) });
  const audit = mode === 'none' ? undefined : await m.FileAuditSink.open(join(dir, `${mode}-${n}.jsonl`), { mode });
  const service = await m.GateService.create({ gate, token: TOKEN, ...(audit && { audit, auditMode: mode }), log: () => {} });
  return { service, audit };
}

// CPU µs per request of `batch` concurrent requests at a time (16: the bench's connections).
async function serviceRound(m, mode) {
  const { service, audit } = await makeService(m, mode);
  const bodies = Array.from({ length: N }, nextBytes);
  const request = { method: 'POST', url: '/v1/check', headers, body: null };
  const one = (bytes) => service.handle(request, { readBody: async () => bytes });
  for (let i = 0; i < 500; i++) await one(nextBytes()); // warm-up
  const t0 = process.cpuUsage();
  for (let i = 0; i < N; i += 16) {
    const replies = await Promise.all(bodies.slice(i, i + 16).map(one));
    if (replies[0].status !== 200) throw new Error(`${mode}: ${replies[0].status} ${replies[0].body}`);
  }
  const t = process.cpuUsage(t0);
  await audit?.close();
  return (t.user + t.system) / N;
}

function echoRound() {
  const bodies = Array.from({ length: N }, nextBytes);
  const t0 = process.cpuUsage();
  let size = 0;
  for (const b of bodies) size += JSON.stringify(JSON.parse(b.toString('utf8'))).length;
  const t = process.cpuUsage(t0);
  if (size === 0) throw new Error('nothing echoed');
  return (t.user + t.system) / N;
}

const MODES = ['none', 'batched', 'durable'];
const echoKind = 'echo JS (parse + stringify)';
const kindOf = (label, mode) => `handle${label ? ` [${label}]` : ''}, ${mode === 'none' ? 'no' : mode} audit log`;
const kinds = [echoKind, ...MODES.flatMap((mode) => DISTS.map((d) => kindOf(d.label, mode)))];
const results = Object.fromEntries(kinds.map((k) => [k, []]));
try {
  for (let r = 0; r < ROUNDS; r++) {
    results[echoKind].push(echoRound());
    const dists = r % 2 === 0 ? DISTS : [...DISTS].reverse();
    for (const mode of MODES) for (const d of dists) results[kindOf(d.label, mode)].push(await serviceRound(d.m, mode));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`CPU per request in this process (µs), ${ROUNDS} rounds of ${N} requests, 16 at a time; median [min–max]:`);
for (const k of kinds) {
  const xs = results[k];
  console.log(`  ${k}: ${median(xs).toFixed(1)} [${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}]`);
}
if (DISTS.length === 2) {
  const [a, b] = DISTS;
  for (const mode of MODES) console.log(`  ${mode}: ${b.label}/${a.label} ${(median(results[kindOf(b.label, mode)]) / median(results[kindOf(a.label, mode)])).toFixed(3)}`);
}

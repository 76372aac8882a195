// A/B of `GateService.handle` between two builds, in one process and without HTTP (where the
// host's noise is smaller than over loopback): `POST /v1/check` with the serve bench's order
// stream, 16 requests at a time, without an audit log and with a batched FileAuditSink; rounds
// alternate the builds (and their order). Prints CPU µs per request (process.cpuUsage: every
// thread), median [min–max], and B/A.
//
//   node bench/serve-split-ab.mjs <dist A> <dist B> [rounds=9] [requests per round=6000]
//   (a dist: a copy of packages/policygate-capital/dist, with node_modules reachable from it)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const DISTS = { A: resolve(process.argv[2]), B: resolve(process.argv[3]) };
const ROUNDS = Number(process.argv[4] ?? 9);
const N = Number(process.argv[5] ?? 6000);
const load = (d, entry) => import(pathToFileURL(join(d, entry)).href);
const mods = {};
for (const [k, d] of Object.entries(DISTS)) mods[k] = { ...(await load(d, 'index.js')), ...(await load(d, 'node.js')), ...(await load(d, 'server.js')) };
const EX = new URL('../examples/', import.meta.url);
const read = (name) => readFileSync(new URL(name, EX), 'utf8');
const policyText = read('policy.yaml').replace(/max_orders_per_minute_(global|by_strategy): \d+/g, 'max_orders_per_minute_$1: 10000');
const seed = JSON.parse(read('intent.json'));
const BASE_MS = Date.UTC(2026, 1, 18);
const headers = new Headers({ 'content-type': 'application/json', authorization: 'Bearer t' });
const dir = mkdtempSync(join(tmpdir(), 'split-ab-'));
let n = 0;
const nextBytes = () => {
  n++;
  return Buffer.from(JSON.stringify({ intent: { ...seed, intent_id: `s-${n}`, timestamp: new Date(BASE_MS + n * 10).toISOString(), qty: 1 } }));
};
async function round(m, mode) {
  const engine = await m.PolicyEngine.fromYaml(policyText);
  const gate = m.gateFromState(engine, { portfolio: m.parsePortfolioState(JSON.parse(read('portfolio.json'))), market: m.parseMarketSnapshot(JSON.parse(read('market.json'))) });
  const audit = mode === 'none' ? undefined : await m.FileAuditSink.open(join(dir, `${mode}-${n}.jsonl`), { mode });
  const lines = [];
  const service = await m.GateService.create({ gate, token: 't', ...(audit && { audit, auditMode: mode }), log: (e) => lines.push(JSON.stringify(e)) });
  const bodies = Array.from({ length: N }, nextBytes);
  const request = { method: 'POST', url: '/v1/check', headers, body: null };
  const one = (bytes) => service.handle(request, { readBody: async () => bytes });
  for (let i = 0; i < 500; i++) await one(nextBytes());
  const t0 = process.cpuUsage();
  for (let i = 0; i < N; i += 16) {
    const replies = await Promise.all(bodies.slice(i, i + 16).map(one));
    if (replies[0].status !== 200) throw new Error(`${mode}: ${replies[0].status} ${replies[0].body}`);
  }
  const t = process.cpuUsage(t0);
  await audit?.close();
  return (t.user + t.system) / N;
}
const res = {};
for (let r = 0; r < ROUNDS; r++) for (const mode of ['none', 'batched']) for (const k of r % 2 ? ['B', 'A'] : ['A', 'B']) (res[`${mode} ${k}`] ??= []).push(await round(mods[k], mode));
rmSync(dir, { recursive: true, force: true });
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const [k, xs] of Object.entries(res)) console.log(k.padEnd(12), med(xs).toFixed(1), `[${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}]`);
for (const mode of ['none', 'batched']) console.log(mode, 'B/A', (med(res[`${mode} B`]) / med(res[`${mode} A`])).toFixed(3));

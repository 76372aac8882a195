// A/B of FileAuditSink in one process: loads the sink of two builds and alternates short timed
// slices of the same work on each (many slices, in turn), so that both see the same machine load —
// on a shared machine, whole-process A/B runs (bench/audit-ab.mjs) vary by ±30% run to run.
//   node --expose-gc bench/audit-ab-inproc.mjs A_DIST B_DIST [slices=30] [sliceMs=250]
// Rows: batched (build + append, the writer thread writing behind) and durable (128 concurrent
// callers, group commit). Files go to the OS temp folder and grow for the whole run. Also prints the
// process's CPU time per event, the steadier measure on a loaded machine. Prints each build's median events/s over its slices and the ratio B/A.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decision, engine, execution, intent, market, portfolio } from './state.mjs';

const [a, b, slicesText = '30', sliceText = '250'] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node --expose-gc bench/audit-ab-inproc.mjs A_DIST B_DIST [slices] [sliceMs]');
  process.exit(2);
}
const slices = Number(slicesText);
const sliceMs = Number(sliceText);
const load = async (dist) => {
  const base = pathToFileURL(`${resolve(dist)}/`);
  // The audit API is `audit.js` since the entries were split by concern; older builds had it in `index.js`.
  const audit = await import(new URL('audit.js', base).href).catch(() => import(new URL('index.js', base).href));
  const { buildAuditEvent } = audit;
  const { FileAuditSink } = await import(new URL('node.js', base).href);
  return { buildAuditEvent, FileAuditSink };
};
const builds = { A: await load(a), B: await load(b) };
const dir = mkdtempSync(join(tmpdir(), 'pg-audit-ab-'));

// Each row opens one sink per build for all its slices (as a long-running service would: the writer
// thread starts once), times the appends of a slice, then flushes (not timed).
const rows = {
  batched: {
    mode: 'batched',
    slice: async ({ buildAuditEvent }, sink) => {
      let n = 0;
      const start = performance.now();
      const end = start + sliceMs;
      while (performance.now() < end) {
        for (let k = 0; k < 64; k++) sink.append(buildAuditEvent(decision, intent, portfolio, market, execution, engine.policyHash));
        n += 64;
        await new Promise((r) => setImmediate(r)); // the event loop turns, as in a server: the sink hands its batch over
      }
      return { rate: (n * 1000) / (performance.now() - start), n };
    },
  },
  durable: {
    mode: 'durable',
    slice: async ({ buildAuditEvent }, sink) => {
      let n = 0;
      const start = performance.now();
      const end = start + sliceMs;
      await Promise.all(
        Array.from({ length: 128 }, async () => {
          while (performance.now() < end) {
            await sink.append(buildAuditEvent(decision, intent, portfolio, market, execution, engine.policyHash));
            n++;
          }
        }),
      );
      return { rate: (n * 1000) / (performance.now() - start), n };
    },
  },
};
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`A = ${resolve(a)}\nB = ${resolve(b)}\n${slices} slices of ${sliceMs} ms per build and row, alternating`);
for (const [row, { mode, slice }] of Object.entries(rows)) {
  const rates = { A: [], B: [] };
  const sinks = {};
  for (const name of ['A', 'B']) {
    sinks[name] = await builds[name].FileAuditSink.open(join(dir, `${row}-${name}.jsonl`), { mode });
    await slice(builds[name], sinks[name]); // warm-up (and the writer thread's start), not counted
    await sinks[name].flush();
  }
  const cpu = { A: [], B: [] };
  for (let i = 0; i < slices; i++) {
    for (const name of i % 2 ? ['B', 'A'] : ['A', 'B']) {
      globalThis.gc?.();
      // CPU time of the whole process (this thread, the writer thread, the GC) per event, including
      // the flush: less sensitive to the machine's load than events per second of wall time.
      const before = process.cpuUsage();
      const { rate, n } = await slice(builds[name], sinks[name]);
      await sinks[name].flush();
      const used = process.cpuUsage(before);
      rates[name].push(rate);
      cpu[name].push((used.user + used.system) / n);
    }
  }
  for (const name of ['A', 'B']) await sinks[name].close();
  const ratio = median(rates.B) / median(rates.A);
  console.log(
    `${row}: A median ${fmt(median(rates.A))} (${fmt(Math.min(...rates.A))}–${fmt(Math.max(...rates.A))}), B median ${fmt(median(rates.B))} (${fmt(Math.min(...rates.B))}–${fmt(Math.max(...rates.B))}) events/s; B/A ${ratio.toFixed(3)}`,
  );
  const us = (xs) => `${median(xs).toFixed(1)} µs (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
  console.log(`${row}: CPU per event (process, flush included): A ${us(cpu.A)}, B ${us(cpu.B)}; B/A ${(median(cpu.B) / median(cpu.A)).toFixed(3)}`);
}
rmSync(dir, { recursive: true, force: true });

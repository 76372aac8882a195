// Prints tinybench results as a table with spread, the target, and the ratio to a stated baseline.
// Exit code 1 when a target is missed, so `npm run bench` fails loudly.

/**
 * @param {import('tinybench').Bench} bench
 * @param {{ task: string, unit: string, target?: number, maxMeanMs?: number, baseline?: { name: string, hz: number } }[]} specs
 */
export function report(bench, specs) {
  let missed = false;
  for (const spec of specs) {
    const task = bench.tasks.find((t) => t.name === spec.task);
    const r = task?.result;
    if (!r || r.state === 'errored' || r.error) {
      console.log(`${spec.task}: FAILED ${r?.error ?? 'no result'}`);
      missed = true;
      continue;
    }
    const hz = r.throughput?.mean ?? r.hz;
    const meanMs = r.latency?.mean ?? r.mean;
    const rme = r.latency?.rme ?? r.rme;
    const p99 = r.latency?.p99 ?? r.p99;
    const samples = r.latency?.samplesCount ?? r.samples?.length;
    let line = `${spec.task}: ${fmt(hz)} ${spec.unit} (mean ${fmtMs(meanMs)}, p99 ${fmtMs(p99)}, ±${rme.toFixed(2)}%, ${samples} samples)`;
    if (spec.baseline) line += ` — ${(hz / spec.baseline.hz).toFixed(1)}× ${spec.baseline.name} (${fmt(spec.baseline.hz)} ${spec.unit})`;
    if (spec.target !== undefined) {
      const ok = hz >= spec.target;
      missed ||= !ok;
      line += ` — target ≥ ${fmt(spec.target)}: ${ok ? 'met' : 'MISSED'}`;
    }
    if (spec.maxMeanMs !== undefined) {
      const ok = meanMs < spec.maxMeanMs;
      missed ||= !ok;
      line += ` — target mean < ${spec.maxMeanMs} ms: ${ok ? 'met' : 'MISSED'}`;
    }
    console.log(line);
  }
  if (missed) process.exitCode = 1;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const fmtMs = (ms) => (ms < 0.001 ? `${(ms * 1e6).toFixed(0)} ns` : ms < 1 ? `${(ms * 1000).toFixed(2)} µs` : `${ms.toFixed(2)} ms`);

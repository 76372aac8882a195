// Prints tinybench results as a table with spread, the target, and the ratio to a stated baseline.
// Exit code 1 when a target is missed, so `npm run bench` fails loudly.

/**
 * @param {import('tinybench').Bench} bench
 * @param {{ task: string, unit: string, per?: number, target?: number, maxMeanMs?: number, baseline?: { name: string, hz: number } }[]} specs
 *   `per`: operations per timed iteration (default 1). Rates are operations / mean time per
 *   operation — total time over total operations — never the mean of per-sample rates, which fast
 *   samples inflate.
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
    const per = spec.per ?? 1;
    const meanMs = (r.latency?.mean ?? r.mean) / per;
    const hz = 1000 / meanMs;
    const rme = r.latency?.rme ?? r.rme;
    const p99 = (r.latency?.p99 ?? r.p99) / per;
    const samples = r.latency?.samplesCount ?? r.samples?.length;
    const batch = per > 1 ? ` per operation, ${per} per timed batch` : '';
    let line = `${spec.task}: ${fmt(hz)} ${spec.unit} (mean ${fmtMs(meanMs)}, p99 ${fmtMs(p99)}${batch}, ±${rme.toFixed(2)}%, ${samples} samples)`;
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

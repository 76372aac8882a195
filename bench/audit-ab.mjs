// A/B of the audit trail's throughput: runs bench/audit.bench.mjs on two builds, alternating, in one
// run, and prints each row's events/s per build as a range (min–max over the rounds) and the ratio
// of the medians (B / A).
//   node bench/audit-ab.mjs A_DIST B_DIST [rounds=3]     (B_DIST '-' = packages/policygate-capital/dist)
// The dists must lie inside the repository (their `yaml` and `valibot` imports resolve from it).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const [a, b = '-', roundsText = '3'] = process.argv.slice(2);
if (!a) {
  console.error('usage: node bench/audit-ab.mjs A_DIST B_DIST [rounds]');
  process.exit(2);
}
const builds = { A: resolve(a), B: b === '-' ? undefined : resolve(b) };
const rounds = Math.max(1, Number(roundsText) || 3);
const bench = new URL('./audit.bench.mjs', import.meta.url).pathname;
const results = { A: new Map(), B: new Map() };

for (let r = 0; r < rounds; r++) {
  for (const name of r % 2 === 0 ? ['A', 'B'] : ['B', 'A']) {
    const env = { ...process.env };
    if (builds[name]) env.AUDIT_BENCH_DIST = builds[name];
    else delete env.AUDIT_BENCH_DIST;
    const run = spawnSync(process.execPath, ['--expose-gc', bench], { env, encoding: 'utf8' });
    for (const line of run.stdout.split('\n')) {
      const m = /^(.+?): ([\d,]+) events\/s/.exec(line);
      if (!m) continue;
      const rates = results[name].get(m[1]) ?? [];
      rates.push(Number(m[2].replaceAll(',', '')));
      results[name].set(m[1], rates);
    }
    if (run.status !== 0 && run.status !== 1) console.error(`${name} round ${r + 1}: exit ${run.status}\n${run.stderr}`);
    console.error(`round ${r + 1}/${rounds}: ${name} done`);
  }
}
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`A = ${builds.A}\nB = ${builds.B ?? 'packages/policygate-capital/dist'}\n${rounds} rounds, alternating`);
for (const [row, ra] of results.A) {
  const rb = results.B.get(row) ?? [];
  if (rb.length === 0) continue;
  const ratio = median(rb) / median(ra);
  console.log(`${row}: A ${fmt(Math.min(...ra))}–${fmt(Math.max(...ra))}, B ${fmt(Math.min(...rb))}–${fmt(Math.max(...rb))} events/s; B/A (medians) ${ratio.toFixed(3)}`);
}

// CLI start-up: a one-shot `policygate-eval` on the seed example (examples/, as `npm run demo` runs
// it) against a bare `node -e 0`, each a whole process, alternating in one run so that both see the
// same machine load. Reports the median wall time of each and the ratio of the medians (and the
// median of the per-pair ratios). Target (issue 16): ≤ 1.5× a bare `node -e 0`.
//   node bench/cli-start.mjs [pairs]        (default 21 pairs, at least 7)
//   CLI_START_BIN=path/to/bin/policygate-eval.cjs node bench/cli-start.mjs   (another build's bin, for A/B)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const TARGET = 1.5;
const root = fileURLToPath(new URL('../', import.meta.url));
// The launcher npm links as `policygate-eval` (it runs dist/bin/policygate-eval.cjs with its code cache): what a user runs.
const bin = process.env.CLI_START_BIN ?? `${root}packages/policygate-capital/bin/policygate-eval.cjs`;
if (!existsSync(bin) || !existsSync(`${root}packages/policygate-capital/dist/bin/policygate-eval.cjs`)) {
  console.error(`${bin} is missing: run \`npm run build\` first`);
  process.exit(2);
}
const pairs = Math.max(7, Number(process.argv[2] ?? 21) || 21);
const example = ['policy.yaml', 'intent.json', 'portfolio.json', 'market.json', 'execution.json'];
const args = [bin, ...example.flatMap((f) => [`--${f.split('.')[0]}`, `${root}examples/${f}`])];

function time(argv, expectStatus) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== expectStatus) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

// Warm the page cache (and check the command works) before timing.
time(args, 0);
time(['-e', '0'], 0);
const bare = [];
const cli = [];
const ratios = [];
for (let i = 0; i < pairs; i++) {
  // Alternate which goes first, so neither always runs right after the other.
  let b;
  let c;
  if (i % 2 === 0) {
    b = time(['-e', '0'], 0);
    c = time(args, 0);
  } else {
    c = time(args, 0);
    b = time(['-e', '0'], 0);
  }
  bare.push(b);
  cli.push(c);
  ratios.push(c / b);
}
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ratio = median(cli) / median(bare);
console.log(
  `${pairs} pairs, whole processes, alternating; Node ${process.version}; load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(`node -e 0: median ${median(bare).toFixed(1)} ms (min ${Math.min(...bare).toFixed(1)}, max ${Math.max(...bare).toFixed(1)})`);
console.log(`policygate-eval (seed example): median ${median(cli).toFixed(1)} ms (min ${Math.min(...cli).toFixed(1)}, max ${Math.max(...cli).toFixed(1)})`);
console.log(`ratio of medians: ${ratio.toFixed(2)}× (median of pair ratios ${median(ratios).toFixed(2)}×) — target ≤ ${TARGET}×: ${ratio <= TARGET ? 'met' : 'MISSED'}`);
if (ratio > TARGET) process.exitCode = 1;

// The A/B of issue 16 in one run: PolicyEngine.evaluate, PolicyGate.check and the FileAuditSink
// (batched and durable) of two builds, each measured in one process that alternates short slices of
// A and B (so both see the same machine load), one after the other:
//
//   npm run bench:ab -- <dist A> [dist B]        (B: packages/policygate-capital/dist)
//
// A dist is a built packages/policygate-capital/dist of another commit, e.g.
//   git worktree add /tmp/pg-before <commit> && (cd /tmp/pg-before && ln -s "$PWD/node_modules" . && npm run build)
// (its `yaml` and `valibot` imports must resolve: a symlinked node_modules beside it does).
// Issue 16's baseline is 31bf805 (BENCHMARKS.md says why). Its policygate-serve imports
// @hono/node-server, which this tree no longer installs; the A/B needs only its library, so build
// that without the server entries:
//   git worktree add /tmp/pg-before 31bf805 && cd /tmp/pg-before && ln -s /path/to/this/repo/node_modules .
//   sed -i -e "/server: 'src\/server\/index.ts'/d" -e "/bin\/policygate-serve/d" -e 's/noEmitOnError: true/noEmitOnError: false/' rollup.config.mjs
//   (cd packages/policygate-capital && npx rollup -c ../../rollup.config.mjs)
// Each part prints B/A of its medians; 1.000 is "the same", below is faster. On a shared machine
// the spread of the per-round ratios (printed) is the noise to compare a difference with.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const [a, b = 'packages/policygate-capital/dist'] = process.argv.slice(2);
if (!a) {
  console.error('usage: npm run bench:ab -- <dist A> [dist B]');
  process.exit(2);
}
const here = (f) => new URL(f, import.meta.url).pathname;
const env = { ...process.env, POLICYGATE_DIST_A: resolve(a), POLICYGATE_DIST_B: resolve(b) };
const parts = [
  ['evaluate (50 positions)', [here('evaluate-ab.mjs'), '40']],
  ['PolicyGate.check (5, 50 and 5,000 positions)', [here('gate-ab.mjs'), '60']],
  ['FileAuditSink, batched and durable', ['--expose-gc', here('audit-ab-inproc.mjs'), resolve(a), resolve(b), '30', '250']],
];
let failed = false;
for (const [name, args] of parts) {
  console.log(`\n## ${name}`);
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);

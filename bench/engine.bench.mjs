// Stateless engine: PolicyEngine.evaluate on a 50-position portfolio (ALLOW path, after warm-up),
// and PolicyEngine.fromYaml of the README policy. Baseline: the Python package 0.1 on this machine,
// 38,000 evals/s (26 µs each) — the figure stated in the performance issue.
import { Bench } from 'tinybench';
import { PolicyEngine } from '../packages/policygate-capital/dist/index.js';
import { report } from './report.mjs';
import { engine, execution, frozen as snapshot, intent, market, policyText, portfolio } from './state.mjs';

// A timed batch of evaluations per tinybench iteration: a single call (~1 µs) is too short to time
// alone (the timer's own cost would be counted). Every decision is checked to be ALLOW.
const BATCH = 64;
let notAllowed = 0;
const bench = new Bench({ time: 2000, warmupTime: 500 });
bench
  .add('PolicyEngine.evaluate, 50 positions, ALLOW', () => {
    for (let i = 0; i < BATCH; i++) if (engine.evaluate(intent, portfolio, market, execution).decision !== 'ALLOW') notAllowed++;
  })
  .add('PolicyEngine.evaluate, 50 positions, ALLOW, frozen snapshot', () => {
    for (let i = 0; i < BATCH; i++) if (engine.evaluate(intent, snapshot.portfolio, snapshot.market, execution).decision !== 'ALLOW') notAllowed++;
  })
  .add('PolicyEngine.fromYaml, README policy', async () => {
    await PolicyEngine.fromYaml(policyText);
  });
await bench.run();

if (notAllowed > 0) {
  console.log(`${notAllowed} timed evaluations were not ALLOW: the benchmark did not measure the ALLOW path`);
  process.exitCode = 1;
}
report(bench, [
  { task: 'PolicyEngine.evaluate, 50 positions, ALLOW', unit: 'evals/s', per: BATCH, target: 800_000, baseline: { name: 'Python package 0.1', hz: 38_000 } },
  { task: 'PolicyEngine.evaluate, 50 positions, ALLOW, frozen snapshot', unit: 'evals/s', per: BATCH, target: 800_000, baseline: { name: 'Python package 0.1', hz: 38_000 } },
  { task: 'PolicyEngine.fromYaml, README policy', unit: 'loads/s', maxMeanMs: 1 },
]);

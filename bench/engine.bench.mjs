// Stateless engine: PolicyEngine.evaluate on a 50-position portfolio (ALLOW path, after warm-up),
// and PolicyEngine.fromYaml of the README policy. Baseline: the Python package 0.1 on this machine,
// 38,000 evals/s (26 µs each) — the figure stated in the performance issue.
import { Bench } from 'tinybench';
import { PolicyEngine } from '../packages/policygate-capital/dist/index.js';
import { report } from './report.mjs';
import { engine, execution, frozen as snapshot, intent, market, policyText, portfolio } from './state.mjs';

const bench = new Bench({ time: 2000, warmupTime: 500 });
bench
  .add('PolicyEngine.evaluate, 50 positions, ALLOW', () => {
    engine.evaluate(intent, portfolio, market, execution);
  })
  .add('PolicyEngine.evaluate, 50 positions, ALLOW, frozen snapshot', () => {
    engine.evaluate(intent, snapshot.portfolio, snapshot.market, execution);
  })
  .add('PolicyEngine.fromYaml, README policy', async () => {
    await PolicyEngine.fromYaml(policyText);
  });
await bench.run();

report(bench, [
  { task: 'PolicyEngine.evaluate, 50 positions, ALLOW', unit: 'evals/s', baseline: { name: 'Python package 0.1', hz: 38_000 } },
  { task: 'PolicyEngine.evaluate, 50 positions, ALLOW, frozen snapshot', unit: 'evals/s', target: 800_000, baseline: { name: 'Python package 0.1', hz: 38_000 } },
  { task: 'PolicyEngine.fromYaml, README policy', unit: 'loads/s', maxMeanMs: 1 },
]);

// A/B of PolicyEngine.evaluate between two builds in one process: A = POLICYGATE_DIST_A (e.g. the
// dist of the commit before a change), B = POLICYGATE_DIST_B (default: the current build). The same
// v0.1 policy and 50-position state as the engine bench, parsed by each build's own parsers; rounds
// alternate A and B (and which goes first), each timing SLICE evaluations on the ALLOW path. Prints
// the median ns/evaluation of each and the median and range of the per-round ratio B/A.
//
//   POLICYGATE_DIST_A=path/to/old/dist node bench/evaluate-ab.mjs [rounds]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { policyText, wireState } from './state.mjs';

const ROUNDS = Number(process.argv[2] ?? 40);
const SLICE = 1 << 14;
if (!process.env.POLICYGATE_DIST_A) throw new Error('set POLICYGATE_DIST_A to the dist to compare against');
const load = (dir) => import(pathToFileURL(resolve(dir, 'index.js')).href);

async function setup(lib) {
  const w = wireState();
  const wire = (parse, value) => parse(JSON.parse(JSON.stringify(value)));
  const engine = await lib.PolicyEngine.fromYaml(policyText);
  const intent = wire(lib.parseOrderIntent, w.intent);
  const portfolio = wire(lib.parsePortfolioState, w.portfolio);
  const market = wire(lib.parseMarketSnapshot, w.market);
  const execution = wire(lib.parseExecutionState, w.execution);
  if (engine.evaluate(intent, portfolio, market, execution).decision !== 'ALLOW') throw new Error('setup: expected ALLOW');
  return () => {
    let bad = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < SLICE; i++) if (engine.evaluate(intent, portfolio, market, execution).decision !== 'ALLOW') bad++;
    const ns = Number(process.hrtime.bigint() - start) / SLICE;
    if (bad) throw new Error(`${bad} evaluations were not ALLOW`);
    return ns;
  };
}

const a = await setup(await load(process.env.POLICYGATE_DIST_A));
const b = await setup(await load(process.env.POLICYGATE_DIST_B ?? 'packages/policygate-capital/dist'));
for (let i = 0; i < 5; i++) a(), b();
const ra = [];
const rb = [];
const ratios = [];
for (let r = 0; r < ROUNDS; r++) {
  const [x, y] = r % 2 ? [a(), b()] : ((t) => [b(), t()])(a).reverse();
  ra.push(x);
  rb.push(y);
  ratios.push(y / x);
}
const median = (v) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
const range = (v) => `${Math.min(...v).toFixed(3)}–${Math.max(...v).toFixed(3)}`;
console.log(
  `PolicyEngine.evaluate, 50 positions, v0.1 policy: A ${median(ra).toFixed(0)} ns, B ${median(rb).toFixed(0)} ns; B/A median ${median(ratios).toFixed(3)} (rounds ${range(ratios)}, ${ROUNDS} rounds)`,
);

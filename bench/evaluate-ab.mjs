// A/B of PolicyEngine.evaluate between two builds in one process: A = POLICYGATE_DIST_A (e.g. the
// dist of the commit before a change), B = POLICYGATE_DIST_B (default: the current build). The same
// v0.1 policy and 50-position state as the engine bench, parsed by each build's own parsers; rounds
// alternate A and B (and which goes first), each timing SLICE evaluations on the ALLOW path. Prints
// the median ns/evaluation of each and the median and range of the per-round ratio B/A.
//
//   POLICYGATE_DIST_A=path/to/old/dist node bench/evaluate-ab.mjs [rounds]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROUNDS = Number(process.argv[2] ?? 40);
const SLICE = 1 << 14;
if (!process.env.POLICYGATE_DIST_A) throw new Error('set POLICYGATE_DIST_A to the dist to compare against');
const load = (dir) => import(pathToFileURL(resolve(dir, 'index.js')).href);
const policyText = readFileSync(new URL('../tests/fixtures/conformance/reference-policy.yaml', import.meta.url), 'utf8');

async function setup(lib) {
  const positions = {};
  const prices = { AAPL: 200 };
  for (let i = 0; i < 50; i++) {
    const sym = `SYM${String(i).padStart(3, '0')}`;
    positions[sym] = (i % 2 ? 1 : -1) * (5 + (i % 7));
    prices[sym] = 20 + i * 1.37;
  }
  const wire = (parse, value) => parse(JSON.parse(JSON.stringify(value)));
  const engine = await lib.PolicyEngine.fromYaml(policyText);
  const intent = wire(lib.parseOrderIntent, {
    intent_id: 'ab-1',
    timestamp: '2026-02-18T14:30:00Z',
    strategy_id: 'momentum_v1',
    account_id: 'acct_1',
    instrument: { symbol: 'AAPL', asset_class: 'equity' },
    side: 'buy',
    order_type: 'market',
    qty: 10,
    limit_price: null,
  });
  const portfolio = wire(lib.parsePortfolioState, { equity: 1_000_000, start_of_day_equity: 1_000_000, peak_equity: 1_000_000, positions, realized_pnl_today: 0, unrealized_pnl: 0 });
  const market = wire(lib.parseMarketSnapshot, { timestamp: '2026-02-18T14:30:00Z', prices });
  const execution = wire(lib.parseExecutionState, { orders_last_60s_global: 3, orders_last_60s_by_strategy: { momentum_v1: 1 }, violations_last_window: [], kill_switch_active: false });
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

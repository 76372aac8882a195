// Stateless engine: PolicyEngine.evaluate on a 50-position portfolio (ALLOW path, after warm-up),
// and PolicyEngine.fromYaml of the README policy. Baseline: the Python package 0.1 on this machine,
// 38,000 evals/s (26 µs each) — the figure stated in the performance issue.
import { readFileSync } from 'node:fs';
import { Bench } from 'tinybench';
import { PolicyEngine, parseExecutionState, parseMarketSnapshot, parseOrderIntent, parsePortfolioState } from '../packages/policygate-capital/dist/index.js';
import { report } from './report.mjs';

const policyText = readFileSync(new URL('../../shared/conformance/reference-policy.yaml', import.meta.url), 'utf8');
const engine = await PolicyEngine.fromYaml(policyText);

// 50 positions, small enough that every exposure stays under the README policy's limits.
const positions = {};
const prices = { AAPL: 200 };
for (let i = 0; i < 50; i++) {
  const sym = `SYM${String(i).padStart(3, '0')}`;
  positions[sym] = (i % 2 ? 1 : -1) * (5 + (i % 7));
  prices[sym] = 20 + i * 1.37;
}
// States arrive as JSON and pass the boundary parsers once, as in production.
const wire = (parse, value) => parse(JSON.parse(JSON.stringify(value)));
const intent = wire(parseOrderIntent, {
  intent_id: 'bench-1', timestamp: '2026-02-18T14:30:00Z', strategy_id: 'momentum_v1', account_id: 'acct_1',
  instrument: { symbol: 'AAPL', asset_class: 'equity' }, side: 'buy', order_type: 'market', qty: 10, limit_price: null,
});
const portfolio = wire(parsePortfolioState, { equity: 1_000_000, start_of_day_equity: 1_000_000, peak_equity: 1_000_000, positions, realized_pnl_today: 0, unrealized_pnl: 0 });
const market = wire(parseMarketSnapshot, { timestamp: '2026-02-18T14:30:00Z', prices });
const execution = wire(parseExecutionState, { orders_last_60s_global: 3, orders_last_60s_by_strategy: { momentum_v1: 1 }, violations_last_window: [], kill_switch_active: false });

const check = engine.evaluate(intent, portfolio, market, execution);
if (check.decision !== 'ALLOW') throw new Error(`bench setup: expected ALLOW, got ${check.decision} ${JSON.stringify(check.violations)}`);

// The same state as an immutable snapshot: frozen positions and prices let the engine compute the
// holdings' exposure once per snapshot (see README "Performance").
const snapshot = {
  portfolio: { ...portfolio, positions: Object.freeze({ ...portfolio.positions }) },
  market: { ...market, prices: Object.freeze({ ...market.prices }) },
};

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

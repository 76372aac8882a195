// Policy DSL v0.2 cost: PolicyEngine.evaluate on a v0.2 policy with every new rule configured
// (instruments with a multiplier and lot sizes, every order control, the price-age limit, the
// duplicate window with 20 recent orders, reduce-only) against the same evaluation under the v0.1
// policy, on the 50-position state of the other benches. All run in the same process, in
// alternating rounds, so that the machine's speed changes hit them alike; the figure is the median
// of the per-round ratios. Target: v0.2 ≤ 1.25 × v0.1 (with the rules configured; the run with 20
// recent orders to scan is reported beside it).
import { PolicyEngine, parseExecutionState } from '../packages/policygate-capital/dist/index.js';
import { engine, execution, intent, market, policyText, portfolio } from './state.mjs';

const v02Text =
  policyText
    .replace(/version: "?0\.1"?/, 'version: "0.2"')
    .replace(
      / {2}kill_switch:\n/,
      `  order:
    max_order_qty: 100000
    max_order_notional: 10000000
    price_collar_pct: 0.05
    restricted_symbols: [GME, AMC]
  market_data:
    max_price_age_seconds: 5
  kill_switch:
    reduce_only: true
`,
    )
    .replace(/max_orders_per_minute_by_strategy: (\d+)/, 'max_orders_per_minute_by_strategy: $1\n    duplicate_window_seconds: 10') +
  `instruments:
  AAPL: {lot_size: 1}
  SYM001: {multiplier: ${process.env.MULT ?? 50}, lot_size: 1}
  SYM002: {lot_size: 0.0001}
`;
const v02 = await PolicyEngine.fromYaml(v02Text);
if (v02.policy.version !== '0.2') throw new Error('bench setup: the v0.2 policy did not parse as v0.2');
const recent = Array.from({ length: Number(process.env.RECENT ?? 20) }, (_, i) => ({
  intent_id: `prev-${i}`,
  timestamp: `2026-02-18T14:29:${String(40 + (i % 20)).padStart(2, '0')}Z`,
  account_id: 'acct_1',
  strategy_id: 'momentum_v1',
  symbol: i % 2 ? 'AAPL' : 'MSFT',
  side: 'buy',
  order_type: 'market',
  qty: 11 + i,
  limit_price: null,
}));
const executionV02 = parseExecutionState({ ...JSON.parse(JSON.stringify(execution)), recent_orders: recent });

for (const [name, e, x] of [
  ['v0.1', engine, execution],
  ['v0.2', v02, executionV02],
]) {
  const d = e.evaluate(intent, portfolio, market, x);
  if (d.decision !== 'ALLOW') throw new Error(`bench setup: ${name} expected ALLOW, got ${d.decision} ${JSON.stringify(d.violations)}`);
  if (name === 'v0.2' && d.evidence.length !== 9) throw new Error(`bench setup: v0.2 should report 9 evidence items, got ${d.evidence.length}`);
}

/** Evaluations per second over `ms` of batches of 64. */
function rate(e, x, ms) {
  let n = 0;
  let bad = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 64; i++) if (e.evaluate(intent, portfolio, market, x).decision !== 'ALLOW') bad++;
    n += 64;
    now = performance.now();
  }
  if (bad) throw new Error(`${bad} evaluations were not ALLOW`);
  return (n / (now - start)) * 1000;
}

const executionNoRecent = parseExecutionState({ ...JSON.parse(JSON.stringify(execution)), recent_orders: [] });
rate(engine, execution, 500);
rate(v02, executionNoRecent, 500);
rate(v02, executionV02, 500);
// Three in turn per round: v0.1, v0.2 with every rule configured and no recent orders, v0.2 with
// 20 recent orders in the state (the stateless `evaluate` reads each one: O(n) in the list; the
// gate keeps an index instead).
const rounds = [];
for (let r = 0; r < 15; r++) {
  const a = rate(engine, execution, 250);
  const b = rate(v02, executionNoRecent, 250);
  const c = rate(v02, executionV02, 250);
  rounds.push({ a, b, c });
}
const med = (v) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
const span = (v) => `${Math.min(...v).toFixed(3)}–${Math.max(...v).toFixed(3)}`;
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const ratioB = rounds.map((r) => r.a / r.b);
const ratioC = rounds.map((r) => r.a / r.c);
console.log(`PolicyEngine.evaluate, 50 positions, v0.1 policy: ${fmt(med(rounds.map((r) => r.a)))} evals/s`);
console.log(
  `PolicyEngine.evaluate, 50 positions, v0.2 policy, every new rule configured: ${fmt(med(rounds.map((r) => r.b)))} evals/s; with ${recent.length} recent orders: ${fmt(med(rounds.map((r) => r.c)))} evals/s`,
);
const ok = med(ratioB) <= 1.25;
console.log(`v0.2 cost / v0.1 cost, every new rule configured: ${med(ratioB).toFixed(3)}× (median of ${rounds.length} alternating rounds; ${span(ratioB)}) — target ≤ 1.25×: ${ok ? 'met' : 'MISSED'}`);
console.log(`v0.2 cost / v0.1 cost, the same with ${recent.length} recent orders to scan: ${med(ratioC).toFixed(3)}× (${span(ratioC)}) — reported, not a target`);
if (!ok) process.exitCode = 1;

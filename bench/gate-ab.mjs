// A/B of PolicyGate.check between two builds in one process: A = POLICYGATE_DIST_A (e.g. a saved
// copy of the dist before a change), B = POLICYGATE_DIST_B (default: the current build). Rounds
// alternate A and B (and which goes first), each timing SLICE checks on the ALLOW path of the
// gate bench's stream; the result is the median ns/check of each and the median and range of the
// per-round ratio B/A. In one process the two see the same machine load, which on a shared machine
// moves far more than 5% between separate runs.
//
//   POLICYGATE_DIST_A=path/to/old/dist node bench/gate-ab.mjs [rounds] [sizes, e.g. 5,50]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const ROUNDS = Number(process.argv[2] ?? 40);
const SLICE = 1 << 14;
const STREAM = 1 << 16;
const SIZES = process.argv[3] ? process.argv[3].split(',').map(Number) : [5, 50, 5000];
const load = (dir) => import(pathToFileURL(resolve(dir, 'index.js')).href);
if (!process.env.POLICYGATE_DIST_A) throw new Error('set POLICYGATE_DIST_A to the dist to compare against');
const variants = [
  { name: 'A', lib: await load(process.env.POLICYGATE_DIST_A) },
  { name: 'B', lib: await load(process.env.POLICYGATE_DIST_B ?? 'packages/policygate-capital/dist') },
];

const policyYaml = `version: "0.1"
timezone: "UTC"
defaults: { mode: enforce, decision: deny }
limits:
  exposure: { max_position_pct: 0.10, max_gross_exposure_x: 2.0, max_net_exposure_x: 1.0 }
  loss: { daily_loss_limit_pct: 0.02, max_drawdown_pct: 0.05 }
  execution: { max_orders_per_minute_global: 10000, max_orders_per_minute_by_strategy: 10000 }
  kill_switch: { trip_on_rules: ["LOSS-002"], trip_after_n_violations: 3, violation_window_seconds: 300 }
`;
const BASE = Date.UTC(2026, 1, 18, 14, 0, 0);
const stamp = (ms) => new Date(BASE + ms).toISOString();

function stream(n) {
  const positions = {};
  const prices = {};
  const symbols = [];
  for (let i = 0; i < n; i++) {
    const sym = `SYM${String(i).padStart(4, '0')}`;
    symbols.push(sym);
    positions[sym] = (i % 2 ? 1 : -1) * (1 + (i % 7));
    prices[sym] = 10 + (i % 97) * 0.37;
  }
  const portfolio = { equity: 10_000_000, start_of_day_equity: 10_000_000, peak_equity: 10_000_000, positions, realized_pnl_today: 0, unrealized_pnl: 0 };
  const intents = [];
  for (let i = 0; i < STREAM; i++) {
    intents.push({
      intent_id: `o-${i}`,
      timestamp: stamp(i * 20),
      strategy_id: `strat-${i % 4}`,
      account_id: 'acct-1',
      instrument: { symbol: symbols[(i * 7919) % n], asset_class: 'equity' },
      side: i % 3 === 0 ? 'sell' : 'buy',
      order_type: 'market',
      qty: 1 + (i % 5),
      limit_price: null,
    });
  }
  return { portfolio, market: { timestamp: stamp(0), prices }, intents };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const n of SIZES) {
  const s = stream(n);
  const runs = [];
  for (const v of variants) {
    const engine = await v.lib.PolicyEngine.fromYaml(policyYaml);
    const start = new v.lib.PolicyGate(engine, { portfolio: s.portfolio, market: s.market }).snapshot();
    const run = { v, engine, start, gate: v.lib.PolicyGate.restore(engine, start), next: 0, ns: [] };
    run.slice = () => {
      if (run.next + SLICE > STREAM) {
        run.gate = v.lib.PolicyGate.restore(run.engine, run.start);
        run.next = 0;
      }
      const { gate } = run;
      const { intents, market } = s;
      let bad = 0;
      const end = run.next + SLICE;
      const t0 = performance.now();
      for (let i = run.next; i < end; i++) if (gate.check(intents[i], market).decision !== 'ALLOW') bad++;
      const t1 = performance.now();
      run.next = end;
      if (bad) throw new Error(`${v.name}, ${n} positions: ${bad} checks were not ALLOW`);
      return ((t1 - t0) * 1e6) / SLICE;
    };
    for (let w = 0; w < 8; w++) run.slice(); // warm-up
    runs.push(run);
  }
  const ratios = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [runs[1], runs[0]] : runs;
    const t = new Map(order.map((run) => [run, run.slice()]));
    runs[0].ns.push(t.get(runs[0]));
    runs[1].ns.push(t.get(runs[1]));
    ratios.push(t.get(runs[1]) / t.get(runs[0]));
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  console.log(
    `PolicyGate.check, ${String(n).padStart(4)} positions: A ${median(runs[0].ns).toFixed(0)} ns, B ${median(runs[1].ns).toFixed(0)} ns; ` +
      `B/A median ${median(ratios).toFixed(3)} (quartiles ${q(0.25).toFixed(3)}–${q(0.75).toFixed(3)}, ${ROUNDS} rounds)`,
  );
}

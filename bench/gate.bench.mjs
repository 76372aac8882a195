// Stateful gate: PolicyGate.check on the ALLOW path at 5, 50, 500 and 5,000 positions, orders
// counted in the windows (autoRecord). Target (performance issue): ≥ 4,000,000 checks/s at 50
// positions, and flat in portfolio size (5,000 positions within 1.5× of 5).
//
// Each tinybench iteration runs a batch of checks (a single check is ~100s of ns, below what one
// timed call measures well); checks/s = batch × iterations/s. Intents are pre-built with
// timestamps 20 ms apart (3,000 orders in any 60 s, under the policy's 10,000/min), each on a held
// symbol, cycling strategies. When the pre-built stream runs out the gate is rebuilt from its
// starting snapshot in an untimed beforeEach hook, so every timed check sees advancing time.
// The stream's decisions are verified to be all ALLOW, before and after timing.
// POLICYGATE_DIST=<dir> measures another build (an A/B against a saved copy of an earlier dist).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { Bench } from 'tinybench';

const { PolicyEngine, PolicyGate } = await import(process.env.POLICYGATE_DIST ? pathToFileURL(resolve(process.env.POLICYGATE_DIST, 'index.js')).href : '../packages/policygate-capital/dist/index.js');

const SIZES = [5, 50, 500, 5000];
const STREAM = 1 << 16;
const BATCH = 1024;
const TARGET_50 = 4_000_000;
const FLAT_RATIO = 1.5;
// Baseline (performance issue): the Python package evaluates 38,000 orders/s at 50 positions; it has no gate.
const PYTHON_EVALS = 38_000;

const policyYaml = `version: "0.1"
timezone: "UTC"
defaults: { mode: enforce, decision: deny }
limits:
  exposure: { max_position_pct: 0.10, max_gross_exposure_x: 2.0, max_net_exposure_x: 1.0 }
  loss: { daily_loss_limit_pct: 0.02, max_drawdown_pct: 0.05 }
  execution: { max_orders_per_minute_global: 10000, max_orders_per_minute_by_strategy: 10000 }
  kill_switch: { trip_on_rules: ["LOSS-002"], trip_after_n_violations: 3, violation_window_seconds: 300 }
`;
const engine = await PolicyEngine.fromYaml(policyYaml);

// Policy DSL v0.2 with every new rule configured: instruments (multipliers, lot sizes), order
// controls, a market-data age limit, reduce-only halts and a 20 s duplicate window, which at one
// order per 20 ms keeps 1,000 recent orders (the duplicate lookup must not scan them).
const policyYamlV02 = `version: "0.2"
timezone: "UTC"
defaults: { mode: enforce, decision: deny }
limits:
  exposure: { max_position_pct: 0.5, max_gross_exposure_x: 2.0, max_net_exposure_x: 1.0 }
  loss: { daily_loss_limit_pct: 0.02, max_drawdown_pct: 0.05 }
  execution: { max_orders_per_minute_global: 10000, max_orders_per_minute_by_strategy: 10000, duplicate_window_seconds: 20 }
  kill_switch: { trip_on_rules: ["LOSS-002"], trip_after_n_violations: 3, violation_window_seconds: 300, reduce_only: true }
  order: { max_order_qty: 100000, max_order_notional: 100000000, price_collar_pct: 0.05, restricted_symbols: [GME] }
  market_data: { max_price_age_seconds: 3600 }
instruments:
  SYM0000: { multiplier: 50, lot_size: 1 }
  SYM0001: { multiplier: 50, lot_size: 1 }
  SYM0002: { lot_size: 1 }
`;
const engineV02 = await PolicyEngine.fromYaml(policyYamlV02);
const RECENT = 1000;
// GATE_BENCH=v02 runs only the v0.2 tasks (a shared machine: half the time).
const ONLY_V02 = process.env.GATE_BENCH === 'v02';

const pad = (n, w) => String(n).padStart(w, '0');
const BASE = Date.UTC(2026, 1, 18, 14, 0, 0);
/** RFC 3339 with milliseconds, as a trading system would stamp its intents. */
const stamp = (ms) => new Date(BASE + ms).toISOString();

function setup(n, v02 = false) {
  const positions = {};
  const prices = {};
  const symbols = [];
  for (let i = 0; i < n; i++) {
    const sym = `SYM${pad(i, 4)}`;
    symbols.push(sym);
    positions[sym] = (i % 2 ? 1 : -1) * (1 + (i % 7));
    prices[sym] = 10 + (i % 97) * 0.37;
  }
  // Equity large enough that every holding and order stays far inside the limits: the ALLOW path.
  const portfolio = { equity: 10_000_000, start_of_day_equity: 10_000_000, peak_equity: 10_000_000, positions, realized_pnl_today: 0, unrealized_pnl: 0 };
  const market = { timestamp: stamp(0), prices };
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
      // v0.2: no size repeats within 1,024 orders (20.48 s > the duplicate window): never a duplicate.
      qty: v02 ? 1 + (i % 1024) : 1 + (i % 5),
      limit_price: null,
    });
  }
  const start = new PolicyGate(v02 ? engineV02 : engine, { portfolio, market }).snapshot();
  return { intents, market, start, engine: v02 ? engineV02 : engine };
}

function verify(n, { intents, market, start, engine }) {
  const gate = PolicyGate.restore(engine, start);
  for (const intent of intents) {
    const d = gate.check(intent, market);
    if (d.decision !== 'ALLOW') throw new Error(`bench setup (${n} positions): ${intent.intent_id} got ${d.decision} ${JSON.stringify(d.violations)}`);
  }
}

const bench = new Bench({ time: 1500, warmupTime: 300 });
const states = new Map();
const v02States = new Map();
/** The gate's state after RECENT orders of the stream: the v0.2 gate starts with 1,000 recent orders. */
function warmed(s) {
  const gate = PolicyGate.restore(s.engine, s.start);
  for (let i = 0; i < RECENT; i++) gate.check(s.intents[i], s.market);
  return gate.snapshot();
}
for (const n of ONLY_V02 ? [] : SIZES) addGateTask(n, false);
for (const n of [5, 5000]) addGateTask(n, true);

function addGateTask(n, v02) {
  const s = setup(n, v02);
  verify(n, s);
  // The v0.2 gate resumes after its first RECENT orders, so that every timed check looks among 1,000.
  const start = v02 ? warmed(s) : s.start;
  const state = { ...s, start, gate: PolicyGate.restore(s.engine, start), next: v02 ? RECENT : 0, first: v02 ? RECENT : 0, notAllowed: 0 };
  (v02 ? v02States : states).set(n, state);
  const engine = s.engine;
  bench.add(
    `PolicyGate.check, ${n} positions, ALLOW${v02 ? `, v0.2 with ${RECENT} recent orders` : ''}`,
    () => {
      const { gate, intents, market } = state;
      let notAllowed = 0;
      const end = state.next + BATCH;
      for (let i = state.next; i < end; i++) if (gate.check(intents[i], market).decision !== 'ALLOW') notAllowed++;
      state.next = end;
      state.notAllowed += notAllowed;
    },
    {
      beforeEach() {
        if (state.next + BATCH > STREAM) {
          state.gate = PolicyGate.restore(engine, state.start);
          state.next = state.first;
        }
      },
    },
  );
}
// For context: what a caller without the gate pays, the pure evaluate on the same state (it sums
// every holding per call), with the execution state passed in.
const EVAL_BATCH = 64;
for (const n of ONLY_V02 ? [] : [50, 5000]) {
  const { intents, market, start } = states.get(n);
  const gate = PolicyGate.restore(engine, start);
  const portfolio = gate.portfolio;
  const execution = gate.executionState();
  let i = 0;
  bench.add(`PolicyEngine.evaluate, ${n} positions (no gate)`, () => {
    for (let k = 0; k < EVAL_BATCH; k++) engine.evaluate(intents[i++ & (STREAM - 1)], portfolio, market, execution);
  });
}
await bench.run();

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const rates = new Map();
let failed = false;
for (const n of ONLY_V02 ? [] : SIZES) {
  const task = bench.tasks.find((t) => t.name === `PolicyGate.check, ${n} positions, ALLOW`);
  const r = task?.result;
  if (!r || r.error || r.state === 'errored') {
    console.log(`${task?.name}: FAILED ${r?.error ?? 'no result'}`);
    failed = true;
    continue;
  }
  const hz = (r.throughput?.mean ?? r.hz) * BATCH;
  const rme = r.latency?.rme ?? r.rme;
  rates.set(n, hz);
  const ns = 1e9 / hz;
  let line = `PolicyGate.check, ${String(n).padStart(4)} positions: ${fmt(hz)} checks/s (${ns.toFixed(0)} ns/check, ±${rme.toFixed(2)}%)`;
  if (n === 50) line += ` — ${(hz / PYTHON_EVALS).toFixed(0)}× the Python package's stateless evaluate (${fmt(PYTHON_EVALS)}/s) — target ≥ ${fmt(TARGET_50)}: ${hz >= TARGET_50 ? 'met' : 'MISSED'}`;
  console.log(line);
  if (states.get(n).notAllowed > 0) {
    console.log(`  ${states.get(n).notAllowed} timed checks were not ALLOW: the benchmark did not measure the ALLOW path`);
    failed = true;
  }
  if (n === 50 && hz < TARGET_50) failed = true;
}
for (const n of [50, 5000]) {
  const r = bench.tasks.find((t) => t.name === `PolicyEngine.evaluate, ${n} positions (no gate)`)?.result;
  if (!r || r.error) continue;
  const hz = (r.throughput?.mean ?? r.hz) * EVAL_BATCH;
  console.log(`for context — PolicyEngine.evaluate, ${String(n).padStart(4)} positions, no gate: ${fmt(hz)} evals/s (${(1e9 / hz).toFixed(0)} ns/eval)`);
}
if (rates.has(5) && rates.has(5000)) {
  const ratio = rates.get(5) / rates.get(5000);
  const ok = ratio <= FLAT_RATIO;
  console.log(`flatness: 5 positions / 5,000 positions = ${ratio.toFixed(2)}× — target ≤ ${FLAT_RATIO}×: ${ok ? 'met' : 'MISSED'}`);
  if (!ok) failed = true;
}
const v02Rates = new Map();
for (const [n, state] of v02States) {
  const task = bench.tasks.find((t) => t.name === `PolicyGate.check, ${n} positions, ALLOW, v0.2 with ${RECENT} recent orders`);
  const r = task?.result;
  if (!r || r.error || r.state === 'errored') {
    console.log(`${task?.name}: FAILED ${r?.error ?? 'no result'}`);
    failed = true;
    continue;
  }
  const hz = (r.throughput?.mean ?? r.hz) * BATCH;
  const rme = r.latency?.rme ?? r.rme;
  v02Rates.set(n, hz);
  const recent = state.gate.executionState().recent_orders.length;
  console.log(`PolicyGate.check, ${String(n).padStart(4)} positions, v0.2 (every new rule, ${recent} recent orders): ${fmt(hz)} checks/s (${(1e9 / hz).toFixed(0)} ns/check, ±${rme.toFixed(2)}%)`);
  if (recent < RECENT - 1) {
    console.log(`  the gate held ${recent} recent orders, not ${RECENT}: the benchmark did not measure the lookup among ${RECENT}`);
    failed = true;
  }
  if (state.notAllowed > 0) {
    console.log(`  ${state.notAllowed} timed checks were not ALLOW: the benchmark did not measure the ALLOW path`);
    failed = true;
  }
}
if (v02Rates.has(5) && v02Rates.has(5000)) {
  const ratio = v02Rates.get(5) / v02Rates.get(5000);
  const ok = ratio <= FLAT_RATIO;
  console.log(`flatness, v0.2 with ${RECENT} recent orders: 5 positions / 5,000 positions = ${ratio.toFixed(2)}× — target ≤ ${FLAT_RATIO}×: ${ok ? 'met' : 'MISSED'}`);
  if (!ok) failed = true;
}
if (failed) process.exitCode = 1;

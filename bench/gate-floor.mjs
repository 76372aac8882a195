// What one PolicyGate.check costs *at the least* on this machine: a stripped check that does only
// the work no implementation can skip — read the intent's fields, parse its timestamp (the SDK's
// parser), count two 60 s windows, look up the symbol's position and mark, compute the five
// metrics, test the limits, build the Decision with its five rounded evidence items — and, as SPEC
// requires, time itself for `eval_ms` with two performance.now() calls. No kill switch, no exact
// sums, no overrides, no input checks: it is not a gate, only a floor to compare the gate with.
// Run: npm run build && node bench/gate-floor.mjs (not part of `npm run bench`, which measures the
// product). Same stream and batching as bench/gate.bench.mjs.
import { Bench } from 'tinybench';
import { parseTimestampUs } from '../packages/policygate-capital/dist/gate/time.js';
import { pyRound } from '../packages/policygate-capital/dist/util/py-round.js';

const N = 50;
const STREAM = 1 << 16;
const BATCH = 1024;
const WINDOW_US = 60e6;
const BASE = Date.UTC(2026, 1, 18, 14, 0, 0);
const symbols = Array.from({ length: N }, (_, i) => `SYM${String(i).padStart(4, '0')}`);
const book = new Map(symbols.map((s, i) => [s, { qty: (i % 2 ? 1 : -1) * (1 + (i % 7)), price: 10 + (i % 97) * 0.37 }]));
const intents = Array.from({ length: STREAM }, (_, i) => ({
  intent_id: `o-${i}`,
  timestamp: new Date(BASE + i * 20).toISOString(),
  strategy_id: `strat-${i % 4}`,
  account_id: 'acct-1',
  instrument: { symbol: symbols[(i * 7919) % N], asset_class: 'equity' },
  side: i % 3 === 0 ? 'sell' : 'buy',
  order_type: 'market',
  qty: 1 + (i % 5),
  limit_price: null,
}));
const equity = 10_000_000;
const r6 = (x) => pyRound(x, 6);

let globalTimes = [];
let globalHead = 0;
let byStrategy = new Map();

function check(intent, timed) {
  const start = timed ? performance.now() : 0;
  const { intent_id: id, strategy_id: strategy, side, qty } = intent;
  const us = parseTimestampUs(intent.timestamp);
  while (globalHead < globalTimes.length && globalTimes[globalHead] <= us - WINDOW_US) globalHead++;
  let w = byStrategy.get(strategy);
  if (w === undefined) byStrategy.set(strategy, (w = { times: [], head: 0 }));
  while (w.head < w.times.length && w.times[w.head] <= us - WINDOW_US) w.head++;
  const { qty: current, price } = book.get(intent.instrument.symbol);
  const after = (side === 'buy' ? current + qty : current - qty) * price;
  const before = current * price;
  const gross = 5_000 - Math.abs(before) + Math.abs(after);
  const net = Math.abs(100 - before + after);
  const position = Math.abs(after) / equity;
  const violations = [];
  if (globalTimes.length - globalHead >= 10_000 || w.times.length - w.head >= 10_000 || position > 0.1 || gross / equity > 2 || net / equity > 1) violations.push({});
  const d = {
    decision: violations.length ? 'DENY' : 'ALLOW',
    intent_id: id,
    modified_intent: null,
    violations,
    evidence: [
      { metric: 'daily_return', value: r6(0), limit: -0.02 },
      { metric: 'drawdown', value: r6(0), limit: 0.05 },
      { metric: 'new_position_pct', value: r6(position), limit: 0.1 },
      { metric: 'gross_exposure_x', value: r6(gross / equity), limit: 2 },
      { metric: 'net_exposure_x', value: r6(net / equity), limit: 1 },
    ],
    eval_ms: 0,
    kill_switch_triggered: false,
  };
  globalTimes.push(us);
  w.times.push(us);
  if (timed) {
    const ms = performance.now() - start;
    d.eval_ms = ms < 0.0005 ? 0 : pyRound(ms, 3);
  }
  return d;
}

const bench = new Bench({ time: 1500, warmupTime: 300 });
for (const timed of [true, false]) {
  let next = 0;
  bench.add(
    `stripped check, 50 positions${timed ? ', eval_ms timed' : ', no eval_ms'}`,
    () => {
      const end = next + BATCH;
      for (let i = next; i < end; i++) if (check(intents[i], timed).decision !== 'ALLOW') throw new Error('not ALLOW');
      next = end;
    },
    {
      beforeAll() {
        next = STREAM;
      },
      beforeEach() {
        if (next + BATCH > STREAM) {
          // Start the stream again with empty windows (as the gate bench restores its snapshot).
          next = 0;
          globalTimes = [];
          globalHead = 0;
          byStrategy = new Map();
        }
      },
    },
  );
}
await bench.run();
for (const t of bench.tasks) {
  if (t.result.error || t.result.state === 'errored') throw t.result.error ?? new Error(`${t.name} failed`);
  const meanNs = ((t.result.latency?.mean ?? t.result.mean) / BATCH) * 1e6;
  console.log(`${t.name}: ${Math.round(1e9 / meanNs).toLocaleString('en-US')} checks/s (${meanNs.toFixed(0)} ns/check)`);
}

// One process of the linearizability test: opens the shared book and sends `COUNT` checks in
// bursts over the rate limits — each burst of 10 sent at once (concurrent calls: the gate decides
// them as a chain and commits them together) — with fills and price updates mixed in. Worker 0
// also drives the equity into a drawdown (tripping the kill switch) and later restores it and
// resets the switch.
//
// The kill switch is held until every process has been denied by it (so that "every process sees
// the trip" does not depend on how the processes interleave): a worker that gets KILL-001 says so
// in a side key, worker 0 resets only once all have; a worker near its end waits for the trip.
// Prints one JSON line: every decision it got, by intent id.
import { createClient } from 'redis';
import { PolicyEngine } from '../../packages/policygate-capital/dist/index.js';
import { RedisGate } from '../../packages/policygate-capital/dist/redis.js';

const { URL: url, BOOK: book, POLICY: policy, WORKER, WORKERS, COUNT, PORTFOLIO, MARKET } = process.env;
const w = Number(WORKER);
const workers = Number(WORKERS);
const count = Number(COUNT);
const engine = await PolicyEngine.fromYaml(policy);
const gate = await RedisGate.open(engine, { url, book, portfolio: JSON.parse(PORTFOLIO), market: JSON.parse(MARKET), timeoutMs: 20_000, snapshotEvery: 200, keepHistory: -1 });
const side = createClient({ url }); // test coordination only, never the book's keys
await side.connect();
const sawKey = (j) => `test:{${book}}:saw-kill:${j}`;
const base = Date.parse('2026-02-18T14:30:00Z');
const decisions = {};
const symbols = ['AAPL', 'MSFT'];
const BURST = 10;

async function until(what, f) {
  for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (await f()) return;
  throw new Error(`worker ${w}: gave up waiting for ${what}`);
}

const intentFor = (k) => {
  // Bursts: 10 checks at one instant, then the clock moves 3 s (4 workers: ~800 attempts a minute against a limit of 20).
  const t = new Date(base + Math.floor(k / BURST) * 3000 + w * 7).toISOString();
  return {
    intent_id: `w${w}-${k}`,
    timestamp: t,
    strategy_id: `s${(k + w) % 3}`,
    account_id: 'acc',
    instrument: { symbol: symbols[k % 2], asset_class: 'equity' },
    side: k % 5 === 4 ? 'sell' : 'buy',
    order_type: 'market',
    qty: 10 + (k % 7),
    limit_price: null,
  };
};

let sawKill = false;
for (let k0 = 0; k0 < count; k0 += BURST) {
  const ks = Array.from({ length: Math.min(BURST, count - k0) }, (_, i) => k0 + i);
  if (w !== 0 && ks.includes(Math.floor(count * 0.9)) && !sawKill) await until('the trip', async () => (await gate.snapshot()).kill_switch.history.length > 0);
  const intents = ks.map(intentFor);
  const got = await Promise.all(intents.map((intent) => gate.check(intent)));
  for (const [i, k] of ks.entries()) {
    const intent = intents[i];
    const d = got[i];
    decisions[intent.intent_id] = d;
    if (!sawKill && d.violations.some((v) => v.rule_id === 'KILL-001')) {
      sawKill = true;
      await side.set(sawKey(w), '1');
    }
    const symbol = intent.instrument.symbol;
    if (d.decision !== 'DENY' && k % 3 === 0) await gate.applyFill({ symbol, side: intent.side, qty: (d.modified_intent ?? intent).qty, price: symbol === 'AAPL' ? 200 + (k % 5) : 400 - (k % 5) });
    if (k % 25 === 12) await gate.updatePrices({ [symbol]: (symbol === 'AAPL' ? 200 : 400) + w + (k % 4) }, intent.timestamp);
    if (w === 0 && k === Math.floor(count * 0.6)) await gate.updateEquity({ equity: 880_000 });
    if (w === 0 && k === Math.floor(count * 0.8)) {
      await until('every process denied by the switch', async () => (await Promise.all(Array.from({ length: workers }, (_, j) => side.exists(sawKey(j))))).every(Boolean));
      await gate.updateEquity({ equity: 1_000_000, peak_equity: 1_000_000 });
      await gate.resetKillSwitch('test: drawdown reviewed', intent.timestamp);
    }
  }
}
await gate.close();
await side.close();
process.stdout.write(JSON.stringify(decisions) + '\n');

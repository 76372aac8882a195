// One process of the linearizability test: opens the shared book and sends `COUNT` checks in
// bursts over the rate limits, with fills and price updates mixed in; worker 0 also drives the
// equity into a drawdown (tripping the kill switch) and later restores it and resets the switch.
// Prints one JSON line: every decision it got, by intent id.
import { PolicyEngine } from '../../packages/policygate-capital/dist/index.js';
import { RedisGate } from '../../packages/policygate-capital/dist/redis.js';

const { URL: url, BOOK: book, POLICY: policy, WORKER, COUNT, PORTFOLIO, MARKET } = process.env;
const w = Number(WORKER);
const count = Number(COUNT);
const engine = await PolicyEngine.fromYaml(policy);
const gate = await RedisGate.open(engine, { url, book, portfolio: JSON.parse(PORTFOLIO), market: JSON.parse(MARKET), timeoutMs: 20_000, snapshotEvery: 200, keepHistory: -1 });
const base = Date.parse('2026-02-18T14:30:00Z');
const decisions = {};
const symbols = ['AAPL', 'MSFT'];
for (let k = 0; k < count; k++) {
  // Bursts: 10 checks at one instant, then the clock moves 3 s (4 workers: ~800 attempts a minute against a limit of 20).
  const t = new Date(base + Math.floor(k / 10) * 3000 + w * 7).toISOString();
  const symbol = symbols[k % 2];
  const intent = {
    intent_id: `w${w}-${k}`,
    timestamp: t,
    strategy_id: `s${(k + w) % 3}`,
    account_id: 'acc',
    instrument: { symbol, asset_class: 'equity' },
    side: k % 5 === 4 ? 'sell' : 'buy',
    order_type: 'market',
    qty: 10 + (k % 7),
    limit_price: null,
  };
  const d = await gate.check(intent);
  decisions[intent.intent_id] = d;
  if (d.decision !== 'DENY' && k % 3 === 0) await gate.applyFill({ symbol, side: intent.side, qty: (d.modified_intent ?? intent).qty, price: symbol === 'AAPL' ? 200 + (k % 5) : 400 - (k % 5) });
  if (k % 25 === 12) await gate.updatePrices({ [symbol]: (symbol === 'AAPL' ? 200 : 400) + w + (k % 4) }, t);
  if (w === 0 && k === Math.floor(count * 0.6)) await gate.updateEquity({ equity: 880_000 });
  if (w === 0 && k === Math.floor(count * 0.8)) {
    await gate.updateEquity({ equity: 1_000_000, peak_equity: 1_000_000 });
    await gate.resetKillSwitch('test: drawdown reviewed', t);
  }
}
await gate.close();
process.stdout.write(JSON.stringify(decisions) + '\n');

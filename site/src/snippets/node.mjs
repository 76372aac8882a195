// check-order.mjs — run with: node check-order.mjs   (Node 20+, next to policy.yaml)
import { readFile } from 'node:fs/promises';
import { PolicyEngine, parseMarketSnapshot, parseOrderIntent, parsePortfolioState } from 'policygate-capital';

const engine = await PolicyEngine.fromYaml(await readFile('policy.yaml', 'utf8'));

// Validate untrusted input at the boundary: errors name the field.
const intent = parseOrderIntent({
  intent_id: 'order-001',
  timestamp: '2026-02-18T00:00:00Z',
  strategy_id: 'momentum_v1',
  account_id: 'acct_1',
  instrument: { symbol: 'AAPL', asset_class: 'equity' },
  side: 'buy',
  order_type: 'market',
  qty: 100,
});
const portfolio = parsePortfolioState({ equity: 100000, start_of_day_equity: 100000, peak_equity: 100000 });
const market = parseMarketSnapshot({ timestamp: '2026-02-18T00:00:00Z', prices: { AAPL: 200 } });

const decision = engine.evaluate(intent, portfolio, market);
console.log(decision.decision); // MODIFY
console.log(decision.modified_intent?.qty); // 25
console.log(decision.violations[0]?.message); // Position 0.2000 breaches limit 0.0500.

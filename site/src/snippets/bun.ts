// check-order.ts — after `bun add policygate-capital`, run: bun check-order.ts
import { PolicyEngine, parseExecutionState, parseMarketSnapshot, parseOrderIntent, parsePortfolioState } from 'policygate-capital';

const engine = await PolicyEngine.fromYaml(await Bun.file('policy.yaml').text());

const intent = parseOrderIntent({
  intent_id: 'order-003',
  timestamp: '2026-02-18T00:00:00Z',
  strategy_id: 'momentum_v1',
  account_id: 'acct_1',
  instrument: { symbol: 'AAPL', asset_class: 'equity' },
  side: 'buy',
  order_type: 'market',
  qty: 10,
});
// Equity is 6% below its peak: a drawdown past the policy's 5% limit.
const portfolio = parsePortfolioState({ equity: 94000, start_of_day_equity: 95000, peak_equity: 100000 });
const market = parseMarketSnapshot({ timestamp: '2026-02-18T00:00:00Z', prices: { AAPL: 200 } });
const execution = parseExecutionState({ orders_last_60s_global: 3 });

const decision = engine.evaluate(intent, portfolio, market, execution);
console.log(decision.decision); // DENY
console.log(decision.violations.map((v) => v.rule_id).join(',')); // LOSS-002
console.log(decision.kill_switch_triggered); // true

// check_order.ts — after `deno add npm:policygate-capital`, run: deno run --allow-read check_order.ts
import { PolicyEngine, parseMarketSnapshot, parseOrderIntent, parsePortfolioState } from 'policygate-capital';

const engine = await PolicyEngine.fromYaml(await Deno.readTextFile('policy.yaml'));

const intent = parseOrderIntent({
  intent_id: 'order-002',
  timestamp: '2026-02-18T00:00:00Z',
  strategy_id: 'momentum_v1',
  account_id: 'acct_1',
  instrument: { symbol: 'MSFT', asset_class: 'equity' },
  side: 'buy',
  order_type: 'market',
  qty: 10,
});
const portfolio = parsePortfolioState({ equity: 100000, start_of_day_equity: 100000, peak_equity: 100000 });
const market = parseMarketSnapshot({ timestamp: '2026-02-18T00:00:00Z', prices: { MSFT: 400 } });

const decision = engine.evaluate(intent, portfolio, market);
console.log(decision.decision); // ALLOW
console.log(engine.policyHash.length); // 64

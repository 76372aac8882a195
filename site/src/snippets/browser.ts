// In the browser, with any bundler (Vite, esbuild, webpack…): `npm install policygate-capital`.
// The engine needs only Web Crypto, so the page must be served over https or from localhost.
import { PolicyEngine, PolicyError, parseMarketSnapshot, parseOrderIntent, parsePortfolioState } from 'policygate-capital';

const policyText = await (await fetch('/policy.yaml')).text();
try {
  const engine = await PolicyEngine.fromYaml(policyText);
  const intent = parseOrderIntent({
    intent_id: 'order-004',
    timestamp: new Date().toISOString(),
    strategy_id: 'momentum_v1',
    account_id: 'acct_1',
    instrument: { symbol: 'AAPL', asset_class: 'equity' },
    side: 'sell',
    order_type: 'market',
    qty: 10,
  });
  const portfolio = parsePortfolioState({ equity: 100000, start_of_day_equity: 100000, peak_equity: 100000, positions: { AAPL: 100 } });
  const market = parseMarketSnapshot({ timestamp: new Date().toISOString(), prices: { AAPL: 200 } });
  const decision = engine.evaluate(intent, portfolio, market);
  console.log(decision.decision); // ALLOW
} catch (e) {
  // A policy problem names the field and its line: "limits.loss.max_drawdown_pct: … (line 15, column 23)".
  if (e instanceof PolicyError) console.error(e.issues.map((i) => `line ${i.line}: ${i.path} ${i.message}`).join('\n'));
  else throw e;
}

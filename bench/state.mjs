// The benchmarks' shared state: the README policy and a 50-position portfolio whose every exposure
// stays under its limits (the ALLOW path), as it arrives on the wire: JSON through the boundary
// parsers, once, as in production. `frozen` is the same state as an immutable snapshot.
import { readFileSync } from 'node:fs';
import { PolicyEngine, parseExecutionState, parseMarketSnapshot, parseOrderIntent, parsePortfolioState } from '../packages/policygate-capital/dist/index.js';

export const policyText = readFileSync(new URL('../tests/fixtures/conformance/reference-policy.yaml', import.meta.url), 'utf8');
export const engine = await PolicyEngine.fromYaml(policyText);

/** The wire values of the benches' state (plain JSON), for benches that parse them with another build. */
export function wireState() {
  const positions = {};
  const prices = { AAPL: 200 };
  for (let i = 0; i < 50; i++) {
    const sym = `SYM${String(i).padStart(3, '0')}`;
    positions[sym] = (i % 2 ? 1 : -1) * (5 + (i % 7));
    prices[sym] = 20 + i * 1.37;
  }
  return {
    intent: {
      intent_id: 'bench-1',
      timestamp: '2026-02-18T14:30:00Z',
      strategy_id: 'momentum_v1',
      account_id: 'acct_1',
      instrument: { symbol: 'AAPL', asset_class: 'equity' },
      side: 'buy',
      order_type: 'market',
      qty: 10,
      limit_price: null,
    },
    portfolio: { equity: 1_000_000, start_of_day_equity: 1_000_000, peak_equity: 1_000_000, positions, realized_pnl_today: 0, unrealized_pnl: 0 },
    market: { timestamp: '2026-02-18T14:30:00Z', prices },
    execution: { orders_last_60s_global: 3, orders_last_60s_by_strategy: { momentum_v1: 1 }, violations_last_window: [], kill_switch_active: false },
  };
}
const { positions, prices } = (({ portfolio, market }) => ({ positions: portfolio.positions, prices: market.prices }))(wireState());
const wire = (parse, value) => parse(JSON.parse(JSON.stringify(value)));
export const intent = wire(parseOrderIntent, {
  intent_id: 'bench-1',
  timestamp: '2026-02-18T14:30:00Z',
  strategy_id: 'momentum_v1',
  account_id: 'acct_1',
  instrument: { symbol: 'AAPL', asset_class: 'equity' },
  side: 'buy',
  order_type: 'market',
  qty: 10,
  limit_price: null,
});
export const portfolio = wire(parsePortfolioState, { equity: 1_000_000, start_of_day_equity: 1_000_000, peak_equity: 1_000_000, positions, realized_pnl_today: 0, unrealized_pnl: 0 });
export const market = wire(parseMarketSnapshot, { timestamp: '2026-02-18T14:30:00Z', prices });
export const execution = wire(parseExecutionState, { orders_last_60s_global: 3, orders_last_60s_by_strategy: { momentum_v1: 1 }, violations_last_window: [], kill_switch_active: false });

/** The same state with frozen positions and prices: the engine and the audit writer cache per snapshot. */
export const frozen = {
  portfolio: { ...portfolio, positions: Object.freeze({ ...portfolio.positions }) },
  market: { ...market, prices: Object.freeze({ ...market.prices }) },
};

export const decision = engine.evaluate(intent, portfolio, market, execution);
if (decision.decision !== 'ALLOW') throw new Error(`bench setup: expected ALLOW, got ${decision.decision} ${JSON.stringify(decision.violations)}`);

// Shared inputs for the audit tests (imported by *.test.ts only; not part of the package).
import { PolicyEngine } from '../engine/policy-engine.js';
import type { MarketSnapshot, OrderIntent, PortfolioState } from '../model/schemas.js';
import { createAuditedEvaluator } from './audited.js';
import { MemoryAuditSink } from './memory-sink.js';

/** The seed README's policy (AAPL capped at 5%, LOSS-002 trips the kill switch). */
export const POLICY_YAML = `version: "0.1"
timezone: "UTC"
defaults:
  mode: "enforce"
  decision: "deny"
limits:
  exposure:
    max_position_pct: 0.10
    max_gross_exposure_x: 2.0
    max_net_exposure_x: 1.0
  loss:
    daily_loss_limit_pct: 0.02
    max_drawdown_pct: 0.05
  execution:
    max_orders_per_minute_global: 20
    max_orders_per_minute_by_strategy: 10
  kill_switch:
    trip_on_rules: ["LOSS-002"]
    trip_after_n_violations: 3
    violation_window_seconds: 300
overrides:
  symbols:
    AAPL:
      exposure:
        max_position_pct: 0.05
        max_gross_exposure_x: 2.0
        max_net_exposure_x: 1.0
  strategies: {}
`;

export const engine = (yaml = POLICY_YAML): Promise<PolicyEngine> => PolicyEngine.fromYaml(yaml);

export function intent(overrides: Partial<OrderIntent> = {}): OrderIntent {
  return {
    intent_id: 'order-001',
    timestamp: '2026-02-18T00:00:00Z',
    strategy_id: 'momentum_v1',
    account_id: 'acct_1',
    instrument: { symbol: 'AAPL', asset_class: 'equity' },
    side: 'buy',
    order_type: 'market',
    qty: 100,
    limit_price: null,
    ...overrides,
  };
}

export function portfolio(overrides: Partial<PortfolioState> = {}): PortfolioState {
  return {
    equity: 100000,
    start_of_day_equity: 100000,
    peak_equity: 100000,
    positions: { MSFT: 20, TSLA: -5 },
    realized_pnl_today: 0,
    unrealized_pnl: 0,
    ...overrides,
  };
}

export function market(overrides: Partial<MarketSnapshot> = {}): MarketSnapshot {
  return { timestamp: '2026-02-18T00:00:00Z', prices: { AAPL: 200, MSFT: 400.25, TSLA: 250.5 }, ...overrides };
}

/**
 * A chained log of `n` events (ALLOW, MODIFY and DENY mixed: quantities 1…n·40 of AAPL, some with a
 * drawdown), as a MemoryAuditSink writes it.
 */
export async function chainedLog(n: number, sink = new MemoryAuditSink()) {
  const eng = await engine();
  const audited = createAuditedEvaluator(eng, sink, { runId: 'test-run' });
  for (let i = 0; i < n; i++) {
    const peak = i % 4 === 3 ? 110000 : 100000;
    await audited(intent({ intent_id: `order-${i}`, qty: 1 + i * 40 }), portfolio({ peak_equity: peak }), market());
  }
  return { engine: eng, sink, text: sink.toJsonl(), lines: sink.toJsonl().split('\n').slice(0, -1) };
}

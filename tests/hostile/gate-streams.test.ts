// Streams that used to make every check dearer than the last: a fixed intent timestamp past the
// throttle (each denial joined the kill switch's violation window, which never emptied since the
// clock did not move, and every audit event copied it), and thousands of recent orders under a
// v0.2 duplicate window (the duplicate lookup must not scan them).
import { describe, expect, it } from 'vitest';
import { PolicyEngine, PolicyGate, type OrderIntent } from '../../packages/policygate-capital/src/index.js';

const TS = '2026-02-18T14:00:00Z';
const portfolio = { equity: 1e7, start_of_day_equity: 1e7, peak_equity: 1e7, positions: { AAPL: 10 }, realized_pnl_today: 0, unrealized_pnl: 0 };
const market = { timestamp: TS, prices: { AAPL: 200, ES: 5000 } };
const intent = (i: number, timestamp = TS, over: Partial<OrderIntent> = {}): OrderIntent => ({
  intent_id: `o-${i}`,
  timestamp,
  strategy_id: 's',
  account_id: 'acct',
  instrument: { symbol: 'AAPL', asset_class: 'equity' },
  side: 'buy',
  order_type: 'market',
  qty: 1 + i,
  limit_price: null,
  ...over,
});

describe('PolicyGate on long streams', () => {
  it('keeps the violation window and the audit event bounded when a fixed timestamp pushes every order past the throttle', async () => {
    const engine = await PolicyEngine.fromYaml(`version: "0.1"
limits:
  exposure: { max_position_pct: 0.5, max_gross_exposure_x: 2, max_net_exposure_x: 2 }
  loss: { daily_loss_limit_pct: 0.05, max_drawdown_pct: 0.1 }
  execution: { max_orders_per_minute_global: 5, max_orders_per_minute_by_strategy: 5 }
  kill_switch: { trip_on_rules: [], trip_after_n_violations: 1000, violation_window_seconds: 300 }
`);
    const gate = new PolicyGate(engine, { portfolio, market });
    const sizes: number[] = [];
    for (let i = 0; i < 6_000; i++) {
      const c = gate.checkDetailed(intent(i % 50), market);
      if (i >= 5) expect(c.decision.violations.map((v) => v.rule_id)).toEqual(i < 505 ? ['EXEC-001', 'EXEC-002'] : ['KILL-001', 'EXEC-001', 'EXEC-002']);
      if (i === 2_000 || i === 5_999) sizes.push(JSON.stringify(gate.auditEvent(c, { eventId: '00000000-0000-4000-8000-000000000000', timestamp: TS }).execution_state).length); // (eval_ms varies)
    }
    expect(gate.killSwitch.active).toBe(true); // tripped at the 1,000th violation (the 500th denial), as before the bound
    expect(gate.killSwitch.reason).toBe('1000 violations within 300 s (trip_after_n_violations 1000)');
    expect(gate.executionState().violations_last_window).toHaveLength(1000);
    expect(sizes[1]).toBe(sizes[0]);
  });

  it('finds a duplicate among 20,000 recent orders kept for the duplicate window', async () => {
    const engine = await PolicyEngine.fromYaml(`version: "0.2"
limits:
  exposure: { max_position_pct: 1, max_gross_exposure_x: 100, max_net_exposure_x: null }
  loss: { daily_loss_limit_pct: 0.05, max_drawdown_pct: 0.1 }
  execution: { max_orders_per_minute_global: 10000, max_orders_per_minute_by_strategy: 10000, duplicate_window_seconds: 3600 }
  kill_switch: { trip_on_rules: [], trip_after_n_violations: 10, violation_window_seconds: 300 }
instruments:
  ES: { multiplier: 50, lot_size: 1 }
`);
    const gate = new PolicyGate(engine, { portfolio, market });
    const at = (ms: number) => new Date(Date.parse(TS) + ms).toISOString();
    for (let i = 0; i < 20_000; i++) expect(gate.check(intent(i, at(i * 100), { qty: 1 + i })).decision).toBe('ALLOW');
    expect(gate.executionState().recent_orders).toHaveLength(20_000);
    const c = gate.checkDetailed(intent(20_000, at(2_000_000), { qty: 42 }));
    expect(c.decision.violations.map((v) => [v.rule_id, v.computed])).toEqual([['EXEC-003', { duplicate_of: 'o-41' }]]);
  });
});

// Policy DSL v0.2 under hostile and random inputs: reduce-only halts, timestamps that cannot be read,
// huge and malformed recent_orders, hostile limits. Each is a clear error or a fail-closed decision,
// never a throw from `evaluate`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, parsePolicyYaml, type Decision, type Policy } from '../../packages/policygate-capital/src/index.js';
import { inputsV02, makeIntent, own, policyInputV02, ruleIds, toPolicy, TS, tsAfter, type Inputs } from './arbitraries.js';

const RUNS = 2_000;
const HALTS = ['KILL-001', 'LOSS-001', 'LOSS-002'];

const reduces = (i: Inputs): boolean => {
  const current = own(i.portfolio.positions, i.intent.instrument.symbol) ?? 0;
  const next = i.intent.side === 'buy' ? current + i.intent.qty : current - i.intent.qty;
  return current !== 0 && Math.abs(next) < Math.abs(current) && (next === 0 || next > 0 === current > 0);
};

/** Inputs whose order only reduces its position, with the halts switched on: kill switch, a loss and a drawdown. */
const halted = inputsV02.filter(reduces).map(
  (i): Inputs => ({
    ...i,
    portfolio: { ...i.portfolio, start_of_day_equity: i.portfolio.equity * 2, peak_equity: i.portfolio.equity * 2 },
    execution: { ...i.execution, kill_switch_active: true },
  }),
);

describe('reduce-only halts', () => {
  it('an order that only reduces its position never gets KILL-001, LOSS-001 or LOSS-002 under reduce_only: true', () => {
    fc.assert(
      fc.property(policyInputV02({ reduceOnly: true }), halted, (p, i) => {
        const d = evaluate(i.intent, toPolicy(p), i.portfolio, i.market, i.execution);
        expect(ruleIds(d).filter((r) => HALTS.includes(r))).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('the same orders are halted without reduce_only (the property above can fail)', () => {
    fc.assert(
      fc.property(policyInputV02({ reduceOnly: false, mode: 'enforce' }), halted, (p, i) => {
        const d = evaluate(i.intent, toPolicy(p), i.portfolio, i.market, i.execution);
        // Every decision that got as far as the rules carries the kill switch's halt.
        if (!ruleIds(d).some((r) => r.startsWith('SYS-'))) expect(ruleIds(d)).toContain('KILL-001');
        expect(d.decision).toBe('DENY');
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('an order that crosses zero or grows the position is halted under reduce_only: true', () => {
    const policy = toPolicyV02Text({ reduce_only: true });
    const market = { timestamp: TS, prices: { AAPL: 100 } };
    const portfolio = { equity: 1e6, start_of_day_equity: 1e6, peak_equity: 1e6, positions: { AAPL: 100 }, realized_pnl_today: 0, unrealized_pnl: 0 };
    const execution = { kill_switch_active: true };
    expect(ruleIds(evaluate(makeIntent('AAPL', 'sell', 100), policy, portfolio, market, execution))).toEqual([]);
    expect(ruleIds(evaluate(makeIntent('AAPL', 'sell', 150), policy, portfolio, market, execution))).toContain('KILL-001');
    expect(ruleIds(evaluate(makeIntent('AAPL', 'buy', 1), policy, portfolio, market, execution))).toContain('KILL-001');
    expect(ruleIds(evaluate(makeIntent('MSFT', 'sell', 1), policy, portfolio, { ...market, prices: { AAPL: 100, MSFT: 10 } }, execution))).toContain('KILL-001');
  });
});

describe('evaluate on random v0.2 policies and states', () => {
  it('never throws, and MODIFY answers only a lone EXP-001 (order controls are never reduced)', () => {
    fc.assert(
      fc.property(policyInputV02(), inputsV02, (p, i) => {
        let d: Decision | undefined;
        expect(() => (d = evaluate(i.intent, toPolicy(p), i.portfolio, i.market, i.execution))).not.toThrow();
        if (d!.decision === 'MODIFY') {
          expect(ruleIds(d!)).toEqual(['EXP-001']);
          expect(d!.modified_intent!.qty).toBeLessThanOrEqual(i.intent.qty);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

function toPolicyV02Text(opts: { reduce_only?: boolean; decision?: 'allow' | 'deny'; mode?: 'monitor' | 'enforce' } = {}): Policy {
  return parsePolicyYaml(`version: "0.2"
defaults: {mode: ${opts.mode ?? 'enforce'}, decision: ${opts.decision ?? 'deny'}}
limits:
  exposure: {max_position_pct: 1, max_gross_exposure_x: 100}
  loss: {daily_loss_limit_pct: 0.5, max_drawdown_pct: 0.5}
  execution: {max_orders_per_minute_global: 100, max_orders_per_minute_by_strategy: 100, duplicate_window_seconds: 10}
  kill_switch: {trip_after_n_violations: 3, violation_window_seconds: 60, reduce_only: ${opts.reduce_only ?? false}, trip_on_rules: [SYS-002, SYS-003, EXEC-003]}
  market_data: {max_price_age_seconds: 5}
  order: {restricted_symbols: [__proto__, constructor]}
`);
}

describe('timestamps the v0.2 rules cannot read', () => {
  const market = { timestamp: TS, prices: { AAPL: 100, __proto__: 5, constructor: 5 } as Record<string, number> };
  Object.defineProperty(market.prices, '__proto__', { value: 5, enumerable: true });
  const portfolio = { equity: 1e6, start_of_day_equity: 1e6, peak_equity: 1e6, positions: {}, realized_pnl_today: 0, unrealized_pnl: 0 };
  const bad = ['2026-02-18T23:59:60Z', '2026-02-18T00:00:00+24:00', '2026-02-18T00:00:00+05:60', '2026-02-30T00:00:00Z', '2026-02-18T24:00:00Z', 'yesterday', '', '2026-02-18T00:00:00'];

  for (const opts of [{}, { decision: 'allow' as const }, { mode: 'monitor' as const }]) {
    it(`deny with SYS-002 naming which, in both modes, whatever defaults.decision says (${JSON.stringify(opts)})`, () => {
      const policy = toPolicyV02Text(opts);
      for (const ts of bad) {
        const cases: [string, Decision][] = [
          ['intent', evaluate({ ...makeIntent('AAPL', 'buy', 1), timestamp: ts }, policy, portfolio, market)],
          ['market', evaluate(makeIntent('AAPL', 'buy', 1), policy, portfolio, { ...market, timestamp: ts })],
          ['recent order', evaluate(makeIntent('AAPL', 'buy', 1), policy, portfolio, market, { recent_orders: [{ ...recent('x', TS), timestamp: ts }] })],
        ];
        for (const [what, d] of cases) {
          expect(d).toMatchObject({ decision: 'DENY', modified_intent: null, evidence: [], kill_switch_triggered: false });
          expect(d.violations).toEqual([{ rule_id: 'SYS-002', severity: 'CRIT', message: `Evaluation error: unreadable ${what} timestamp.`, inputs: {}, computed: {} }]);
        }
      }
    });
  }

  it('are not read when no rule needs them (v0.1 policy, or v0.2 without the clock limits)', () => {
    const policy = parsePolicyYaml(`version: "0.2"
limits:
  exposure: {max_position_pct: 1, max_gross_exposure_x: 100}
  loss: {daily_loss_limit_pct: 0.5, max_drawdown_pct: 0.5}
  execution: {max_orders_per_minute_global: 100, max_orders_per_minute_by_strategy: 100}
  kill_switch: {trip_after_n_violations: 3, violation_window_seconds: 60}
`);
    const d = evaluate(
      { ...makeIntent('AAPL', 'buy', 1), timestamp: '2026-02-18T23:59:60Z' },
      policy,
      portfolio,
      { ...market, timestamp: 'x' },
      { recent_orders: [{ ...recent('x', TS), timestamp: 'x' }] },
    );
    expect(d.decision).toBe('ALLOW');
  });
});

const recent = (id: string, timestamp: string) => ({
  intent_id: id,
  timestamp,
  account_id: 'acct_1',
  strategy_id: 'momentum_v1',
  symbol: 'AAPL',
  side: 'buy' as const,
  order_type: 'market' as const,
  qty: 1,
  limit_price: null,
});

describe('recent_orders', () => {
  const market = { timestamp: TS, prices: { AAPL: 100 } };
  const portfolio = { equity: 1e6, start_of_day_equity: 1e6, peak_equity: 1e6, positions: {}, realized_pnl_today: 0, unrealized_pnl: 0 };
  const policy = toPolicyV02Text();

  it('of 100,000 entries: decided, the latest duplicate reported', () => {
    const orders = Array.from({ length: 100_000 }, (_, i) => ({ ...recent(`r${i}`, tsAfter(-(i % 20) - 0.5)), qty: i % 3 === 0 ? 1 : 2 }));
    const d = evaluate(makeIntent('AAPL', 'buy', 1), policy, portfolio, market, { recent_orders: orders });
    expect(d.decision).toBe('DENY');
    expect(d.violations.map((v) => [v.rule_id, v.computed])).toEqual([['EXEC-003', { duplicate_of: 'r99960' }]]);
  });

  it('stamped after the intent, or on the window edge, are not duplicates; 100 = 100.0', () => {
    const intent = makeIntent('AAPL', 'buy', 1);
    expect(evaluate(intent, policy, portfolio, market, { recent_orders: [recent('later', '2026-02-18T00:00:00.000001Z')] }).decision).toBe('ALLOW');
    expect(evaluate(intent, policy, portfolio, market, { recent_orders: [recent('edge', '2026-02-17T23:59:50Z')] }).decision).toBe('ALLOW');
    expect(ruleIds(evaluate(intent, policy, portfolio, market, { recent_orders: [recent('in', '2026-02-17T23:59:50.000001Z')] }))).toEqual(['EXEC-003']);
    expect(ruleIds(evaluate(intent, policy, portfolio, market, { recent_orders: [recent('offset', '2026-02-18T01:00:00+01:00')] }))).toEqual(['EXEC-003']);
    expect(ruleIds(evaluate({ ...intent, qty: 1.0 }, policy, portfolio, market, { recent_orders: [recent('same', TS)] }))).toEqual(['EXEC-003']);
  });

  it('that are malformed fail closed with SYS-002, never a throw', () => {
    for (const recent_orders of [5, 'x', [null], [7], [{}], new Array(3)] as unknown[]) {
      let d: Decision | undefined;
      expect(() => (d = evaluate(makeIntent('AAPL', 'buy', 1), policy, portfolio, market, { recent_orders } as never))).not.toThrow();
      expect(d!.decision).toBe('DENY');
      expect(ruleIds(d!)).toEqual(['SYS-002']);
    }
  });
});

describe('hostile v0.2 limits and symbols', () => {
  const market = { timestamp: TS, prices: { AAPL: 100 } as Record<string, number> };
  const portfolio = { equity: 1e6, start_of_day_equity: 1e6, peak_equity: 1e6, positions: {}, realized_pnl_today: 0, unrealized_pnl: 0 };

  it('a hand-built policy with NaN, negative or huge limits is an invalid policy: SYS-002, never a throw', () => {
    const good = toPolicyV02Text() as unknown as Record<string, any>;
    for (const order of [{ max_order_qty: NaN }, { max_order_notional: -1 }, { price_collar_pct: 1e308 }, { restricted_symbols: 'GME' }, { restricted_symbols: [1] }]) {
      const bad = structuredClone({ ...good, limits: { ...good.limits, order: { ...good.limits.order, ...order } } });
      let d: Decision | undefined;
      expect(() => (d = evaluate(makeIntent('AAPL', 'buy', 1), bad as Policy, portfolio, market))).not.toThrow();
      expect(d!.decision).toBe('DENY');
      expect(d!.violations[0]!.message).toMatch(/^Evaluation error: invalid policy: /);
    }
  });

  it('__proto__ and constructor are restricted symbols like any other', () => {
    const policy = toPolicyV02Text();
    for (const symbol of ['__proto__', 'constructor']) {
      const prices = { AAPL: 100 } as Record<string, number>;
      Object.defineProperty(prices, symbol, { value: 10, enumerable: true });
      const d = evaluate(makeIntent(symbol, 'buy', 1), policy, portfolio, { ...market, prices });
      expect(d.violations.map((v) => [v.rule_id, v.message])).toEqual([['ORD-004', `Symbol '${symbol}' is restricted.`]]);
    }
    expect(evaluate(makeIntent('toString', 'buy', 1), policy, portfolio, { ...market, prices: { toString: 10 } as never }).decision).toBe('ALLOW');
  });
});

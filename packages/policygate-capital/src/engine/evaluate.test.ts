import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePolicy } from '../policy/load.js';
import type { PolicyInput } from '../policy/schema.js';
import type { ExecutionStateInput, MarketSnapshot, OrderIntent, PortfolioState } from '../model/schemas.js';
import { evaluate } from './evaluate.js';
import type { Decision } from './types.js';

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
/** The next double below x (x > 0). */
const nextDown = (x: number) => ((f64[0] = x), (u64[0]! -= 1n), f64[0]!);
/** The next double above x (x > 0). */
const nextUp = (x: number) => ((f64[0] = x), (u64[0]! += 1n), f64[0]!);

function policyWith(patch: (p: any) => void = () => {}) {
  const p: any = {
    limits: {
      exposure: { max_position_pct: 0.1, max_gross_exposure_x: 2.0, max_net_exposure_x: 1.0 },
      loss: { daily_loss_limit_pct: 0.02, max_drawdown_pct: 0.05 },
      execution: { max_orders_per_minute_global: 20, max_orders_per_minute_by_strategy: 10 },
      kill_switch: { trip_on_rules: ['LOSS-002'], trip_after_n_violations: 3, violation_window_seconds: 300 },
    },
    overrides: { symbols: {}, strategies: {} },
  } satisfies PolicyInput;
  patch(p);
  return parsePolicy(p);
}

const intent = (over: Partial<OrderIntent> = {}, symbol = 'AAPL'): OrderIntent => ({
  intent_id: 'order-001',
  timestamp: '2026-02-18T00:00:00Z',
  strategy_id: 'momentum_v1',
  account_id: 'acct_1',
  instrument: { symbol, asset_class: 'equity' },
  side: 'buy',
  order_type: 'market',
  qty: 10,
  limit_price: null,
  ...over,
});
const portfolio = (over: Partial<PortfolioState> = {}): PortfolioState => ({
  equity: 100000,
  start_of_day_equity: 100000,
  peak_equity: 100000,
  positions: {},
  realized_pnl_today: 0,
  unrealized_pnl: 0,
  ...over,
});
const market = (prices: Record<string, number> = { AAPL: 200 }): MarketSnapshot => ({ timestamp: '2026-02-18T00:00:00Z', prices });
const ids = (d: Decision) => d.violations.map((v) => v.rule_id);
const run = (p = policyWith(), i = intent(), pf = portfolio(), m = market(), e: ExecutionStateInput = {}) => evaluate(i, p, pf, m, e);
const metric = (d: Decision, name: string) => d.evidence.find((e) => e.metric === name)!;

describe('evaluate: decisions', () => {
  it('allows a small buy with the five evidence items in order', () => {
    const d = run();
    expect(d.decision).toBe('ALLOW');
    expect(d.violations).toEqual([]);
    expect(d.modified_intent).toBeNull();
    expect(d.evidence.map((e) => e.metric)).toEqual(['daily_return', 'drawdown', 'new_position_pct', 'gross_exposure_x', 'net_exposure_x']);
    expect(metric(d, 'new_position_pct')).toEqual({ metric: 'new_position_pct', value: 0.02, limit: 0.1 });
    expect(metric(d, 'daily_return').limit).toBe(-0.02);
  });

  it("modifies the seed README's order to 25 shares: AAPL's override caps it at 5% (not 50)", () => {
    const p = policyWith((p) => {
      p.overrides.symbols.AAPL = { exposure: { max_position_pct: 0.05, max_gross_exposure_x: 2.0, max_net_exposure_x: 1.0 } };
    });
    const d = run(p, intent({ qty: 100 }));
    expect(d.decision).toBe('MODIFY');
    expect(d.modified_intent).toEqual({ ...intent({ qty: 100 }), qty: 25 });
    expect(d.violations).toEqual([
      {
        rule_id: 'EXP-001',
        severity: 'HIGH',
        message: 'Position 0.2000 breaches limit 0.0500.',
        inputs: { max_position_pct: 0.05 },
        computed: { new_position_pct: 0.2, requested_qty: 100, allowed_qty: 25 },
      },
    ]);
  });

  it('denies when EXP-001 comes with another violation, and when nothing can be allowed', () => {
    expect(run(policyWith(), intent({ qty: 100 }), portfolio(), market(), { orders_last_60s_global: 20 }).decision).toBe('DENY');
    // Already at the cap: allowed_qty is 0, so no MODIFY.
    const d = run(policyWith(), intent({ qty: 10 }), portfolio({ positions: { AAPL: 50 } }));
    expect(ids(d)).toEqual(['EXP-001']);
    expect(d.violations[0]!.computed.allowed_qty).toBe(0);
    expect(d.decision).toBe('DENY');
  });
});

describe('evaluate: each rule at its boundary', () => {
  it('LOSS-001 fires at daily_return == -limit, not one ulp inside', () => {
    const pf = portfolio({ equity: 98000, peak_equity: 98000 });
    const at = run(policyWith(), intent(), pf);
    expect(ids(at)).toEqual(['LOSS-001']);
    expect(at.violations[0]!.message).toBe('Daily loss -0.0200 breaches limit -0.0200.');
    expect(
      ids(
        run(
          policyWith((p) => (p.limits.loss.daily_loss_limit_pct = nextUp(0.02))),
          intent(),
          pf,
        ),
      ),
    ).toEqual([]);
  });

  it('LOSS-002 fires at drawdown == limit, not one ulp below', () => {
    const pf = portfolio({ equity: 95000, start_of_day_equity: 95000, peak_equity: 100000 });
    const at = run(policyWith(), intent(), pf);
    expect(ids(at)).toEqual(['LOSS-002']);
    expect(at.violations[0]).toMatchObject({ severity: 'CRIT', message: 'Drawdown 0.0500 breaches limit 0.0500.', computed: { drawdown: 0.05 } });
    expect(at.kill_switch_triggered).toBe(true);
    expect(
      ids(
        run(
          policyWith((p) => (p.limits.loss.max_drawdown_pct = nextUp(0.05))),
          intent(),
          pf,
        ),
      ),
    ).toEqual([]);
  });

  it('EXEC-001 fires at count == limit, not at limit − 1', () => {
    const at = run(policyWith(), intent(), portfolio(), market(), { orders_last_60s_global: 20 });
    expect(at.violations).toEqual([
      { rule_id: 'EXEC-001', severity: 'HIGH', message: 'Global rate 20 orders/min exceeds limit 20.', inputs: { max_orders_per_minute_global: 20 }, computed: { orders_last_60s_global: 20 } },
    ]);
    expect(ids(run(policyWith(), intent(), portfolio(), market(), { orders_last_60s_global: 19 }))).toEqual([]);
  });

  it("EXEC-002 counts only the intent's strategy, at count == limit", () => {
    const e = { orders_last_60s_by_strategy: { momentum_v1: 10, other: 99 } };
    expect(run(policyWith(), intent(), portfolio(), market(), e).violations).toEqual([
      {
        rule_id: 'EXEC-002',
        severity: 'HIGH',
        message: "Strategy 'momentum_v1' rate 10 orders/min exceeds limit 10.",
        inputs: { strategy_id: 'momentum_v1', max_orders_per_minute_by_strategy: 10 },
        computed: { orders_last_60s_strategy: 10 },
      },
    ]);
    expect(ids(run(policyWith(), intent(), portfolio(), market(), { orders_last_60s_by_strategy: { momentum_v1: 9 } }))).toEqual([]);
  });

  it('EXP-001 does not fire at new_position_pct == limit, fires one ulp over', () => {
    // 50 × 200 / 100000 = 0.1 exactly as a double.
    expect(ids(run(policyWith(), intent({ qty: 50 })))).toEqual([]);
    const d = run(
      policyWith((p) => (p.limits.exposure.max_position_pct = nextDown(0.1))),
      intent({ qty: 50 }),
    );
    expect(ids(d)).toEqual(['EXP-001']);
  });

  it('EXP-002 does not fire at gross == limit, fires one ulp over', () => {
    // gross after = (900 + 100) × 200 = 200000 = 2.0 × equity.
    const pf = portfolio({ positions: { MSFT: 900 } });
    const m = market({ AAPL: 200, MSFT: 200 });
    const p = (gross: number) =>
      policyWith((p) => {
        p.limits.exposure = { max_position_pct: 1, max_gross_exposure_x: gross, max_net_exposure_x: null };
      });
    expect(ids(run(p(2), intent({ qty: 100 }), pf, m))).toEqual([]);
    const d = run(p(nextDown(2)), intent({ qty: 100 }), pf, m);
    expect(ids(d)).toEqual(['EXP-002']);
    expect(d.violations[0]!.message).toBe('Gross exposure 2.0000x breaches limit 2.0000x.');
    expect(metric(d, 'net_exposure_x').limit).toBeNull();
  });

  it('EXP-003 does not fire at net == limit, fires one ulp over, and never when the limit is null', () => {
    const pf = portfolio({ positions: { MSFT: 400 } });
    const m = market({ AAPL: 200, MSFT: 200 });
    const p = (net: number | null) =>
      policyWith((p) => {
        p.limits.exposure = { max_position_pct: 1, max_gross_exposure_x: 10, max_net_exposure_x: net };
      });
    expect(ids(run(p(1), intent({ qty: 100 }), pf, m))).toEqual([]);
    expect(ids(run(p(nextDown(1)), intent({ qty: 100 }), pf, m))).toEqual(['EXP-003']);
    expect(ids(run(p(null), intent({ qty: 300 }), pf, m))).toEqual([]); // net 1.4x, unchecked
  });

  it('KILL-001 denies everything while the switch is active, and trips on any listed rule', () => {
    const d = run(
      policyWith((p) => (p.limits.kill_switch.trip_on_rules = ['KILL-001'])),
      intent(),
      portfolio(),
      market(),
      { kill_switch_active: true },
    );
    expect(d.violations).toEqual([{ rule_id: 'KILL-001', severity: 'CRIT', message: 'Kill switch is active — all orders denied.', inputs: { kill_switch_active: true }, computed: {} }]);
    expect(d.decision).toBe('DENY');
    expect(d.kill_switch_triggered).toBe(true);
    const exp = run(
      policyWith((p) => (p.limits.kill_switch.trip_on_rules = ['EXP-001'])),
      intent({ qty: 100 }),
    );
    expect(exp.decision).toBe('MODIFY');
    expect(exp.kill_switch_triggered).toBe(true);
  });

  it('reports rules in the fixed order', () => {
    const d = run(policyWith(), intent({ qty: 10000 }), portfolio({ equity: 90000, start_of_day_equity: 100000, peak_equity: 100000 }), market(), {
      kill_switch_active: true,
      orders_last_60s_global: 50,
      orders_last_60s_by_strategy: { momentum_v1: 50 },
    });
    expect(ids(d)).toEqual(['KILL-001', 'LOSS-001', 'LOSS-002', 'EXEC-001', 'EXEC-002', 'EXP-001', 'EXP-002', 'EXP-003']);
  });
});

describe('evaluate: shorts, crossing zero and de-risking', () => {
  const capped = policyWith((p) => (p.limits.exposure.max_position_pct = 0.05)); // cap_qty = 25 at 200

  it('modifies a sell from flat symmetrically to a buy', () => {
    const d = run(capped, intent({ side: 'sell', qty: 100 }));
    expect(d.decision).toBe('MODIFY');
    expect(d.modified_intent!.qty).toBe(25);
  });

  it('modifies a sell that deepens a short to what the cap leaves', () => {
    const d = run(capped, intent({ side: 'sell', qty: 100 }), portfolio({ positions: { AAPL: -10 } }));
    expect(d.decision).toBe('MODIFY');
    expect(d.modified_intent!.qty).toBe(15);
  });

  it('modifies an order that crosses zero to end exactly at the cap on the other side', () => {
    const d = run(capped, intent({ side: 'sell', qty: 100 }), portfolio({ positions: { AAPL: 20 } }));
    expect(d.decision).toBe('MODIFY');
    expect(d.modified_intent!.qty).toBe(45); // 20 long → 25 short
    const back = run(capped, intent({ side: 'buy', qty: 100 }), portfolio({ positions: { AAPL: -20 } }));
    expect(back.modified_intent!.qty).toBe(45);
  });

  it('never raises the quantity (the Python package turns sell 10 into MODIFY 50)', () => {
    const d = run(capped, intent({ side: 'sell', qty: 10 }), portfolio({ positions: { AAPL: 100 } }));
    expect(d.decision).toBe('ALLOW');
  });

  it('allows cutting a long or a short that is over every exposure limit', () => {
    const tight = policyWith((p) => {
      p.limits.exposure = { max_position_pct: 0.05, max_gross_exposure_x: 0.1, max_net_exposure_x: 0.1 };
    });
    const pf = portfolio({ positions: { AAPL: 100, MSFT: 100 } });
    const m = market({ AAPL: 200, MSFT: 200 });
    expect(run(tight, intent({ side: 'sell', qty: 10 }), pf, m)).toMatchObject({ decision: 'ALLOW', violations: [] });
    const short = portfolio({ positions: { AAPL: -100, MSFT: -100 } });
    expect(run(tight, intent({ side: 'buy', qty: 10 }), short, m)).toMatchObject({ decision: 'ALLOW', violations: [] });
  });

  it('blocks adding to a position already over the cap', () => {
    const d = run(capped, intent({ side: 'buy', qty: 1 }), portfolio({ positions: { AAPL: 100 } }));
    expect(ids(d)).toEqual(['EXP-001']);
    expect(d.decision).toBe('DENY');
  });
});

describe('evaluate: monitor mode', () => {
  const monitor = policyWith((p) => (p.defaults = { mode: 'monitor' }));

  it('allows with every violation listed', () => {
    const d = run(monitor, intent({ qty: 1001 }), portfolio(), market(), { kill_switch_active: true });
    expect(d.decision).toBe('ALLOW');
    expect(ids(d)).toEqual(['KILL-001', 'EXP-001', 'EXP-002', 'EXP-003']);
    expect(d.modified_intent).toBeNull();
  });

  it('still denies a missing price (SYS-001)', () => {
    const d = run(monitor, intent(), portfolio(), market({}));
    expect(d.decision).toBe('DENY');
    expect(ids(d)).toEqual(['SYS-001']);
  });
});

describe('evaluate: override precedence, per section', () => {
  const section = {
    exposure: (pct: number) => ({ exposure: { max_position_pct: pct, max_gross_exposure_x: 2, max_net_exposure_x: 1 } }),
    loss: (dd: number) => ({ loss: { daily_loss_limit_pct: 0.02, max_drawdown_pct: dd } }),
    execution: (g: number) => ({ execution: { max_orders_per_minute_global: g, max_orders_per_minute_by_strategy: 10 } }),
  };

  it('exposure: symbol > strategy > limits', () => {
    const both = policyWith((p) => {
      p.overrides.symbols.AAPL = section.exposure(0.03);
      p.overrides.strategies.momentum_v1 = section.exposure(0.04);
    });
    expect(metric(run(both), 'new_position_pct').limit).toBe(0.03);
    const strat = policyWith((p) => (p.overrides.strategies.momentum_v1 = section.exposure(0.04)));
    expect(metric(run(strat), 'new_position_pct').limit).toBe(0.04);
    expect(metric(run(strat, intent({ strategy_id: 'other' })), 'new_position_pct').limit).toBe(0.1);
  });

  it('loss: symbol > strategy > limits (the Python package ignores loss overrides)', () => {
    const both = policyWith((p) => {
      p.overrides.symbols.AAPL = section.loss(0.3);
      p.overrides.strategies.momentum_v1 = section.loss(0.2);
    });
    expect(metric(run(both), 'drawdown').limit).toBe(0.3);
    const strat = policyWith((p) => (p.overrides.strategies.momentum_v1 = section.loss(0.2)));
    expect(metric(run(strat), 'drawdown').limit).toBe(0.2);
    expect(metric(run(strat, intent({ strategy_id: 'x' })), 'drawdown').limit).toBe(0.05);
  });

  it('execution: symbol > strategy > limits (the Python package ignores symbol execution overrides)', () => {
    const e = { orders_last_60s_global: 15 };
    const both = policyWith((p) => {
      p.overrides.symbols.AAPL = section.execution(100);
      p.overrides.strategies.momentum_v1 = section.execution(5);
    });
    expect(ids(run(both, intent(), portfolio(), market(), e))).toEqual([]);
    const strat = policyWith((p) => (p.overrides.strategies.momentum_v1 = section.execution(5)));
    expect(run(strat, intent(), portfolio(), market(), e).violations[0]!.inputs).toEqual({ max_orders_per_minute_global: 5 });
    expect(ids(run(strat, intent({ strategy_id: 'x' }), portfolio(), market(), e))).toEqual([]);
  });

  it('a symbol override of one section leaves the others to the strategy override', () => {
    const p = policyWith((p) => {
      p.overrides.symbols.AAPL = section.exposure(0.03);
      p.overrides.strategies.momentum_v1 = { ...section.loss(0.2), ...section.exposure(0.04) };
    });
    const d = run(p);
    expect(metric(d, 'new_position_pct').limit).toBe(0.03);
    expect(metric(d, 'drawdown').limit).toBe(0.2);
  });
});

describe('evaluate: prices (SYS-001, fail closed)', () => {
  const missingFor = (d: Decision) => d.violations.map((v) => v.inputs.symbol);

  it.each([
    ['missing', {}],
    ['zero', { AAPL: 0 }],
    ['negative', { AAPL: -200 }],
    ['NaN', { AAPL: NaN }],
    ['infinite', { AAPL: Infinity }],
    ['not a number', { AAPL: '200' as unknown as number }],
  ])('denies a %s price for the intent symbol', (_, prices) => {
    const d = run(policyWith(), intent(), portfolio(), market(prices as Record<string, number>));
    expect(d).toMatchObject({ decision: 'DENY', evidence: [], kill_switch_triggered: false, modified_intent: null });
    expect(d.violations).toEqual([{ rule_id: 'SYS-001', severity: 'CRIT', message: "Missing or invalid price for symbol 'AAPL'.", inputs: { symbol: 'AAPL' }, computed: {} }]);
  });

  it('denies when a held symbol has no price (the Python package ignores it: fail open)', () => {
    const d = run(policyWith(), intent(), portfolio({ positions: { ZZZ: 5, BBB: -3, AAPL: 1 } }), market({ AAPL: 200 }));
    expect(d.decision).toBe('DENY');
    expect(missingFor(d)).toEqual(['BBB', 'ZZZ']);
  });

  it('lists the intent symbol first, then held symbols in code-point order', () => {
    const d = run(policyWith(), intent(), portfolio({ positions: { b: 1, B: 1, '\u{1F600}': 1, '\uFF21': 1 } }), market({}));
    expect(missingFor(d)).toEqual(['AAPL', 'B', 'b', '\uFF21', '\u{1F600}']);
  });

  it('needs no price for a flat (zero) holding', () => {
    expect(run(policyWith(), intent(), portfolio({ positions: { ZZZ: 0 } })).decision).toBe('ALLOW');
  });

  it('still denies in monitor mode and even when a kill-switch rule would trip', () => {
    const p = policyWith((p) => {
      p.defaults = { mode: 'monitor' };
      p.limits.kill_switch.trip_on_rules = ['KILL-001'];
    });
    const d = run(p, intent(), portfolio(), market({}), { kill_switch_active: true });
    expect(d).toMatchObject({ decision: 'DENY', kill_switch_triggered: false });
  });
});

describe('evaluate: errors are decisions (SYS-002)', () => {
  const sys002 = (d: Decision) => {
    expect(ids(d)).toEqual(['SYS-002']);
    expect(d.violations[0]!.severity).toBe('CRIT');
    expect(d.violations[0]!.message).toMatch(/^Evaluation error: /);
    return d;
  };

  it.each([
    ['negative qty', { qty: -5 }],
    ['zero qty', { qty: 0 }],
    ['NaN qty', { qty: NaN }],
    ['infinite qty', { qty: Infinity }],
    ['unknown side', { side: 'short' as 'sell' }],
  ])('denies a %s', (_, over) => {
    expect(sys002(run(policyWith(), intent(over))).decision).toBe('DENY');
  });

  it.each([
    ['zero equity', { equity: 0 }],
    ['NaN start-of-day equity', { start_of_day_equity: NaN }],
    ['infinite peak equity', { peak_equity: Infinity }],
    ['non-finite position', { positions: { MSFT: NaN } }],
  ])('denies a portfolio with %s', (_, over) => {
    expect(sys002(run(policyWith(), intent(), portfolio(over), market({ AAPL: 200, MSFT: 1 }))).decision).toBe('DENY');
  });

  it('denies negative or non-finite counts', () => {
    sys002(run(policyWith(), intent(), portfolio(), market(), { orders_last_60s_global: -1 }));
    sys002(run(policyWith(), intent(), portfolio(), market(), { orders_last_60s_by_strategy: { momentum_v1: NaN } }));
  });

  it('denies when a metric overflows', () => {
    const d = run(policyWith(), intent({ qty: 1e308 }), portfolio(), market({ AAPL: 1e308 }));
    expect(sys002(d).violations[0]!.message).toContain('not finite');
  });

  it("uses the policy's defaults.decision (allow) for errors, but SYS-001 still wins", () => {
    const lenient = policyWith((p) => (p.defaults = { decision: 'allow' }));
    expect(sys002(run(lenient, intent({ qty: -1 }))).decision).toBe('ALLOW');
    expect(run(lenient, intent({ qty: -1 }), portfolio(), market({})).violations[0]!.rule_id).toBe('SYS-001');
  });

  it('never throws on malformed objects', () => {
    const p = policyWith();
    const bad: unknown[] = [null, undefined, 42, 'x', [], {}, { instrument: null }];
    for (const x of bad) {
      expect(() => evaluate(x as OrderIntent, p, portfolio(), market())).not.toThrow();
      expect(evaluate(x as OrderIntent, p, portfolio(), market()).decision).toBe('DENY');
      expect(evaluate(intent(), p, x as PortfolioState, market()).decision).toBe('DENY');
      expect(evaluate(intent(), p, portfolio(), x as MarketSnapshot).decision).toBe('DENY');
      expect(evaluate(intent(), x as typeof p, portfolio(), market()).decision).toBe('DENY');
    }
  });

  it('denies under a hand-built invalid policy, whatever it says about defaults', () => {
    const invalid = { defaults: { decision: 'allow' }, limits: { exposure: { max_position_pct: 5 } } } as never;
    const d = sys002(evaluate(intent(), invalid, portfolio(), market()));
    expect(d.decision).toBe('DENY');
    expect(d.violations[0]!.message).toContain('invalid policy');
  });
});

describe('evaluate: symbols and ids are data', () => {
  it.each(['constructor', '__proto__', 'toString', 'prototype', 'hasOwnProperty'])('treats %s like any symbol', (sym) => {
    const positions = JSON.parse(`{"${sym}": 10}`) as Record<string, number>;
    const prices = JSON.parse(`{"${sym}": 200, "AAPL": 200}`) as Record<string, number>;
    const d = run(policyWith(), intent({ qty: 10 }, sym), portfolio({ positions }), market(prices));
    expect(d.decision).toBe('ALLOW');
    expect(metric(d, 'new_position_pct').value).toBe(0.04);
    // Unpriced, it is missing — not found on Object.prototype.
    const missing = run(policyWith(), intent({}, sym), portfolio(), market({ AAPL: 200 }));
    expect(missing.violations[0]!.inputs).toEqual({ symbol: sym });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not read a price from a polluted Object.prototype', () => {
    const p = policyWith(); // before the pollution: valibot itself iterates inherited keys
    run(p); // compiled and cached
    const proto = Object.prototype as Record<string, unknown>;
    proto.AAPL = 200;
    try {
      expect(run(p, intent(), portfolio(), market({ MSFT: 1 })).violations[0]!.rule_id).toBe('SYS-001');
      const held = run(p, intent({}, 'MSFT'), portfolio({ positions: { AAPL: 5 } }), market({ MSFT: 1 }));
      expect(held.violations.map((v) => v.inputs.symbol)).toEqual(['AAPL']);
    } finally {
      delete proto.AAPL;
    }
  });

  it('does not read prices inherited from a polluted prototype', () => {
    const prices = Object.create({ AAPL: 200 }) as Record<string, number>;
    expect(run(policyWith(), intent(), portfolio(), market(prices)).decision).toBe('DENY');
  });
});

describe('evaluate: determinism', () => {
  it('does not depend on the key order of positions or prices, bit for bit', () => {
    const symbols = Array.from({ length: 40 }, (_, i) => `S${i}`);
    const qty = (i: number) => ((i * 7919) % 113) * (i % 3 === 0 ? -1.37 : 0.91);
    const price = (i: number) => 10 + ((i * 104729) % 997) / 7;
    const build = (order: string[]) => ({
      positions: Object.fromEntries(order.map((s) => [s, qty(Number(s.slice(1)))])),
      prices: Object.fromEntries([['AAPL', 200], ...order.map((s) => [s, price(Number(s.slice(1)))])]),
    });
    const a = build(symbols);
    const b = build([...symbols].reverse());
    const p = policyWith((p) => (p.limits.exposure = { max_position_pct: 1, max_gross_exposure_x: 100, max_net_exposure_x: 100 }));
    const da = run(p, intent(), portfolio({ positions: a.positions }), market(a.prices));
    const db = run(p, intent(), portfolio({ positions: b.positions }), market(b.prices));
    expect({ ...db, eval_ms: 0 }).toEqual({ ...da, eval_ms: 0 });
  });

  it('reports eval_ms rounded to 3 decimals', () => {
    const d = run();
    expect(d.eval_ms).toBeGreaterThanOrEqual(0);
    expect(Math.round(d.eval_ms * 1000) / 1000).toBe(d.eval_ms);
  });

  it('freezes the policy on first use so a later edit cannot desynchronise its cache', () => {
    const p = policyWith();
    run(p);
    expect(Object.isFrozen(p.limits.exposure)).toBe(true);
    expect(() => {
      (p.limits.exposure as { max_position_pct: number }).max_position_pct = 0.5;
    }).toThrow(TypeError);
  });
});

describe('evaluate: frozen snapshots', () => {
  const symbols = ['AAPL', 'MSFT', 'ES', 'constructor', '__proto__'];
  const qty = fc.oneof(fc.constant(0), fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.constantFrom(NaN, Infinity));
  const price = fc.oneof(fc.double({ min: 0.01, max: 1e5, noNaN: true }), fc.constantFrom(0, -1, NaN));
  const state = fc.record({
    positions: fc.dictionary(fc.constantFrom(...symbols), qty, { maxKeys: 5 }),
    prices: fc.dictionary(fc.constantFrom(...symbols), price, { maxKeys: 5 }),
    symbol: fc.constantFrom(...symbols),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    qty: fc.double({ min: 0.001, max: 1e4, noNaN: true }),
  });
  const copy = (o: Record<string, number>) => Object.fromEntries(Object.entries(o));
  const p = policyWith((p) => (p.limits.exposure = { max_position_pct: 0.5, max_gross_exposure_x: 3, max_net_exposure_x: 1 }));

  it('decide exactly as mutable objects do (cached sums minus the intent term are exact)', () => {
    fc.assert(
      fc.property(state, (s) => {
        const i = intent({ side: s.side, qty: s.qty }, s.symbol);
        const live = run(p, i, portfolio({ positions: copy(s.positions) }), market(copy(s.prices)));
        const frozenPositions = Object.freeze(copy(s.positions));
        const frozenPrices = Object.freeze(copy(s.prices));
        const first = run(p, i, portfolio({ positions: frozenPositions }), market(frozenPrices));
        const cached = run(p, i, portfolio({ positions: frozenPositions }), market(frozenPrices));
        expect({ ...first, eval_ms: 0 }).toEqual({ ...live, eval_ms: 0 });
        expect({ ...cached, eval_ms: 0 }).toEqual({ ...live, eval_ms: 0 });
      }),
      { numRuns: 2000 },
    );
  });

  it('recompute when the same frozen positions come with other prices', () => {
    const positions = Object.freeze({ MSFT: 100 });
    const loose = policyWith((p) => (p.limits.exposure = { max_position_pct: 1, max_gross_exposure_x: 0.5, max_net_exposure_x: null }));
    const cheap = run(loose, intent(), portfolio({ positions }), market(Object.freeze({ AAPL: 200, MSFT: 100 })));
    const dear = run(loose, intent(), portfolio({ positions }), market(Object.freeze({ AAPL: 200, MSFT: 1000 })));
    expect(metric(cheap, 'gross_exposure_x').value).toBe(0.12);
    expect(metric(dear, 'gross_exposure_x').value).toBe(1.02);
    expect(dear.decision).toBe('DENY');
  });
});

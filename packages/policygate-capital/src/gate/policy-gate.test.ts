// Scenarios of the stateful gate: throttles that fill and drain, the kill switch, fills, marks,
// manual recording, maxQty, snapshots. Every decision the gate makes is also checked against the
// pure `evaluate` on the state the gate reports for that check.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serializeAuditEvent } from '../audit/event.js';
import { replayAuditLog } from '../audit/replay.js';
import { PolicyEngine } from '../engine/policy-engine.js';
import { evaluate } from '../engine/evaluate.js';
import type { Decision } from '../engine/types.js';
import { PolicyGateError, ValidationError } from '../errors.js';
import type { MarketSnapshot, OrderIntent, PortfolioState } from '../model/schemas.js';
import { PolicyGate, type GateCheck } from './policy-gate.js';

const T0 = Date.UTC(2026, 1, 18, 14, 30);
/** RFC 3339 for T0 + `s` seconds, as the gate writes it (no fraction on whole seconds). */
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace('.000Z', 'Z');

function policyYaml(
  o: {
    mode?: 'enforce' | 'monitor';
    decision?: 'deny' | 'allow';
    global?: number;
    perStrategy?: number;
    tripOn?: string[];
    tripAfter?: number;
    windowS?: number;
    position?: number;
    gross?: number;
    net?: number | null;
  } = {},
): string {
  return `version: "0.1"
defaults: { mode: ${o.mode ?? 'enforce'}, decision: ${o.decision ?? 'deny'} }
limits:
  exposure: { max_position_pct: ${o.position ?? 0.1}, max_gross_exposure_x: ${o.gross ?? 2}, max_net_exposure_x: ${o.net === undefined ? 1 : o.net} }
  loss: { daily_loss_limit_pct: 0.02, max_drawdown_pct: 0.05 }
  execution: { max_orders_per_minute_global: ${o.global ?? 100}, max_orders_per_minute_by_strategy: ${o.perStrategy ?? 100} }
  kill_switch: { trip_on_rules: ${JSON.stringify(o.tripOn ?? ['LOSS-002'])}, trip_after_n_violations: ${o.tripAfter ?? 1000}, violation_window_seconds: ${o.windowS ?? 300} }
`;
}

const engineFor = (o: Parameters<typeof policyYaml>[0] = {}) => PolicyEngine.fromYaml(policyYaml(o));

const portfolio = (over: Partial<PortfolioState> = {}): PortfolioState => ({
  equity: 100_000,
  start_of_day_equity: 100_000,
  peak_equity: 100_000,
  positions: {},
  realized_pnl_today: 0,
  unrealized_pnl: 0,
  ...over,
});

let seq = 0;
function order(s: number, o: Partial<OrderIntent> & { symbol?: string } = {}): OrderIntent {
  const { symbol = 'AAPL', ...rest } = o;
  return {
    intent_id: `o-${++seq}`,
    timestamp: at(s),
    strategy_id: 'alpha',
    account_id: 'acct-1',
    instrument: { symbol, asset_class: 'equity' },
    side: 'buy',
    order_type: 'market',
    qty: 1,
    limit_price: null,
    ...rest,
  };
}

const market = (prices: Record<string, number> = { AAPL: 200, MSFT: 400 }): MarketSnapshot => ({ timestamp: at(0), prices });

const withoutMs = ({ eval_ms: _, ...rest }: Decision) => rest;

/** Checks with the state, and asserts the pure evaluator agrees on that state. */
function checked(gate: PolicyGate, intent: OrderIntent, m?: MarketSnapshot): GateCheck {
  const c = gate.checkDetailed(intent, m);
  const pure = evaluate(c.intent, gate.engine.policy, c.portfolio, c.market, c.execution);
  expect(withoutMs(c.decision)).toEqual(withoutMs(pure));
  return c;
}

const rules = (d: Decision) => d.violations.map((v) => v.rule_id);

describe('order throttles', () => {
  it('denies a burst once the strategy reaches its limit, and allows again once the first order is 60 s old', async () => {
    const gate = new PolicyGate(await engineFor({ perStrategy: 3, global: 100 }), { portfolio: portfolio(), market: market() });
    for (const s of [0, 1, 2]) expect(checked(gate, order(s)).decision.decision).toBe('ALLOW');
    const throttled = checked(gate, order(3));
    expect(throttled.decision.decision).toBe('DENY');
    expect(rules(throttled.decision)).toEqual(['EXEC-002']);
    expect(throttled.decision.violations[0]!.message).toBe("Strategy 'alpha' rate 3 orders/min exceeds limit 3.");
    expect(throttled.execution.orders_last_60s_by_strategy).toEqual({ alpha: 3 });
    // Denied orders are not counted: the window still holds the three from t = 0, 1, 2.
    for (const s of [10, 30, 59.999]) expect(rules(checked(gate, order(s)).decision)).toEqual(['EXEC-002']);
    // At t = 60 the order from t = 0 is exactly 60 s old: s − 60 < t fails, it no longer counts.
    const recovered = checked(gate, order(60));
    expect(recovered.execution.orders_last_60s_by_strategy).toEqual({ alpha: 2 });
    expect(recovered.decision.decision).toBe('ALLOW');
  });

  it('counts an order until exactly 60 s have passed, to the microsecond', async () => {
    const gate = new PolicyGate(await engineFor({ global: 1 }), { portfolio: portfolio(), market: market() });
    expect(checked(gate, order(0)).decision.decision).toBe('ALLOW');
    const justBefore = checked(gate, { ...order(0), timestamp: '2026-02-18T14:30:59.999999Z' });
    expect(justBefore.execution.orders_last_60s_global).toBe(1);
    expect(rules(justBefore.decision)).toEqual(['EXEC-001']);
    const onTheBoundary = checked(gate, { ...order(0), timestamp: '2026-02-18T14:31:00Z' });
    expect(onTheBoundary.execution.orders_last_60s_global).toBe(0);
    expect(onTheBoundary.decision.decision).toBe('ALLOW');
  });

  it('throttles globally across strategies, and per strategy independently', async () => {
    const gate = new PolicyGate(await engineFor({ global: 4, perStrategy: 2 }), { portfolio: portfolio(), market: market() });
    expect(checked(gate, order(0, { strategy_id: 'a' })).decision.decision).toBe('ALLOW');
    expect(checked(gate, order(1, { strategy_id: 'a' })).decision.decision).toBe('ALLOW');
    expect(rules(checked(gate, order(2, { strategy_id: 'a' })).decision)).toEqual(['EXEC-002']);
    expect(checked(gate, order(3, { strategy_id: 'b' })).decision.decision).toBe('ALLOW');
    expect(checked(gate, order(4, { strategy_id: 'c' })).decision.decision).toBe('ALLOW');
    const full = checked(gate, order(5, { strategy_id: 'd' }));
    expect(rules(full.decision)).toEqual(['EXEC-001']);
    expect(full.execution.orders_last_60s_by_strategy).toEqual({ a: 2, b: 1, c: 1 });
  });

  it('counts a MODIFY (the reduced order is sent) and not a DENY', async () => {
    const gate = new PolicyGate(await engineFor({ global: 100, position: 0.05 }), { portfolio: portfolio(), market: market() });
    expect(checked(gate, order(0, { qty: 100 })).decision.decision).toBe('MODIFY');
    expect(checked(gate, order(1, { qty: 1, symbol: 'NOPRICE' })).decision.decision).toBe('DENY');
    expect(gate.executionState().orders_last_60s_global).toBe(1);
  });

  it('checks an intent stamped before the clock at the clock (clamped), so out-of-order streams throttle', async () => {
    const gate = new PolicyGate(await engineFor({ global: 2 }), { portfolio: portfolio(), market: market() });
    checked(gate, order(30));
    const late = checked(gate, order(-20)); // 50 s earlier than the clock
    expect(gate.clock).toBe(at(30));
    expect(late.execution.orders_last_60s_global).toBe(1);
    // The late order counts at the clock (t = 30), so it stays in the window until t = 90.
    expect(checked(gate, order(89)).execution.orders_last_60s_global).toBe(2);
    expect(checked(gate, order(90)).execution.orders_last_60s_global).toBe(0);
  });

  it('denies an intent whose timestamp is not RFC 3339 (SYS-002), even under decision: allow, and does not count it', async () => {
    const gate = new PolicyGate(await engineFor({ decision: 'allow' }), { portfolio: portfolio(), market: market() });
    const d = gate.check({ ...order(0), timestamp: '18/02/2026 14:30' });
    expect(d.decision).toBe('DENY');
    expect(d.violations).toHaveLength(1);
    expect(d.violations[0]!.rule_id).toBe('SYS-002');
    expect(d.violations[0]!.message).toContain('intent.timestamp must be an RFC 3339 timestamp');
    expect(gate.executionState().orders_last_60s_global).toBe(0);
    expect(gate.clock).toBeNull();
  });
});

describe('kill switch', () => {
  it('trips on a drawdown crash (LOSS-002 in trip_on_rules), latches while equity recovers, and resets only explicitly', async () => {
    const gate = new PolicyGate(await engineFor({ tripOn: ['LOSS-002'] }), { portfolio: portfolio(), market: market() });
    expect(checked(gate, order(0)).decision.decision).toBe('ALLOW');
    gate.updateEquity({ equity: 93_000 }); // 7 % below the peak: LOSS-002 (and LOSS-001)
    const crash = checked(gate, order(1)).decision;
    expect(crash.decision).toBe('DENY');
    expect(rules(crash)).toEqual(['LOSS-001', 'LOSS-002']);
    expect(crash.kill_switch_triggered).toBe(true);
    expect(gate.killSwitch.active).toBe(true);
    expect(gate.killSwitch.tripped_at).toBe(at(1));
    expect(gate.killSwitch.reason).toContain('LOSS-002');

    gate.updateEquity({ equity: 100_000, start_of_day_equity: 100_000 });
    for (const s of [2, 100, 100_000]) {
      const c = checked(gate, order(s));
      expect(c.execution.kill_switch_active).toBe(true);
      expect(c.decision.decision).toBe('DENY');
      expect(rules(c.decision)).toEqual(['KILL-001']);
    }
    expect(gate.resetKillSwitch('risk desk reviewed the crash (J. Doe)')).toBe(true);
    expect(gate.resetKillSwitch('again')).toBe(false); // nothing to reset: nothing recorded
    expect(gate.killSwitch).toEqual({
      active: false,
      tripped_at: null,
      reason: null,
      history: [
        { event: 'trip', at: at(1), reason: expect.stringContaining('LOSS-002'), intent_id: crash.intent_id },
        { event: 'reset', at: at(100_000), reason: 'risk desk reviewed the crash (J. Doe)', intent_id: null },
      ],
    });
    expect(checked(gate, order(100_001)).decision.decision).toBe('ALLOW');
  });

  it('trips when trip_after_n_violations violations fall within violation_window_seconds', async () => {
    const gate = new PolicyGate(await engineFor({ tripOn: [], tripAfter: 3, windowS: 300, gross: 0.5, position: 1, net: null }), {
      portfolio: portfolio(),
      market: market(),
    });
    const big = (s: number) => order(s, { qty: 300 }); // 60 000 of AAPL: gross 0.6x > 0.5x → EXP-002
    expect(rules(checked(gate, big(0)).decision)).toEqual(['EXP-002']);
    expect(rules(checked(gate, big(100)).decision)).toEqual(['EXP-002']);
    expect(gate.killSwitch.active).toBe(false);
    expect(checked(gate, order(150)).execution.violations_last_window).toEqual([
      [at(0), 'EXP-002'],
      [at(100), 'EXP-002'],
    ]);
    const third = checked(gate, big(299.999999)).decision;
    expect(third.kill_switch_triggered).toBe(false); // the rule itself does not trip it...
    expect(gate.killSwitch.active).toBe(true); // ...the count does
    expect(gate.killSwitch.reason).toBe('3 violations within 300 s (trip_after_n_violations 3)');
    expect(rules(checked(gate, order(301)).decision)).toEqual(['KILL-001']);
  });

  it('does not trip when the same violations are spread wider than the window', async () => {
    const gate = new PolicyGate(await engineFor({ tripOn: [], tripAfter: 3, windowS: 300, gross: 0.5, position: 1, net: null }), {
      portfolio: portfolio(),
      market: market(),
    });
    for (const s of [0, 200, 300, 500, 600]) expect(rules(checked(gate, order(s, { qty: 300 })).decision)).toEqual(['EXP-002']);
    // At t = 600 the window (300, 600] holds t = 500 and 600 only.
    expect(gate.killSwitch.active).toBe(false);
    expect(gate.executionState().violations_last_window.map(([t]) => t)).toEqual([at(500), at(600)]);
  });

  it('a reset clears the counted violations, so the next one does not trip it again at once', async () => {
    const gate = new PolicyGate(await engineFor({ tripOn: [], tripAfter: 2, windowS: 300, gross: 0.5, position: 1, net: null }), {
      portfolio: portfolio(),
      market: market(),
    });
    checked(gate, order(0, { qty: 300 }));
    checked(gate, order(1, { qty: 300 }));
    expect(gate.killSwitch.active).toBe(true);
    gate.resetKillSwitch('tested', at(2));
    expect(gate.executionState().violations_last_window).toEqual([]);
    checked(gate, order(3, { qty: 300 }));
    expect(gate.killSwitch.active).toBe(false);
  });

  it('KILL-001 denials do not count toward the next trip', async () => {
    const gate = new PolicyGate(await engineFor({ tripOn: ['LOSS-002'], tripAfter: 3 }), { portfolio: portfolio({ equity: 90_000 }), market: market() });
    checked(gate, order(0)); // LOSS-001 + LOSS-002: trips; 2 violations counted
    gate.updateEquity({ equity: 100_000, start_of_day_equity: 100_000, peak_equity: 100_000 });
    for (const s of [1, 2, 3]) expect(rules(checked(gate, order(s)).decision)).toEqual(['KILL-001']);
    expect(gate.executionState().violations_last_window.map(([, r]) => r)).toEqual(['LOSS-001', 'LOSS-002']);
  });

  it('denies a malformed order while tripped even when the policy allows on evaluation errors', async () => {
    const gate = new PolicyGate(await engineFor({ decision: 'allow', tripOn: ['LOSS-002'] }), { portfolio: portfolio({ equity: 90_000 }), market: market() });
    checked(gate, order(0));
    expect(gate.killSwitch.active).toBe(true);
    const d = gate.check(order(1, { qty: -5 }));
    expect(rules(d)).toEqual(['SYS-002']);
    expect(d.decision).toBe('DENY');
    // Not tripped, the same order gets the policy's allow-on-error (as `evaluate` does), and an
    // allowed order is counted: it may be sent.
    const fresh = new PolicyGate(gate.engine, { portfolio: portfolio(), market: market() });
    expect(fresh.check(order(2, { qty: -5 })).decision).toBe('ALLOW');
    expect(fresh.executionState().orders_last_60s_by_strategy).toEqual({ alpha: 1 });
  });

  it('in monitor mode reports KILL-001 but allows, as the pure engine does', async () => {
    const gate = new PolicyGate(await engineFor({ mode: 'monitor', tripOn: ['LOSS-002'] }), { portfolio: portfolio({ equity: 90_000 }), market: market() });
    expect(checked(gate, order(0)).decision.decision).toBe('ALLOW');
    expect(gate.killSwitch.active).toBe(true);
    const d = checked(gate, order(1)).decision;
    expect(d.decision).toBe('ALLOW');
    expect(rules(d)[0]).toBe('KILL-001');
  });

  it('refuses a reset without a reason', async () => {
    const gate = new PolicyGate(await engineFor(), { portfolio: portfolio() });
    expect(() => gate.resetKillSwitch('  ')).toThrow(ValidationError);
    expect(() => gate.resetKillSwitch('ok', 'yesterday')).toThrow(/at: must be an RFC 3339 timestamp/);
  });
});

describe('positions, marks and equity', () => {
  it('applies fills to positions and marks, and exposure follows', async () => {
    const gate = new PolicyGate(await engineFor({ position: 1, gross: 0.5, net: null }), { portfolio: portfolio(), market: market() });
    expect(gate.applyFill({ symbol: 'MSFT', side: 'buy', qty: 100, price: 401 })).toBe(100);
    expect(gate.portfolio!.positions).toEqual({ MSFT: 100 });
    expect(gate.market.prices.MSFT).toBe(401);
    const c = checked(gate, order(0, { qty: 50 })); // 40 100 + 10 000 = 0.501x > 0.5x
    expect(rules(c.decision)).toEqual(['EXP-002']);
    expect(c.decision.evidence.find((e) => e.metric === 'gross_exposure_x')!.value).toBe(0.501);
    gate.applyFill({ symbol: 'MSFT', side: 'sell', qty: 100, price: 402 });
    expect(gate.portfolio!.positions).toEqual({});
    expect(checked(gate, order(1, { qty: 50 })).decision.decision).toBe('ALLOW');
  });

  it('keeps symbols that are Object.prototype members as data', async () => {
    const gate = new PolicyGate(await engineFor({ position: 1 }), { portfolio: portfolio(), market: market({ AAPL: 200 }) });
    gate.applyFill({ symbol: '__proto__', side: 'buy', qty: 10, price: 100 });
    gate.applyFill({ symbol: 'constructor', side: 'sell', qty: 5, price: 50 });
    const c = checked(gate, order(0, { symbol: 'toString' }));
    expect(rules(c.decision)).toEqual(['SYS-001']);
    expect(Object.keys(c.portfolio.positions)).toEqual(['__proto__', 'constructor']);
    gate.updatePrices({ toString: 10 });
    const ok = checked(gate, order(1, { symbol: 'toString' }));
    expect(ok.decision.decision).toBe('ALLOW');
    expect(ok.decision.evidence.find((e) => e.metric === 'gross_exposure_x')!.value).toBe(0.0126);
  });

  it('denies with SYS-001 while a held symbol has no valid price, naming every one in order', async () => {
    const gate = new PolicyGate(await engineFor(), { portfolio: portfolio({ positions: { ZZZ: 1, MSFT: 2, AAPL: 3 } }), market: market({ AAPL: 200, MSFT: 400, ZZZ: 1 }) });
    expect(checked(gate, order(0)).decision.decision).toBe('ALLOW');
    const gap = market({ AAPL: 200, MSFT: 0 }); // MSFT invalid, ZZZ missing
    const d = checked(gate, order(1, { symbol: 'NEW' }), gap).decision;
    expect(d.violations.map((v) => v.inputs.symbol)).toEqual(['NEW', 'MSFT', 'ZZZ']);
    gate.updatePrices({ MSFT: 401, ZZZ: 2 });
    expect(checked(gate, order(2)).decision.decision).toBe('ALLOW');
  });

  it('adopts a new snapshot object once and freezes it; the same object again changes nothing', async () => {
    const gate = new PolicyGate(await engineFor(), { portfolio: portfolio({ positions: { MSFT: 10 } }) });
    const m = market();
    checked(gate, order(0), m);
    expect(Object.isFrozen(m) && Object.isFrozen(m.prices)).toBe(true);
    expect(() => {
      (m.prices as Record<string, number>).MSFT = 1;
    }).toThrow(TypeError);
    gate.updatePrices({ MSFT: 500 });
    expect(checked(gate, order(1), m).market.prices.MSFT).toBe(500); // same object: the gate's marks stand
    expect(checked(gate, order(2), market({ AAPL: 200, MSFT: 300 })).market.prices.MSFT).toBe(300);
  });

  it('raises the peak with equity (high-water mark) unless the peak is given', async () => {
    const gate = new PolicyGate(await engineFor(), { portfolio: portfolio() });
    gate.updateEquity({ equity: 110_000 });
    expect(gate.portfolio!.peak_equity).toBe(110_000);
    gate.updateEquity({ equity: 105_000 });
    expect(gate.portfolio!.peak_equity).toBe(110_000);
    gate.updateEquity({ equity: 120_000, peak_equity: 115_000 });
    expect(gate.portfolio!.peak_equity).toBe(115_000);
  });

  it('rejects malformed fills, prices and equity updates naming the field', async () => {
    const gate = new PolicyGate(await engineFor(), { portfolio: portfolio() });
    const issues = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
      }
      throw new Error('did not throw');
    };
    expect(issues(() => gate.applyFill({ symbol: 'AAPL', side: 'buy', qty: 0, price: Number.NaN }))).toEqual(['qty: must be > 0, got 0', 'price: must be a number, got NaN']);
    expect(issues(() => gate.applyFill({ symbol: 'AAPL', side: 'hold', qty: 1, price: 1, extra: 1 } as never))).toEqual(['side: must be buy or sell, got "hold"', 'extra: unknown field']);
    expect(issues(() => gate.updatePrices({ AAPL: Infinity }))).toEqual(['AAPL: must be a finite number, got Infinity']);
    expect(issues(() => gate.updateEquity({ equity: -1 }))).toEqual(['equity: must be > 0, got -1']);
    expect(issues(() => new PolicyGate(gate.engine, { portfolio: { equity: 1 } as never }))).toContain('start_of_day_equity: missing required field');
  });

  it('refuses fills and equity updates before there is a portfolio, and denies checks (SYS-002)', async () => {
    const gate = new PolicyGate(await engineFor(), { market: market() });
    expect(() => gate.applyFill({ symbol: 'AAPL', side: 'buy', qty: 1, price: 1 })).toThrow(expect.objectContaining({ code: 'ERR_GATE_NO_PORTFOLIO' }));
    const d = gate.check(order(0));
    expect(d.decision).toBe('DENY');
    expect(d.violations[0]!.message).toContain('no portfolio');
  });
});

describe('manual recording (autoRecord: false)', () => {
  it('counts only the orders recorded as sent', async () => {
    const gate = new PolicyGate(await engineFor({ global: 2 }), { portfolio: portfolio(), market: market(), autoRecord: false });
    const a = gate.check(order(0));
    const b = gate.check(order(1));
    expect(gate.executionState().orders_last_60s_global).toBe(0);
    expect(gate.record(b)).toBe(true);
    expect(gate.executionState().orders_last_60s_global).toBe(1);
    expect(() => gate.record(b)).toThrow(expect.objectContaining({ code: 'ERR_GATE_NOT_PENDING' }));
    expect(gate.record(a)).toBe(true); // counted at its own check time, in order
    expect(gate.snapshot().orders.map(([t]) => t)).toEqual([at(0), at(1)]);
    expect(rules(gate.check(order(2)))).toEqual(['EXEC-001']);
  });

  it('refuses to record a check older than the window, and anything on an auto-recording gate', async () => {
    const gate = new PolicyGate(await engineFor(), { portfolio: portfolio(), market: market(), autoRecord: false });
    const d = gate.check(order(0));
    gate.check(order(61));
    expect(() => gate.record(d)).toThrow(PolicyGateError);
    expect(gate.record({ ...d, decision: 'DENY' })).toBe(false);
    const auto = new PolicyGate(gate.engine, { portfolio: portfolio(), market: market() });
    expect(() => auto.record(auto.check(order(0)))).toThrow(expect.objectContaining({ code: 'ERR_GATE_AUTO_RECORD' }));
  });
});

describe('maxQty', () => {
  it('answers the README example: AAPL capped at 5 % of 100 000 at 200 → 25 shares, EXP-001 binding', async () => {
    const policy = readFileSync(new URL('../../../../tests/fixtures/conformance/reference-policy.yaml', import.meta.url), 'utf8');
    const gate = new PolicyGate(await PolicyEngine.fromYaml(policy), { portfolio: portfolio(), market: market({ AAPL: 200 }) });
    const r = gate.maxQty('AAPL', 'buy', undefined, { lot: 1 });
    expect(r).toEqual({ qty: 25, binding: 'EXP-001', limit: 0.05, lot: 1, blockedBy: [] });
    expect(checked(gate, order(0, { qty: 25 })).decision.decision).toBe('ALLOW');
    expect(rules(checked(gate, order(1, { qty: 26 })).decision)).toEqual(['EXP-001']);
  });

  it('finds gross and net bindings, and the short side', async () => {
    const engine = await engineFor({ position: 1, gross: 1.2, net: 0.8 });
    const gate = new PolicyGate(engine, { portfolio: portfolio({ positions: { MSFT: 100, AAPL: -100 } }), market: market() });
    // MSFT +40 000, AAPL −20 000. Buying AAPL (new = q − 100): position ≤ 500 → q ≤ 600; gross
    // 40 000 + 200·|new| ≤ 120 000 → q ≤ 500; net 40 000 + 200·new ≤ 80 000 → q ≤ 300.
    expect(gate.maxQty('AAPL', 'buy')).toMatchObject({ qty: 300, binding: 'EXP-003', limit: 0.8 });
    // Selling AAPL (new = −100 − q): position q ≤ 400; gross q ≤ 300; net 40 000 − 200·(100 + q) ≥ −80 000 → q ≤ 500.
    const sell = gate.maxQty('AAPL', 'sell', undefined, { lot: 1 });
    expect(sell).toMatchObject({ qty: 300, binding: 'EXP-002', limit: 1.2 });
    const pure = (qty: number, side: 'buy' | 'sell') => evaluate(order(0, { qty, side }), engine.policy, gate.portfolio!, gate.market, {});
    expect(rules(pure(sell.qty, 'sell')).filter((r) => r.startsWith('EXP'))).toEqual([]);
    expect(rules(pure(sell.qty + 1, 'sell'))).toContain('EXP-002');
  });

  it('lists what blocks any size, and SYS-001 when prices are missing', async () => {
    const gate = new PolicyGate(await engineFor({ tripOn: ['LOSS-002'] }), { portfolio: portfolio({ equity: 90_000, positions: { MSFT: 1 } }), market: market() });
    expect(gate.maxQty('AAPL', 'buy').blockedBy).toEqual(['LOSS-001', 'LOSS-002']);
    gate.check(order(0));
    expect(gate.maxQty('AAPL', 'buy').blockedBy).toEqual(['KILL-001', 'LOSS-001', 'LOSS-002']);
    expect(gate.maxQty('NOPE', 'buy')).toEqual({ qty: 0, binding: null, limit: null, lot: 1e-8, blockedBy: ['SYS-001'] });
    expect(() => gate.maxQty('AAPL', 'buy', undefined, { lot: 0 })).toThrow(/lot: must be > 0/);
  });
});

describe('snapshot and restore', () => {
  it('resumes with the same state and the same decisions', async () => {
    const engine = await engineFor({ global: 3, tripOn: [], tripAfter: 2, gross: 0.5, position: 1, net: null });
    const gate = new PolicyGate(engine, { portfolio: portfolio({ positions: { MSFT: 10 } }), market: market() });
    checked(gate, order(0));
    checked(gate, order(1, { qty: 300 }));
    const text = JSON.stringify(gate.snapshot());
    const resumed = PolicyGate.restore(engine, text);
    expect(resumed.snapshot()).toEqual(gate.snapshot());
    for (const s of [2, 3, 30, 61, 62]) {
      const i = order(s, { qty: s === 3 ? 300 : 1 });
      expect(withoutMs(resumed.check(i))).toEqual(withoutMs(gate.check(i)));
    }
    expect(resumed.snapshot()).toEqual(gate.snapshot());
  });

  it('reports malformed snapshots by path, and JSON syntax errors by line and column', async () => {
    const engine = await engineFor();
    const good = new PolicyGate(engine, { portfolio: portfolio() }).snapshot();
    try {
      PolicyGate.restore(engine, { ...good, clock: '2026-02-30T00:00:00Z', orders: [['x', 'a']], kill_switch: { ...good.kill_switch, active: 'yes' } } as never);
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual(['clock', 'orders[0][0]', 'kill_switch.active']);
    }
    try {
      PolicyGate.restore(engine, '{\n  "format": "policygate-gate-snapshot/1",\n  "clock" null\n}');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues[0]).toMatchObject({ line: 3, column: 11 });
    }
  });

  it('refuses a snapshot from another policy unless told to carry it over', async () => {
    const snap = new PolicyGate(await engineFor({ global: 5 }), { portfolio: portfolio() }).snapshot();
    const other = await engineFor({ global: 6 });
    expect(() => PolicyGate.restore(other, snap)).toThrow(expect.objectContaining({ code: 'ERR_GATE_POLICY_MISMATCH' }));
    expect(PolicyGate.restore(other, snap, { allowPolicyChange: true }).portfolio).toEqual(snap.portfolio);
  });
});

describe('audit events', () => {
  it('carry the execution state as it was at each check, and replay to the same decisions', async () => {
    const engine = await engineFor({ global: 2, tripOn: ['LOSS-002'] });
    const gate = new PolicyGate(engine, { portfolio: portfolio(), market: market() });
    const lines: string[] = [];
    const run = (intent: OrderIntent) => {
      const c = gate.checkDetailed(intent);
      const event = gate.auditEvent(c, { runId: 'gate-test', timestamp: intent.timestamp });
      lines.push(serializeAuditEvent(event));
      return event;
    };
    expect(run(order(0)).execution_state.orders_last_60s_global).toBe(0);
    expect(run(order(1)).execution_state).toEqual({ orders_last_60s_global: 1, orders_last_60s_by_strategy: { alpha: 1 }, violations_last_window: [], kill_switch_active: false });
    const throttled = run(order(2));
    expect(throttled.decision.violations.map((v) => v.rule_id)).toEqual(['EXEC-001']);
    expect(throttled.execution_state.orders_last_60s_global).toBe(2);
    gate.updateEquity({ equity: 90_000 });
    expect(run(order(3)).decision.kill_switch_triggered).toBe(true);
    const killed = run(order(70));
    expect(killed.execution_state).toEqual({
      orders_last_60s_global: 0,
      orders_last_60s_by_strategy: {},
      violations_last_window: [
        [at(2), 'EXEC-001'],
        [at(3), 'LOSS-001'], // in the decision's (rule) order
        [at(3), 'LOSS-002'],
        [at(3), 'EXEC-001'],
      ],
      kill_switch_active: true,
    });
    expect(killed.policy_hash).toBe(engine.policyHash);
    const summary = await replayAuditLog(lines.join('\n') + '\n', engine);
    expect(summary).toMatchObject({ total: 5, matched: 5, ok: true });
  });
});

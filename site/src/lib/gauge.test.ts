import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolicyYaml, type Decision } from 'policygate-capital';
import { gauge, gaugesOf, headroom, killSwitchGauge, rateGauge } from './gauge';

interface Case {
  policy_yaml: string;
  intent: { side: 'buy' | 'sell'; qty: number; instrument: { symbol: string } };
  portfolio: { positions?: Record<string, number> };
  expected: Decision;
}

const readCases = (name: string): Case[] =>
  readFileSync(new URL(`../../../tests/fixtures/conformance/${name}`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Case);

/** Policy DSL v0.2: an order that only reduces its symbol's position (not crossing zero). */
function onlyReduces({ intent, portfolio }: Case): boolean {
  const current = portfolio.positions?.[intent.instrument.symbol] ?? 0;
  const next = current + (intent.side === 'buy' ? intent.qty : -intent.qty);
  return current !== 0 && Math.abs(next) < Math.abs(current) && (next === 0 || Math.sign(next) === Math.sign(current));
}

describe('gauge', () => {
  it('shows headroom inside the limit, with the bar short of the marker', () => {
    const g = gauge({ metric: 'new_position_pct', value: 0.02, limit: 0.05 }, false);
    expect(g).toMatchObject({ status: 'headroom', valueText: '2.00%', limitText: '5.00%', marginText: 'headroom 3.00%', ruleId: 'EXP-001' });
    expect(g.fillPct).toBeLessThan(g.limitPct!);
  });

  it('shows a breach past the limit, with the bar beyond the marker', () => {
    const g = gauge({ metric: 'gross_exposure_x', value: 2.02, limit: 2 }, true);
    expect(g).toMatchObject({ status: 'breach', valueText: '2.02×', marginText: 'over by 0.02×' });
    expect(g.fillPct).toBeGreaterThan(g.limitPct!);
    expect(g.fillPct).toBeLessThanOrEqual(100);
  });

  it('reads the daily return as a loss against the loss limit', () => {
    expect(gauge({ metric: 'daily_return', value: -0.025, limit: -0.02 }, true)).toMatchObject({ status: 'breach', valueText: '2.50% loss', limitText: '2.00% loss', marginText: 'over by 0.50%' });
    expect(gauge({ metric: 'daily_return', value: 0.01, limit: -0.02 }, false)).toMatchObject({ status: 'headroom', valueText: '1.00% gain', fillPct: 0 });
  });

  it('calls an exposure past its limit whose rule did not fire a reducing order', () => {
    expect(gauge({ metric: 'new_position_pct', value: 0.18, limit: 0.05 }, false)).toMatchObject({ status: 'reducing', marginText: 'over by 13.00%, but this order lowers it' });
  });

  it('shows an unchecked net exposure as such', () => {
    expect(gauge({ metric: 'net_exposure_x', value: 1.5, limit: null }, false)).toMatchObject({ status: 'unchecked', limitPct: null });
  });

  it('agrees with the engine on every conformance case: breach exactly when the rule fired, reducing only for exposures', () => {
    const lines = readFileSync(new URL('../../../tests/fixtures/conformance/cases.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n');
    let checked = 0;
    for (const line of lines) {
      const { expected } = JSON.parse(line);
      const fired = new Set(expected.violations.map((v: { rule_id: string }) => v.rule_id));
      for (const g of gaugesOf(expected)) {
        checked++;
        if (g.status === 'unchecked') continue;
        expect(g.status === 'breach').toBe(fired.has(g.ruleId));
        if (g.status === 'reducing') expect(g.ruleId).toMatch(/^EXP-/);
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('reads the v0.2 order metrics in their own units', () => {
    expect(gauge({ metric: 'order_qty', value: 10000, limit: 1000 }, true)).toMatchObject({
      ruleId: 'ORD-001',
      status: 'breach',
      valueText: '10,000',
      limitText: '1,000',
      marginText: 'over by 9,000',
    });
    expect(gauge({ metric: 'order_qty', value: 0.00005, limit: 1 }, false)).toMatchObject({ status: 'headroom', valueText: '0.00005' });
    expect(gauge({ metric: 'order_notional', value: 120000, limit: 250000 }, false)).toMatchObject({
      ruleId: 'ORD-002',
      status: 'headroom',
      valueText: '120,000.00',
      limitText: '250,000.00',
      marginText: 'headroom 130,000.00',
    });
    expect(gauge({ metric: 'order_notional', value: 250000, limit: 250000 }, false)).toMatchObject({ status: 'headroom', marginText: 'at the limit' });
    expect(gauge({ metric: 'limit_price_deviation', value: 0.1, limit: 0.05 }, true)).toMatchObject({
      ruleId: 'ORD-003',
      status: 'breach',
      valueText: '10.00% past the market',
      limitText: '5.00%',
      marginText: 'over by 5.00%',
    });
    expect(gauge({ metric: 'price_age_seconds', value: 1.25, limit: 5 }, false)).toMatchObject({
      ruleId: 'SYS-003',
      status: 'headroom',
      valueText: '1.25 s old',
      limitText: '5 s',
      marginText: 'headroom 3.75 s',
    });
  });

  it('shows a limit price deviation without a value as not a priced limit order', () => {
    const g = gauge({ metric: 'limit_price_deviation', value: null, limit: 0.05 }, false);
    expect(g).toMatchObject({ status: 'not-applicable', valueText: 'not a priced limit order', limitText: '5.00%', marginText: '', fillPct: 0 });
  });

  it('reads a passive limit price and a snapshot newer than the order as zero on the bar, with their full headroom', () => {
    const passive = gauge({ metric: 'limit_price_deviation', value: -0.02, limit: 0.05 }, false);
    expect(passive).toMatchObject({ status: 'headroom', valueText: '2.00% inside the market', marginText: 'headroom 7.00%', fillPct: 0 });
    const newer = gauge({ metric: 'price_age_seconds', value: -2, limit: 5 }, false);
    expect(newer).toMatchObject({ status: 'headroom', valueText: '2 s newer than the order', marginText: 'headroom 7 s', fillPct: 0 });
  });

  it('calls a loss past its limit whose rule did not fire an order let through by reduce-only, but not a loss at the limit', () => {
    expect(gauge({ metric: 'drawdown', value: 0.06, limit: 0.05 }, false)).toMatchObject({
      status: 'reducing',
      marginText: 'over by 1.00%, but reduce-only lets this order through: it only reduces a position',
    });
    expect(gauge({ metric: 'daily_return', value: -0.03, limit: -0.02 }, false)).toMatchObject({ status: 'reducing' });
    // Rounded to the limit: the exact value may be just inside it, so no claim is made.
    expect(gauge({ metric: 'drawdown', value: 0.05, limit: 0.05 }, false)).toMatchObject({ status: 'headroom', marginText: 'at the limit' });
  });

  it('agrees with the engine on every v0.2 conformance case: breach exactly when the rule fired, a reducing loss only under reduce-only', () => {
    const cases = readCases('cases-v02.jsonl');
    expect(cases).toHaveLength(1500);
    const seen = { checked: 0, notApplicable: 0, reducingLoss: 0, orderMetrics: 0 };
    for (const c of cases) {
      const fired = new Set(c.expected.violations.map((v) => v.rule_id));
      const gauges = gaugesOf(c.expected);
      expect(gauges.map((g) => g.metric)).toEqual(c.expected.evidence.map((e) => e.metric));
      for (const [k, g] of gauges.entries()) {
        seen.checked++;
        if (/^(ORD|SYS)-/.test(g.ruleId)) seen.orderMetrics++;
        expect(g.status === 'not-applicable', g.metric).toBe(c.expected.evidence[k]!.value === null && !fired.has(g.ruleId));
        if (g.status === 'not-applicable') {
          seen.notApplicable++;
          expect(g.valueText).toBe('not a priced limit order');
          continue;
        }
        if (g.status === 'unchecked') continue;
        expect(g.status === 'breach', `${g.metric} in ${c.expected.intent_id}`).toBe(fired.has(g.ruleId));
        if (g.status === 'reducing' && /^LOSS-/.test(g.ruleId)) {
          seen.reducingLoss++;
          expect(parsePolicyYaml(c.policy_yaml).limits.kill_switch.reduce_only, c.expected.intent_id).toBe(true);
          expect(onlyReduces(c), c.expected.intent_id).toBe(true);
        } else if (g.status === 'reducing') expect(g.ruleId).toMatch(/^EXP-/);
      }
    }
    // The case set exercises every branch this test pins.
    expect(seen.checked).toBeGreaterThan(7000);
    expect(seen.orderMetrics).toBeGreaterThan(1000);
    expect(seen.notApplicable).toBeGreaterThan(50);
    expect(seen.reducingLoss).toBeGreaterThan(5);
  });
});

describe('headroom', () => {
  const ctx = { equity: 100_000, startOfDayEquity: 100_000, peakEquity: 100_000, price: 200, multiplier: 1 };
  it('turns a position margin into money and shares at the mark', () => {
    const h = headroom({ metric: 'new_position_pct', value: 0.02, limit: 0.05 }, ctx);
    expect(h.text).toBe('headroom 3,000.00 ≈ 15 units');
    expect(h.money).toBeCloseTo(3000, 6);
    expect(h.units).toBeCloseTo(15, 6);
    const over = headroom({ metric: 'new_position_pct', value: 0.2, limit: 0.05 }, ctx);
    expect(over.text).toBe('over by 15,000.00 ≈ 75 units');
    expect(over.units).toBeCloseTo(-75, 9);
  });
  it('counts contracts with their multiplier, and the loss limits in money only', () => {
    expect(headroom({ metric: 'gross_exposure_x', value: 0.15, limit: 2 }, { ...ctx, equity: 5_000_000, price: 5000, multiplier: 50 }).units).toBeCloseTo(37, 9);
    expect(headroom({ metric: 'daily_return', value: -0.025, limit: -0.02 }, ctx)).toMatchObject({ units: null, text: 'over by 500.00' });
    expect(headroom({ metric: 'drawdown', value: 0.01, limit: 0.05 }, { ...ctx, peakEquity: 200_000 })).toMatchObject({ text: 'headroom 8,000.00', units: null });
    expect(headroom({ metric: 'order_qty', value: 10_000, limit: 1000 }, ctx)).toMatchObject({ units: -9000, money: -1_800_000 });
  });
  it('has nothing to say without a limit or a value', () => {
    expect(headroom({ metric: 'net_exposure_x', value: 0.5, limit: null }, ctx).text).toBe('');
    expect(headroom({ metric: 'limit_price_deviation', value: null, limit: 0.05 }, ctx).text).toBe('');
  });
});

describe('execution-state gauges', () => {
  it('shows an order rate in breach exactly when its rule fired, with the orders left otherwise', () => {
    expect(rateGauge('orders_last_60s_strategy', 10, 10, true)).toMatchObject({ status: 'breach', ruleId: 'EXEC-002', marginText: 'at the limit: this order is throttled' });
    expect(rateGauge('orders_last_60s_global', 12, 20, false)).toMatchObject({ status: 'headroom', ruleId: 'EXEC-001', marginText: 'headroom 8 orders this minute' });
  });
  it('shows the kill switch active (breach), lifted by reduce-only, or off with the violations counted', () => {
    expect(killSwitchGauge({ active: true, violations: 0, tripAfter: 3, windowSeconds: 300, fired: true, lifted: false })).toMatchObject({ status: 'breach', valueText: 'ACTIVE', fillPct: 100 });
    expect(killSwitchGauge({ active: true, violations: 0, tripAfter: 3, windowSeconds: 300, fired: false, lifted: true }).status).toBe('reducing');
    expect(killSwitchGauge({ active: false, violations: 2, tripAfter: 3, windowSeconds: 300, fired: false, lifted: false })).toMatchObject({
      status: 'headroom',
      marginText: 'off (2 of 3 violations in 300 s)',
    });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readText } from '../../../../tests/conformance/cases.js';
import { PolicyEngine } from '../engine/policy-engine.js';
import type { Decision } from '../engine/types.js';
import { PolicyError } from '../errors.js';
import type { ExecutionStateInput, OrderIntent, PortfolioState } from '../model/schemas.js';
import { DECISION_RULE, explainDecision } from './explain-decision.js';

const SEED = readText('reference-policy.yaml');
const T = '2026-02-18T14:30:00Z';
const market = { timestamp: T, prices: { AAPL: 200, MSFT: 400, GME: 25, ES: 5000 } };

const intent = (o: Partial<OrderIntent> & { symbol?: string } = {}): OrderIntent => {
  const { symbol = 'AAPL', ...rest } = o;
  return {
    intent_id: 'o-1',
    timestamp: T,
    strategy_id: 'momentum_v1',
    account_id: 'acct_1',
    instrument: { symbol, asset_class: 'equity' },
    side: 'buy',
    order_type: 'market',
    qty: 100,
    limit_price: null,
    ...rest,
  };
};
const portfolio = (o: Partial<PortfolioState> = {}): PortfolioState => ({
  equity: 100_000,
  start_of_day_equity: 100_000,
  peak_equity: 100_000,
  positions: {},
  realized_pnl_today: 0,
  unrealized_pnl: 0,
  ...o,
});

/** The 1-based line and column of the first occurrence of `needle` at or after line `fromLine`. */
function find(text: string, needle: string, fromLine = 1): { line: number; column: number } {
  const lines = text.split('\n');
  for (let i = fromLine - 1; i < lines.length; i++) {
    const c = lines[i]!.indexOf(needle);
    if (c !== -1) return { line: i + 1, column: c + 1 };
  }
  throw new Error(`${needle} not found`);
}

const withoutMs = ({ eval_ms: _, ...rest }: Decision) => rest;

describe('explainDecision', () => {
  it('names overrides.symbols.AAPL.exposure and its line for the seed README order (MODIFY 25)', async () => {
    const engine = await PolicyEngine.fromYaml(SEED);
    const why = explainDecision(engine, intent(), portfolio(), market, {}, { policyText: SEED });
    expect(why.decision.decision).toBe('MODIFY');
    expect(withoutMs(why.decision)).toEqual(withoutMs(engine.evaluate(intent(), portfolio(), market, {})));
    const exp = why.violations[0]!;
    expect(exp.ruleId).toBe('EXP-001');
    const aapl = find(SEED, 'AAPL:').line;
    expect(exp.source).toEqual({
      section: 'overrides.symbols.AAPL.exposure',
      key: 'max_position_pct',
      path: 'overrides.symbols.AAPL.exposure.max_position_pct',
      origin: 'symbol-override',
      value: 0.05,
      written: true,
      ...find(SEED, 'max_position_pct', aapl),
    });
    expect(exp.text).toContain(`overrides.symbols.AAPL.exposure.max_position_pct (line ${exp.source!.line}, column 9)`);
    expect(why.outcome).toMatchObject({ reason: 'reduced', allowedQty: 25, blocking: [] });
    // Evidence: the loss limits come from limits.loss, the exposure limits from the AAPL override.
    expect(why.evidence.map((e) => e.source.section)).toEqual(['limits.loss', 'limits.loss', 'overrides.symbols.AAPL.exposure', 'overrides.symbols.AAPL.exposure', 'overrides.symbols.AAPL.exposure']);
    expect(why.evidence[0]!.source).toMatchObject({ key: 'daily_loss_limit_pct', value: 0.02, ...find(SEED, 'daily_loss_limit_pct') });
    expect(why.positions).toBe(true);
    // Every limit in effect, fired or not: the rate limits for gauges; no v0.2 settings under v0.1.
    expect(Object.keys(why.limits)).toEqual(['LOSS-001', 'LOSS-002', 'EXEC-001', 'EXEC-002', 'EXP-001', 'EXP-002', 'EXP-003']);
    expect(why.limits['EXEC-002']).toMatchObject({ path: 'limits.execution.max_orders_per_minute_by_strategy', value: 10, ...find(SEED, 'max_orders_per_minute_by_strategy') });
  });

  it('names limits.exposure for a symbol without an override', async () => {
    const engine = await PolicyEngine.fromYaml(SEED);
    const why = explainDecision(engine, intent({ symbol: 'MSFT', qty: 30 }), portfolio(), market, {}, { policyText: SEED });
    expect(why.decision.decision).toBe('MODIFY');
    expect(why.violations[0]!.source).toMatchObject({ section: 'limits.exposure', origin: 'limits', value: 0.1, ...find(SEED, 'max_position_pct') });
  });

  it('explains DENY, not MODIFY, when EXP-001 with an allowed_qty sits next to another violation', async () => {
    const engine = await PolicyEngine.fromYaml(SEED);
    const why = explainDecision(engine, intent(), portfolio({ equity: 94_000, start_of_day_equity: 95_000 }), market, {}, { policyText: SEED });
    expect(why.decision.decision).toBe('DENY');
    expect(why.decision.violations.map((v) => v.rule_id)).toEqual(['LOSS-002', 'EXP-001']);
    expect(why.outcome.reason).toBe('deny-not-modify');
    expect(why.outcome.blocking).toEqual(['LOSS-002']);
    expect(why.outcome.allowedQty).toBe(why.decision.violations[1]!.computed.allowed_qty);
    expect(why.outcome.allowedQty).toBeGreaterThan(0);
    expect(why.outcome.text).toContain(DECISION_RULE);
    expect(why.outcome.text).toMatch(/^DENY, not MODIFY: EXP-001 alone would reduce the order to 23\.5, but LOSS-002 also fired/);
    // LOSS-002 is in trip_on_rules: the kill switch entry is named, with its line.
    expect(why.killSwitch).toEqual([expect.objectContaining({ path: 'limits.kill_switch.trip_on_rules[0]', value: 'LOSS-002', line: find(SEED, 'trip_on_rules').line })]);
    expect(why.violations[0]!.related.map((s) => s.path)).toEqual(['limits.kill_switch.trip_on_rules[0]']);
  });

  it('quotes the decision rule of the spec word for word', () => {
    expect(DECISION_RULE).toBe(
      'monitor mode → ALLOW with all violations (and modified_intent null). Enforce: no violations → ALLOW; all violations are EXP-001 and allowed_qty > 0 → MODIFY with modified_intent = the intent with qty = allowed_qty; otherwise DENY.',
    );
  });

  it('explains an EXP-001 that allows nothing, and monitor mode', async () => {
    const engine = await PolicyEngine.fromYaml(SEED);
    const full = explainDecision(engine, intent({ qty: 10 }), portfolio({ positions: { AAPL: 25 } }), market);
    expect(full.decision.decision).toBe('DENY');
    expect(full.outcome).toMatchObject({ reason: 'nothing-allowed', allowedQty: 0 });
    const monitorText = SEED.replace('mode: "enforce"', 'mode: "monitor"');
    const monitor = await PolicyEngine.fromYaml(monitorText);
    const why = explainDecision(monitor, intent(), portfolio(), market, {}, { policyText: monitorText });
    expect(why.decision.decision).toBe('ALLOW');
    expect(why.outcome.reason).toBe('monitor-mode');
    expect(why.outcome.source).toMatchObject({ path: 'defaults.mode', value: 'monitor', written: true, ...find(monitorText, 'mode:') });
  });

  it('names a strategy override, and a symbol override over it, per section', async () => {
    const text = `${SEED.replace('  strategies: {}', '  strategies:\n    momentum_v1:\n      loss:\n        daily_loss_limit_pct: 0.01\n        max_drawdown_pct: 0.04\n      exposure:\n        max_position_pct: 0.5\n        max_gross_exposure_x: 3.0')}`;
    const engine = await PolicyEngine.fromYaml(text);
    const why = explainDecision(engine, intent({ qty: 10 }), portfolio({ equity: 98_500 }), market, {}, { policyText: text });
    expect(why.decision.violations.map((v) => v.rule_id)).toEqual(['LOSS-001']);
    const strategyLine = find(text, 'momentum_v1:').line;
    expect(why.violations[0]!.source).toMatchObject({
      section: 'overrides.strategies.momentum_v1.loss',
      origin: 'strategy-override',
      value: 0.01,
      ...find(text, 'daily_loss_limit_pct', strategyLine),
    });
    // AAPL's own exposure override beats the strategy's; MSFT takes the strategy's.
    expect(why.evidence[2]!.source.section).toBe('overrides.symbols.AAPL.exposure');
    const msft = explainDecision(engine, intent({ symbol: 'MSFT', qty: 10 }), portfolio({ equity: 98_500 }), market, {}, { policyText: text });
    expect(msft.evidence[2]!.source).toMatchObject({ section: 'overrides.strategies.momentum_v1.exposure', value: 0.5 });
    // An override section without max_net_exposure_x leaves it unchecked: not written, pointing at the section.
    expect(msft.evidence[4]!.source).toMatchObject({ key: 'max_net_exposure_x', value: null, written: false, line: find(text, 'exposure:', strategyLine).line });
  });

  it('gives null positions without the text, and refuses a text that is not the engine policy', async () => {
    const engine = await PolicyEngine.fromYaml(SEED);
    const why = explainDecision(engine, intent(), portfolio(), market);
    expect(why.positions).toBe(false);
    expect(why.violations[0]!.source).toMatchObject({ section: 'overrides.symbols.AAPL.exposure', line: null, column: null, written: null });
    expect(() => explainDecision(engine, intent(), portfolio(), market, {}, { policyText: `${SEED}\n` })).toThrow(PolicyError);
  });

  it('names the state a rule read: the kill switch, the order counts, a missing price', async () => {
    const engine = await PolicyEngine.fromYaml(SEED);
    const exec: ExecutionStateInput = { kill_switch_active: true, orders_last_60s_global: 25, orders_last_60s_by_strategy: { momentum_v1: 10 } };
    const why = explainDecision(engine, intent({ qty: 1 }), portfolio(), market, exec, { policyText: SEED });
    expect(why.violations.map((v) => [v.ruleId, v.source?.path ?? null, v.input])).toEqual([
      ['KILL-001', null, 'execution.kill_switch_active'],
      ['EXEC-001', 'limits.execution.max_orders_per_minute_global', 'execution.orders_last_60s_global'],
      ['EXEC-002', 'limits.execution.max_orders_per_minute_by_strategy', 'execution.orders_last_60s_by_strategy.momentum_v1'],
    ]);
    expect(why.outcome.reason).toBe('denied');
    const missing = explainDecision(engine, intent({ qty: 1 }), portfolio({ positions: { TSLA: 3 } }), market);
    expect(missing.violations[0]).toMatchObject({ ruleId: 'SYS-001', source: null, input: 'market.prices.TSLA' });
    expect(missing.outcome.reason).toBe('denied-at-once');
    expect(missing.evidence).toEqual([]);
  });

  it('explains an evaluation error with defaults.decision, without throwing', async () => {
    const engine = await PolicyEngine.fromYaml(SEED);
    const bad = { ...intent(), instrument: null } as unknown as OrderIntent;
    const why = explainDecision(engine, bad, portfolio(), market, {}, { policyText: SEED });
    expect(why.decision.violations[0]!.rule_id).toBe('SYS-002');
    expect(why.outcome).toMatchObject({ reason: 'evaluation-error', source: { path: 'defaults.decision', value: 'deny', ...find(SEED, 'decision:') } });
  });
});

const V02 = `version: "0.2"
limits:
  exposure: {max_position_pct: 0.1, max_gross_exposure_x: 2.0}
  loss: {daily_loss_limit_pct: 0.02, max_drawdown_pct: 0.05}
  execution: {max_orders_per_minute_global: 20, max_orders_per_minute_by_strategy: 10}
  kill_switch:
    trip_on_rules: [ORD-004]
    trip_after_n_violations: 3
    violation_window_seconds: 300
    reduce_only: true
  order:
    max_order_qty: 1000
    restricted_symbols: [AMC, GME]
  market_data:
    max_price_age_seconds: 5
instruments:
  ES: {multiplier: 50, lot_size: 1}
  AAPL: {lot_size: 1}
overrides:
  symbols:
    ES:
      order: {max_order_qty: 10}
`;

describe('explainDecision under policy DSL v0.2', () => {
  it('names the order section, the restricted list item, the instrument and the market data age', async () => {
    const engine = await PolicyEngine.fromYaml(V02);
    const gme = explainDecision(engine, intent({ symbol: 'GME', qty: 10 }), portfolio(), market, {}, { policyText: V02 });
    expect(gme.violations[0]).toMatchObject({ ruleId: 'ORD-004', source: { path: 'limits.order.restricted_symbols[1]', value: 'GME', line: find(V02, 'restricted_symbols').line } });
    expect(gme.violations[0]!.source!.column).toBe(find(V02, 'GME').column);
    expect(gme.killSwitch.map((s) => s.path)).toEqual(['limits.kill_switch.trip_on_rules[0]']);
    const es = explainDecision(engine, intent({ symbol: 'ES', qty: 12 }), portfolio({ equity: 1e8, start_of_day_equity: 1e8, peak_equity: 1e8 }), market, {}, { policyText: V02 });
    expect(es.violations.map((v) => v.ruleId)).toEqual(['ORD-001']);
    expect(es.violations[0]!.source).toMatchObject({ section: 'overrides.symbols.ES.order', value: 10, line: find(V02, '{max_order_qty: 10}').line });
    expect(es.limits['ORD-001']?.section).toBe('overrides.symbols.ES.order');
    expect(es.limits['ORD-002']).toMatchObject({ section: 'overrides.symbols.ES.order', value: null, written: false });
    expect(es.limits['ORD-005']?.path).toBe('instruments.ES.lot_size');
    expect(gme.limits['ORD-005']).toBeUndefined();
    expect(gme.limits['EXEC-003']).toMatchObject({ path: 'limits.execution.duplicate_window_seconds', value: null, written: false });
    expect(es.evidence.map((e) => e.metric)).toEqual(['daily_return', 'drawdown', 'new_position_pct', 'gross_exposure_x', 'net_exposure_x', 'order_qty', 'price_age_seconds']);
    expect(es.evidence[6]!.source).toMatchObject({ path: 'limits.market_data.max_price_age_seconds', value: 5, ...find(V02, 'max_price_age_seconds') });
    const odd = explainDecision(engine, intent({ qty: 2.5 }), portfolio(), market, {}, { policyText: V02 });
    expect(odd.violations[0]).toMatchObject({ ruleId: 'ORD-005', source: { path: 'instruments.AAPL.lot_size', value: 1, line: find(V02, 'AAPL: {lot_size').line } });
    const big = explainDecision(engine, intent({ symbol: 'ES', qty: 5 }), portfolio(), market, {}, { policyText: V02 });
    expect(big.violations[0]!.ruleId).toBe('EXP-001');
    expect(big.violations[0]!.related.map((s) => s.path)).toEqual(['instruments.ES.multiplier', 'instruments.ES.lot_size']);
  });

  it('names SYS-003 and reduce-only: a halt applied, and halts lifted for an order that only reduces', async () => {
    const engine = await PolicyEngine.fromYaml(V02);
    const stale = explainDecision(engine, intent({ qty: 1 }), portfolio(), { ...market, timestamp: '2026-02-18T14:29:50Z' }, {}, { policyText: V02 });
    expect(stale.violations[0]).toMatchObject({ ruleId: 'SYS-003', source: { path: 'limits.market_data.max_price_age_seconds' }, input: 'market.timestamp' });
    expect(stale.outcome.reason).toBe('denied-at-once');
    const down = portfolio({ equity: 94_000, start_of_day_equity: 95_000, positions: { AAPL: 20 } });
    const buy = explainDecision(engine, intent({ qty: 1 }), down, market, { kill_switch_active: true }, { policyText: V02 });
    expect(buy.decision.violations.map((v) => v.rule_id)).toEqual(['KILL-001', 'LOSS-002']);
    expect(buy.violations[0]!.related.map((s) => s.path)).toEqual(['limits.kill_switch.reduce_only']);
    expect(buy.liftedHalts).toEqual([]);
    const sell = explainDecision(engine, intent({ side: 'sell', qty: 10 }), down, market, { kill_switch_active: true }, { policyText: V02 });
    expect(sell.decision.decision).toBe('ALLOW');
    expect(sell.liftedHalts.map((h) => [h.ruleId, h.source.path, h.source.line])).toEqual([
      ['KILL-001', 'limits.kill_switch.reduce_only', find(V02, 'reduce_only').line],
      ['LOSS-002', 'limits.kill_switch.reduce_only', find(V02, 'reduce_only').line],
    ]);
  });

  it('quotes the order-control rule when an order control blocks a reducible order', async () => {
    const engine = await PolicyEngine.fromYaml(V02);
    const rich = portfolio({ equity: 10_000_000, start_of_day_equity: 10_000_000, peak_equity: 10_000_000 });
    const why = explainDecision(engine, intent({ symbol: 'ES', qty: 11 }), rich, market, {}, { policyText: V02 });
    expect(why.decision.violations.map((v) => v.rule_id)).toEqual(['ORD-001', 'EXP-001']);
    expect(why.outcome.reason).toBe('deny-not-modify');
    expect(why.outcome.text).toContain('EXEC-003 and ORD-* are never reduced');
  });
});

describe('explainDecision names the section the engine resolved (property)', () => {
  const section = fc.option(fc.record({ max_position_pct: fc.constantFrom(0.01, 0.05, 0.2), max_gross_exposure_x: fc.constantFrom(0.5, 2, 4) }), { nil: undefined });
  const loss = fc.option(fc.record({ daily_loss_limit_pct: fc.constantFrom(0.01, 0.03), max_drawdown_pct: fc.constantFrom(0.02, 0.08) }), { nil: undefined });
  it('for any mix of symbol and strategy overrides: symbol > strategy > limits, and the value there is the limit used', async () => {
    await fc.assert(
      fc.asyncProperty(section, section, loss, loss, fc.constantFrom('AAPL', 'constructor', 'BTC-USD'), fc.integer({ min: 1, max: 400 }), async (symExp, stratExp, symLoss, stratLoss, symbol, qty) => {
        const override = (exposure: unknown, l: unknown) => ({ ...(exposure ? { exposure } : {}), ...(l ? { loss: l } : {}) });
        const policy = {
          limits: {
            exposure: { max_position_pct: 0.1, max_gross_exposure_x: 2, max_net_exposure_x: 1 },
            loss: { daily_loss_limit_pct: 0.02, max_drawdown_pct: 0.05 },
            execution: { max_orders_per_minute_global: 20, max_orders_per_minute_by_strategy: 10 },
            kill_switch: { trip_on_rules: [], trip_after_n_violations: 3, violation_window_seconds: 300 },
          },
          overrides: { symbols: { [symbol]: override(symExp, symLoss) }, strategies: { s1: override(stratExp, stratLoss) } },
        };
        const engine = await PolicyEngine.fromObject(policy);
        const why = explainDecision(engine, intent({ symbol, qty, strategy_id: 's1' }), portfolio({ equity: 97_500 }), { timestamp: T, prices: { [symbol]: 50 } });
        const expected = (kind: 'exposure' | 'loss', sym: unknown, strat: unknown) =>
          sym ? `overrides.symbols${symbol === 'BTC-USD' ? '["BTC-USD"]' : `.${symbol}`}.${kind}` : strat ? `overrides.strategies.s1.${kind}` : `limits.${kind}`;
        expect(why.evidence.map((e) => e.source.section)).toEqual([
          expected('loss', symLoss, stratLoss),
          expected('loss', symLoss, stratLoss),
          expected('exposure', symExp, stratExp),
          expected('exposure', symExp, stratExp),
          expected('exposure', symExp, stratExp),
        ]);
        for (const v of why.violations) {
          const [key, limit] = Object.entries(why.decision.violations[v.index]!.inputs).find(([k]) => k === v.source?.key) ?? [];
          if (key !== undefined) expect(v.source!.value).toBe(limit);
        }
      }),
      { numRuns: 200 },
    );
  });
});

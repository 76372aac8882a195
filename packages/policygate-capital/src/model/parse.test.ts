import { describe, expect, it } from 'vitest';
import { ValidationError, type Issue } from '../errors.js';
import { parseExecutionState, parseMarketSnapshot, parseOrderIntent, parsePortfolioState } from './parse.js';

const intent = {
  intent_id: 'order-001',
  timestamp: '2026-02-18T00:00:00Z',
  strategy_id: 'momentum_v1',
  account_id: 'acct_1',
  instrument: { symbol: 'AAPL', asset_class: 'equity' },
  side: 'buy',
  order_type: 'market',
  qty: 100,
  limit_price: null,
};
const portfolio = { equity: 100000, start_of_day_equity: 100000, peak_equity: 100000, positions: { AAPL: 10 } };
const market = { timestamp: '2026-02-18T00:00:00Z', prices: { AAPL: 200 } };
const execution = { orders_last_60s_global: 1, orders_last_60s_by_strategy: { s: 1 }, violations_last_window: [['2026-02-18T00:00:00Z', 'EXP-001']], kill_switch_active: false };

function issuesOf(fn: () => unknown): Issue[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).code).toBe('ERR_VALIDATION');
    return [...(e as ValidationError).issues];
  }
  throw new Error('expected a ValidationError');
}

const parsers = [
  ['intent', parseOrderIntent, intent, { wrongType: ['side', 42], range: ['qty', 0], nan: ['qty', NaN] }],
  ['portfolio', parsePortfolioState, portfolio, { wrongType: ['positions', 'AAPL'], range: ['equity', -1], nan: ['peak_equity', NaN] }],
  ['market', parseMarketSnapshot, market, { wrongType: ['prices', [200]], range: ['timestamp', 'yesterday'], nan: ['prices', { AAPL: NaN }] }],
  ['execution', parseExecutionState, execution, { wrongType: ['kill_switch_active', 'yes'], range: ['orders_last_60s_global', -1], nan: ['orders_last_60s_global', NaN] }],
] as const;

describe.each(parsers)('parse %s', (_name, parse, valid, bad) => {
  it('accepts a valid value and returns a copy', () => {
    const out = parse(structuredClone(valid));
    expect(out).toMatchObject(valid as object);
    expect(out).not.toBe(valid);
  });

  it.each(['wrongType', 'range', 'nan'] as const)('rejects %s, naming the field', (kind) => {
    const [field, value] = bad[kind];
    const issues = issuesOf(() => parse({ ...valid, [field]: value }));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]!.path.split(/[.[]/)[0]).toBe(field);
    expect(issues[0]!.message).toMatch(/must|missing/);
  });

  it('rejects an unknown key with its path', () => {
    expect(issuesOf(() => parse({ ...valid, surprise: 1 }))).toEqual([{ path: 'surprise', message: 'unknown field' }]);
  });

  it('rejects Infinity', () => {
    const [field] = bad.range;
    if (field === 'timestamp') return expect(issuesOf(() => parse({ ...valid, prices: { AAPL: Infinity } }))[0]!.path).toBe('prices.AAPL');
    expect(issuesOf(() => parse({ ...valid, [field]: Infinity }))[0]!.message).toContain('finite');
  });

  it('rejects a non-object', () => {
    for (const x of [null, 42, 'x', []]) expect(issuesOf(() => parse(x))[0]!.message).toMatch(/must be an object/);
  });
});

describe('parse: details', () => {
  it('lists every problem at once, with nested paths', () => {
    const issues = issuesOf(() => parseOrderIntent({ ...intent, instrument: { symbol: 'AAPL', asset_class: 'bond', x: 1 }, qty: -5, extra: true }));
    expect(issues).toEqual([
      { path: 'instrument.asset_class', message: 'must be one of equity, crypto, fx, futures, got "bond"' },
      { path: 'instrument.x', message: 'unknown field' },
      { path: 'qty', message: 'must be > 0, got -5' },
      { path: 'extra', message: 'unknown field' },
    ]);
  });

  it('names a missing field', () => {
    const { qty: _, ...noQty } = intent;
    expect(issuesOf(() => parseOrderIntent(noQty))).toEqual([{ path: 'qty', message: 'missing required field' }]);
  });

  it('fills the defaults of the Python models', () => {
    const { limit_price: _, ...rest } = intent;
    expect(parseOrderIntent(rest).limit_price).toBeNull();
    expect(parsePortfolioState({ equity: 1, start_of_day_equity: 1, peak_equity: 1 })).toEqual({
      equity: 1,
      start_of_day_equity: 1,
      peak_equity: 1,
      positions: {},
      realized_pnl_today: 0,
      unrealized_pnl: 0,
    });
    expect(parseExecutionState({})).toEqual({ orders_last_60s_global: 0, orders_last_60s_by_strategy: {}, violations_last_window: [], kill_switch_active: false });
  });

  it("reads Python's 100000.0 and JavaScript's 100000 alike, and rejects a fractional count", () => {
    expect(parsePortfolioState(JSON.parse('{"equity":100000.0,"start_of_day_equity":1e5,"peak_equity":100000}')).equity).toBe(100000);
    expect(parseExecutionState(JSON.parse('{"orders_last_60s_global": 3.0}')).orders_last_60s_global).toBe(3);
    expect(issuesOf(() => parseExecutionState({ orders_last_60s_global: 2.5 }))).toEqual([{ path: 'orders_last_60s_global', message: 'must be an integer, got 2.5' }]);
  });

  it('keeps __proto__, constructor and prototype as ordinary symbols without touching prototypes', () => {
    const p = parsePortfolioState(JSON.parse('{"equity":1,"start_of_day_equity":1,"peak_equity":1,"positions":{"__proto__":5,"constructor":3,"prototype":2}}'));
    expect(Object.keys(p.positions)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.getPrototypeOf(p.positions)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(p.positions, '__proto__')!.value).toBe(5);
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });

  it('quotes odd keys in paths', () => {
    expect(issuesOf(() => parseMarketSnapshot({ ...market, prices: { 'BTC-USD': 'x' } }))).toEqual([{ path: 'prices["BTC-USD"]', message: 'must be a number, got "x"' }]);
  });

  it('accepts RFC 3339 timestamps with Z or an offset, and rejects other shapes', () => {
    for (const ts of ['2026-02-18T14:30:00Z', '2026-02-18T14:30:00.123456+00:00', '2026-02-18 14:30:00Z']) expect(parseMarketSnapshot({ ...market, timestamp: ts }).timestamp).toBe(ts);
    for (const ts of ['2026-02-18', '14:30', '2026-02-18T14:30:00']) expect(issuesOf(() => parseMarketSnapshot({ ...market, timestamp: ts }))[0]!.path).toBe('timestamp');
  });
});

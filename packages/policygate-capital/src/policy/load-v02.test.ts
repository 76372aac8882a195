// Policy DSL v0.2 loading: the new sections, their ranges, a v0.1 policy that uses them, versions,
// "did you mean" for misspelt keys, and null read as absent (as the Python package reads it).
import { describe, expect, it } from 'vitest';
import { PolicyError, type Issue } from '../errors.js';
import { parsePolicy, parsePolicyYaml } from './load.js';

function issuesOf(fn: () => unknown): Issue[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return [...(e as PolicyError).issues];
  }
  throw new Error('expected a PolicyError');
}

const policy = (version: string, order = '{}', instruments = '{}', extra = '') => `version: "${version}"
limits:
  exposure: {max_position_pct: 0.1, max_gross_exposure_x: 2}
  loss: {daily_loss_limit_pct: 0.02, max_drawdown_pct: 0.05}
  execution: {max_orders_per_minute_global: 20, max_orders_per_minute_by_strategy: 10}
  kill_switch: {trip_after_n_violations: 3, violation_window_seconds: 300}
  order: ${order}
instruments: ${instruments}
${extra}`;

describe('policy DSL v0.2', () => {
  it('reads every new section with its defaults', () => {
    const p = parsePolicyYaml(
      policy('0.2', '{max_order_qty: 1000, restricted_symbols: [GME]}', '{ES: {multiplier: 50, lot_size: 1}, BTC-USD: {lot_size: 0.0001}}') +
        'overrides:\n  strategies:\n    s1: {order: {max_order_notional: 5000}}\n',
    );
    expect(p.version).toBe('0.2');
    if (p.version !== '0.2') throw new Error('narrowed');
    expect(p.limits.order).toEqual({ max_order_qty: 1000, max_order_notional: null, price_collar_pct: null, restricted_symbols: ['GME'] });
    expect(p.limits.kill_switch.reduce_only).toBe(false);
    expect(p.limits.execution.duplicate_window_seconds).toBeNull();
    expect(p.instruments).toEqual({ ES: { multiplier: 50, lot_size: 1 }, 'BTC-USD': { multiplier: 1, lot_size: 0.0001 } });
    expect(p.overrides.strategies.s1!.order!.max_order_notional).toBe(5000);
  });

  it('accepts an unquoted version 0.2', () => {
    expect(parsePolicyYaml(policy('0.2').replace('"0.2"', '0.2')).version).toBe('0.2');
  });

  it('keeps v0.1 strict: every v0.2 key is an error naming it, with line and column', () => {
    const text = policy('0.1', '{max_order_qty: 5}', '{ES: {multiplier: 50}}').replace('max_orders_per_minute_by_strategy: 10}', 'max_orders_per_minute_by_strategy: 10, duplicate_window_seconds: 5}');
    const issues = issuesOf(() => parsePolicyYaml(text));
    expect(issues.map((i) => i.path)).toEqual(['limits.execution.duplicate_window_seconds', 'limits.order', 'instruments']);
    for (const i of issues) expect(i.message).toBe('is a policy DSL v0.2 key: set `version: "0.2"` to use it (a v0.1 policy stays strict)');
    expect(issues[1]).toMatchObject({ line: 7, column: 10 });
    expect(issues[2]).toMatchObject({ line: 8, column: 14 });
  });

  it('refuses an unknown version, listing the known ones', () => {
    expect(issuesOf(() => parsePolicyYaml(policy('0.3')))).toEqual([
      { path: 'version', message: 'must be one of "0.1", "0.2" (the policy DSL versions this engine reads), got "0.3"', line: 1, column: 10 },
    ]);
  });

  it('refuses NaN, negative, infinite and out-of-range limits, and a restricted list that is not a list', () => {
    const issues = issuesOf(() =>
      parsePolicyYaml(policy('0.2', '{max_order_qty: .nan, max_order_notional: -1, price_collar_pct: 11, restricted_symbols: GME}', '{ES: {multiplier: 1e400, lot_size: 0.000000001}}')),
    );
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'limits.order.max_order_qty: must be a number, got NaN',
      'limits.order.max_order_notional: must be > 0, got -1',
      'limits.order.price_collar_pct: must be ≤ 10, got 11',
      'limits.order.restricted_symbols: must be a list of symbols, got "GME"',
      'instruments.ES.multiplier: must be a finite number, got Infinity',
      'instruments.ES.lot_size: must have at most 8 decimals, got 1e-9',
    ]);
    for (const i of issues) expect(i.line).toBeGreaterThan(0);
  });

  it('refuses a duplicate window and a price age out of their integer ranges', () => {
    const text = policy('0.2')
      .replace('max_orders_per_minute_by_strategy: 10}', 'max_orders_per_minute_by_strategy: 10, duplicate_window_seconds: 3601}')
      .replace('  order: {}', '  market_data: {max_price_age_seconds: 1.5}');
    expect(issuesOf(() => parsePolicyYaml(text)).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'limits.execution.duplicate_window_seconds: must be ≤ 3600, got 3601',
      'limits.market_data.max_price_age_seconds: must be an integer, got 1.5',
    ]);
  });

  it('keeps __proto__ as an ordinary restricted symbol and instrument', () => {
    const p = parsePolicyYaml(policy('0.2', '{restricted_symbols: [__proto__, constructor]}', '{__proto__: {lot_size: 1}}'));
    if (p.version !== '0.2') throw new Error('narrowed');
    expect(p.limits.order!.restricted_symbols).toEqual(['__proto__', 'constructor']);
    expect(Object.prototype.hasOwnProperty.call(p.instruments, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(p.instruments)).toBe(Object.prototype);
  });
});

describe('misspelt keys', () => {
  it('get a "did you mean" with the closest known key', () => {
    const issues = issuesOf(() => parsePolicyYaml(policy('0.2').replace('max_position_pct', 'max_postion_pct')));
    expect(issues).toContainEqual(expect.objectContaining({ path: 'limits.exposure.max_postion_pct', message: 'unknown field (did you mean "max_position_pct"?)' }));
  });

  it('get none when nothing is close', () => {
    const issues = issuesOf(() => parsePolicyYaml(policy('0.2').replace('order: {}', 'zzzzzz: 1')));
    expect(issues).toContainEqual(expect.objectContaining({ path: 'limits.zzzzzz', message: 'unknown field' }));
  });
});

describe('null reads as absent, as the Python package reads it', () => {
  it('for empty or null override sections (v0.1 and v0.2)', () => {
    for (const version of ['0.1', '0.2']) {
      const text = policy(version).replace(/ {2}order: \{\}\ninstruments: \{\}\n/, '') + 'overrides:\n  symbols:\n    AAPL:\n      loss:\n      execution: null\n  strategies:\n';
      const p = parsePolicyYaml(text);
      expect(p.overrides.symbols.AAPL).toEqual({});
      expect(p.overrides.strategies).toEqual({});
    }
  });

  it('for optional top-level sections and defaulted fields', () => {
    const p = parsePolicy({
      version: null,
      timezone: null,
      defaults: { mode: null },
      overrides: null,
      limits: parsePolicyYaml(policy('0.1').replace(/ {2}order: \{\}\ninstruments: \{\}\n/, '')).limits,
    });
    expect(p.version).toBe('0.1');
    expect(p.timezone).toBe('UTC');
    expect(p.defaults).toEqual({ mode: 'enforce', decision: 'deny' });
    expect(p.overrides).toEqual({ symbols: {}, strategies: {} });
  });
});

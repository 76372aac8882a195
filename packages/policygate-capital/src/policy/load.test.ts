import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PolicyError, type Issue } from '../errors.js';
import { parsePolicy, parsePolicyYaml } from './load.js';

const reference = readFileSync(new URL('../../../../tests/fixtures/conformance/reference-policy.yaml', import.meta.url), 'utf8');

function issuesOf(fn: () => unknown): Issue[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    expect((e as PolicyError).code).toBe('ERR_POLICY');
    return [...(e as PolicyError).issues];
  }
  throw new Error('expected a PolicyError');
}

const minimal = `limits:
  exposure: {max_position_pct: 0.1, max_gross_exposure_x: 2}
  loss: {daily_loss_limit_pct: 0.02, max_drawdown_pct: 0.05}
  execution: {max_orders_per_minute_global: 20, max_orders_per_minute_by_strategy: 10}
  kill_switch: {trip_after_n_violations: 3, violation_window_seconds: 300}
`;

describe('parsePolicyYaml', () => {
  it("loads the seed README's policy", () => {
    const p = parsePolicyYaml(reference);
    expect(p.defaults).toEqual({ mode: 'enforce', decision: 'deny' });
    expect(p.overrides.symbols.AAPL!.exposure!.max_position_pct).toBe(0.05);
    expect(p.limits.kill_switch.trip_on_rules).toEqual(['LOSS-002']);
  });

  it('fills defaults: version, timezone, mode, decision, net limit, trip_on_rules, overrides', () => {
    const p = parsePolicyYaml(minimal);
    expect(p.version).toBe('0.1');
    expect(p.timezone).toBe('UTC');
    expect(p.defaults).toEqual({ mode: 'enforce', decision: 'deny' });
    expect(p.limits.exposure.max_net_exposure_x).toBeNull();
    expect(p.limits.kill_switch.trip_on_rules).toEqual([]);
    expect(p.overrides).toEqual({ symbols: {}, strategies: {} });
  });

  it('accepts timezone in any case and an unquoted version 0.1', () => {
    const p = parsePolicyYaml(`version: 0.1\ntimezone: utc\n${minimal}`);
    expect(p.timezone).toBe('UTC');
    expect(p.version).toBe('0.1');
  });

  it('refuses any timezone but UTC, with line and column', () => {
    expect(issuesOf(() => parsePolicyYaml(`timezone: America/New_York\n${minimal}`))).toEqual([
      { path: 'timezone', message: 'must be UTC (the only supported timezone), got "AMERICA/NEW_YORK"', line: 1, column: 11 },
    ]);
  });

  it('reports a YAML syntax error with its line and column', () => {
    const issues = issuesOf(() => parsePolicyYaml('limits:\n  exposure: {max_position_pct: 0.1\n  loss: 1\n'));
    expect(issues[0]!.message).toMatch(/^YAML syntax error/);
    expect(issues[0]).toMatchObject({ line: 3 });
    expect(issues[0]!.column).toBeGreaterThan(0);
  });

  it('reports a schema error with its field path, line and column', () => {
    const text = minimal.replace('max_position_pct: 0.1', 'max_position_pct: 1.5');
    expect(issuesOf(() => parsePolicyYaml(text))).toEqual([{ path: 'limits.exposure.max_position_pct', message: 'must be ≤ 1, got 1.5', line: 2, column: 32 }]);
  });

  it('points an unknown field at its key, a missing one at its parent', () => {
    const unknown = issuesOf(() => parsePolicyYaml(minimal.replace('  loss:', '  lossy: 1\n  loss:')));
    expect(unknown).toEqual([{ path: 'limits.lossy', message: 'unknown field (did you mean "loss"?)', line: 3, column: 3 }]);
    const missing = issuesOf(() => parsePolicyYaml(minimal.replace(/ {2}kill_switch.*\n/, '')));
    expect(missing).toEqual([{ path: 'limits.kill_switch', message: 'missing required field', line: 2, column: 3 }]);
  });

  it('refuses duplicate keys', () => {
    const issues = issuesOf(() => parsePolicyYaml(`${minimal}defaults: {mode: monitor}\ndefaults: {mode: enforce}\n`));
    expect(issues[0]).toMatchObject({ message: expect.stringMatching(/duplicate key/), line: 7, column: 1 });
  });

  it('refuses an alias bomb (billion laughs) quickly', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'].concat(['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)).join('\n');
    const start = Date.now();
    const issues = issuesOf(() => parsePolicyYaml(bomb));
    expect(Date.now() - start).toBeLessThan(5000); // a hang would be the failure; this bound is generous
    expect(issues[0]!.message).toMatch(/billion-laughs/);
    expect(issues[0]!.line).toBe(2);
  });

  it('refuses a misspelt rule id in trip_on_rules', () => {
    const issues = issuesOf(() => parsePolicyYaml(minimal.replace('{trip_after', '{trip_on_rules: [LOSS-02], trip_after')));
    expect(issues[0]).toMatchObject({ path: 'limits.kill_switch.trip_on_rules[0]', line: 5 });
  });

  it('checks override sections as complete sections', () => {
    const issues = issuesOf(() => parsePolicyYaml(`${minimal}overrides:\n  symbols:\n    AAPL:\n      exposure: {max_position_pct: 0.05}\n`));
    expect(issues).toEqual([{ path: 'overrides.symbols.AAPL.exposure.max_gross_exposure_x', message: 'missing required field', line: 9, column: 17 }]);
  });

  it('refuses an empty document and a non-mapping', () => {
    expect(issuesOf(() => parsePolicyYaml(''))[0]!.message).toMatch(/must be an object/);
    expect(issuesOf(() => parsePolicyYaml('- 1\n- 2\n'))[0]!.message).toMatch(/must be an object/);
  });

  it('refuses .nan and .inf', () => {
    expect(issuesOf(() => parsePolicyYaml(minimal.replace('max_gross_exposure_x: 2', 'max_gross_exposure_x: .inf')))[0]).toMatchObject({
      path: 'limits.exposure.max_gross_exposure_x',
      message: 'must be a finite number, got Infinity',
    });
    expect(issuesOf(() => parsePolicyYaml(minimal.replace('max_gross_exposure_x: 2', 'max_gross_exposure_x: .nan')))[0]!.path).toBe('limits.exposure.max_gross_exposure_x');
  });

  it('keeps __proto__ and constructor as ordinary override keys', () => {
    const p = parsePolicyYaml(
      `${minimal}overrides:\n  symbols:\n    __proto__:\n      loss: {daily_loss_limit_pct: 0.5, max_drawdown_pct: 0.5}\n    constructor:\n      loss: {daily_loss_limit_pct: 0.4, max_drawdown_pct: 0.4}\n`,
    );
    expect(Object.keys(p.overrides.symbols)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(p.overrides.symbols)).toBe(Object.prototype);
  });
});

describe('parsePolicy (objects)', () => {
  it('validates ranges of every section with paths', () => {
    const issues = issuesOf(() =>
      parsePolicy({
        defaults: { mode: 'shadow' },
        limits: {
          exposure: { max_position_pct: 0, max_gross_exposure_x: 2, max_net_exposure_x: -1 },
          loss: { daily_loss_limit_pct: 2, max_drawdown_pct: 0.05 },
          execution: { max_orders_per_minute_global: 0, max_orders_per_minute_by_strategy: 10001 },
          kill_switch: { trip_after_n_violations: 1.5, violation_window_seconds: 31536001 },
        },
      }),
    );
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'defaults.mode: must be enforce or monitor, got "shadow"',
      'limits.exposure.max_position_pct: must be > 0, got 0',
      'limits.exposure.max_net_exposure_x: must be > 0, got -1',
      'limits.loss.daily_loss_limit_pct: must be ≤ 1, got 2',
      'limits.execution.max_orders_per_minute_global: must be ≥ 1, got 0',
      'limits.execution.max_orders_per_minute_by_strategy: must be ≤ 10000, got 10001',
      'limits.kill_switch.trip_after_n_violations: must be an integer, got 1.5',
      'limits.kill_switch.violation_window_seconds: must be ≤ 31536000, got 31536001',
    ]);
    expect(issues.every((i) => i.line === undefined)).toBe(true);
  });
});

describe('parsePolicyYaml: positions', () => {
  it('counts columns in code points, as the JSON reader does (an emoji is one column)', () => {
    const text = minimal.replace('{trip_after', '{trip_on_rules: ["😀", "X"], trip_after');
    const issues = issuesOf(() => parsePolicyYaml(text));
    const line = text.split('\n')[4]!;
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['limits.kill_switch.trip_on_rules[0]', 5],
      ['limits.kill_switch.trip_on_rules[1]', 5],
    ]);
    const utf16 = line.indexOf('"X"') + 1;
    expect(issues[1]!.column).toBe(utf16 - 1); // the emoji is two UTF-16 units but one column
    expect(issues[1]!.column).toBe(Array.from(line.slice(0, line.indexOf('"X"'))).length + 1);
  });
});

import { describe, expect, it } from 'vitest';
import { evaluateWorkspace } from './evaluate-workspace';
import { findPreset } from './presets';
import type { Workspace } from './workspace';

const base = findPreset('small-buy')!.workspace;
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

async function errorsOf(ws: Workspace) {
  const result = await evaluateWorkspace(ws);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('evaluateWorkspace', () => {
  it('evaluates a valid workspace with defaults filled in', async () => {
    const result = await evaluateWorkspace({ ...base, execution: '{}' });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.decision.decision).toBe('ALLOW');
      expect(result.inputs.execution.kill_switch_active).toBe(false);
      expect(result.policyText).toBe(base.policy);
    }
  });

  it('points a YAML syntax error at its line', async () => {
    const policy = base.policy.replace('max_position_pct: 0.10 ', 'max_position_pct: 0.10: ');
    const errors = await errorsOf({ ...base, policy });
    expect(Object.keys(errors)).toEqual(['policy']);
    expect(errors.policy![0]).toMatchObject({ line: lineOf(policy, 'max_position_pct: 0.10:'), message: expect.stringMatching(/^YAML syntax error/) });
  });

  it('points a policy schema error at its line and names the field', async () => {
    const policy = base.policy.replace('max_drawdown_pct: 0.05', 'max_drawdown_pct: 5');
    const errors = await errorsOf({ ...base, policy });
    expect(errors.policy).toEqual([{ path: 'limits.loss.max_drawdown_pct', message: expect.stringContaining('5'), line: lineOf(policy, 'max_drawdown_pct: 5'), column: 23 }]);
  });

  it('points a JSON syntax error at its line and column', async () => {
    const intent = base.intent.replace('"side": "buy",', '"side": "buy"');
    const errors = await errorsOf({ ...base, intent });
    const line = lineOf(intent, '"order_type"');
    expect(errors.intent).toEqual([{ path: '', message: expect.stringMatching(/^JSON syntax error: Expected ','/), line, column: 3 }]);
  });

  it('points schema errors in every JSON editor at the field, all at once', async () => {
    const intent = base.intent.replace('"qty": 10', '"qty": -5');
    const portfolio = base.portfolio.replace('"equity": 100000', '"equity": 100000, "cash": 5');
    const market = base.market.replace('"AAPL": 200', '"AAPL": "200"');
    const execution = base.execution.replace('"kill_switch_active": false', '"kill_switch_active": "no"');
    const errors = await errorsOf({ ...base, intent, portfolio, market, execution });
    expect(errors.policy).toBeUndefined();
    expect(errors.intent).toEqual([{ path: 'qty', message: expect.stringContaining('-5'), line: lineOf(intent, '"qty"'), column: 3 }]);
    expect(errors.portfolio).toEqual([{ path: 'cash', message: 'unknown field', line: lineOf(portfolio, '"cash"'), column: expect.any(Number) }]);
    expect(errors.market).toEqual([{ path: 'prices.AAPL', message: expect.stringContaining('number'), line: lineOf(market, '"AAPL"'), column: 5 }]);
    expect(errors.execution).toEqual([{ path: 'kill_switch_active', message: expect.any(String), line: lineOf(execution, '"kill_switch_active"'), column: 3 }]);
  });

  it('treats an empty editor as an error, not as an empty object', async () => {
    const errors = await errorsOf({ ...base, execution: '  \n' });
    expect(errors.execution![0]!.message).toMatch(/Empty document/);
  });
});

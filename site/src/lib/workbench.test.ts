import { PolicyEngine } from 'policygate-capital';
import { describe, expect, it } from 'vitest';
import { evaluateWorkspace } from './evaluate-workspace';
import { findPreset, PRESETS } from './presets';
import { withOrder } from './intent-text';
import { buildWorkbench } from './workbench';

async function workbenchOf(id: string) {
  const preset = findPreset(id)!;
  const result = await evaluateWorkspace(preset.workspace);
  if (!result.ok) throw new Error(`preset ${id} does not evaluate`);
  const engine = await PolicyEngine.fromYaml(result.policyText);
  return { engine, result, wb: buildWorkbench(engine, result.policyText, result.inputs) };
}

describe('buildWorkbench', () => {
  it('explains the seed order (MODIFY 25) by the AAPL override, and says buy up to 25 with EXP-001 binding', async () => {
    const { wb, result } = await workbenchOf('position-cap');
    expect(wb.explanation.decision.decision).toBe('MODIFY');
    expect(wb.explanation.violations[0]!.source).toMatchObject({
      section: 'overrides.symbols.AAPL.exposure',
      line: result.policyText.split('\n').findIndex((l) => l.includes('max_position_pct: 0.05')) + 1,
    });
    expect(wb.buy).toMatchObject({ qty: 25, binding: 'EXP-001', limit: 0.05, lot: 1, blockedBy: [] });
    expect(wb.modified?.decision).toBe('ALLOW');
    expect(wb.modified?.evidence.find((e) => e.metric === 'new_position_pct')?.value).toBe(0.05);
  });

  it('reports the throttle and the kill switch as blocking any size, with their gauges figures', async () => {
    const rate = (await workbenchOf('rate-limit')).wb;
    expect(rate.buy?.blockedBy).toEqual(['EXEC-002']);
    expect(rate.rates).toEqual({ global: 12, strategy: 10, globalLimit: 20, strategyLimit: 10 });
    const kill = (await workbenchOf('kill-switch-active')).wb;
    expect(kill.buy?.blockedBy).toContain('KILL-001');
    expect(kill.killSwitch.active).toBe(true);
  });

  // For every preset whose buy is not blocked: "buy up to N" is allowed as it is, and N + one lot is not.
  it.each(PRESETS.map((p) => p.id))('%s: buy and sell up to N pass, N + one lot breaks the binding rule', async (id) => {
    const { engine, result, wb } = await workbenchOf(id);
    const { intent, portfolio, market, execution } = result.inputs;
    for (const [side, m] of [
      ['buy', wb.buy],
      ['sell', wb.sell],
    ] as const) {
      if (m === null || m.blockedBy.length > 0 || m.qty === 0) continue;
      const at = engine.evaluate({ ...intent, side, qty: m.qty }, portfolio, market, execution);
      expect(at.decision, `${side} ${m.qty}: ${at.violations.map((v) => v.message).join('; ')}`).toBe('ALLOW');
      if (m.binding === null) continue;
      const over = engine.evaluate({ ...intent, side, qty: m.qty + m.lot }, portfolio, market, execution);
      expect(over.violations.map((v) => v.rule_id)).toContain(m.binding);
    }
  });
});

describe('withOrder', () => {
  it('sets side and qty in the text, keeping the rest of it', () => {
    const text = findPreset('position-cap')!.workspace.intent;
    const next = withOrder(text, 'sell', 25);
    expect(JSON.parse(next)).toEqual({ ...JSON.parse(text), side: 'sell', qty: 25 });
    expect(next.split('\n').length).toBe(text.split('\n').length);
  });
  it('writes the intent again when the keys are not plainly there', () => {
    expect(JSON.parse(withOrder('{"qty":1,"nested":{"qty":2},"side":"buy"}', 'buy', 3))).toEqual({ qty: 3, nested: { qty: 2 }, side: 'buy' });
  });
});

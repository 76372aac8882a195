import { PolicyEngine } from 'policygate-capital';
import { describe, expect, it } from 'vitest';
import { evaluateWorkspace } from '../evaluate-workspace';
import { findPreset, PRESETS } from '../presets';
import { exposureView } from './exposure';

describe('exposureView', () => {
  it("agrees with the engine's gross and net exposure evidence after the order, for every allowed preset (the evidence is the requested order's)", async () => {
    let checked = 0;
    for (const preset of PRESETS) {
      const r = await evaluateWorkspace(preset.workspace);
      if (!r.ok || r.decision.decision !== 'ALLOW' || r.decision.evidence.length < 5) continue;
      const engine = await PolicyEngine.fromYaml(preset.workspace.policy);
      const multipliers = Object.fromEntries(Object.entries(engine.policy.instruments ?? {}).map(([s, i]) => [s, i.multiplier ?? 1]));
      const view = exposureView(r.inputs.intent, r.inputs.portfolio, r.inputs.market, r.decision, multipliers);
      const gross = r.decision.evidence.find((e) => e.metric === 'gross_exposure_x')!.value as number;
      const net = r.decision.evidence.find((e) => e.metric === 'net_exposure_x')!.value as number;
      expect(view.grossAfter / r.inputs.portfolio.equity, preset.id).toBeCloseTo(gross, 5);
      expect(Math.abs(view.netAfter) / r.inputs.portfolio.equity, preset.id).toBeCloseTo(net, 5);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('uses the reduced qty of a MODIFY, and shares add up to 1', async () => {
    const modify = PRESETS.find((p) => p.expect.decision === 'MODIFY')!;
    const r = await evaluateWorkspace(modify.workspace);
    if (!r.ok) throw new Error('preset fails');
    const view = exposureView(r.inputs.intent, r.inputs.portfolio, r.inputs.market, r.decision);
    expect(view.qtyAfter).toBe(modify.expect.modifiedQty);
    expect(view.hypothetical).toBe(false);
    expect(view.rows.reduce((n, row) => n + row.grossShareAfter, 0)).toBeCloseTo(1, 12);
    expect(view.rows.reduce((n, row) => n + row.netShareAfter, 0)).toBeCloseTo(1, 12);
    expect(findPreset(modify.id)).toBeDefined();
  });

  it('marks a DENY as hypothetical: after is the order were it sent', async () => {
    const deny = PRESETS.find((p) => p.expect.decision === 'DENY' && !p.expect.rules.includes('SYS-001'))!;
    const r = await evaluateWorkspace(deny.workspace);
    if (!r.ok) throw new Error('preset fails');
    const view = exposureView(r.inputs.intent, r.inputs.portfolio, r.inputs.market, r.decision);
    expect(view.hypothetical).toBe(true);
    expect(view.qtyAfter).toBe(r.inputs.intent.qty);
  });
});

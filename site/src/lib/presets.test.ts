import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateWorkspace } from './evaluate-workspace';
import { MONITOR_POLICY, PRESETS, REFERENCE_POLICY } from './presets';

const sharedPolicy = readFileSync(new URL('../../../tests/fixtures/conformance/reference-policy.yaml', import.meta.url), 'utf8');

describe('presets', () => {
  it('use the seed README policy byte for byte', () => {
    expect(REFERENCE_POLICY).toBe(sharedPolicy);
  });

  it('monitor preset policy differs from the seed policy only in its mode line', () => {
    const a = REFERENCE_POLICY.split('\n');
    const b = MONITOR_POLICY.split('\n');
    expect(b).toHaveLength(a.length);
    const changed = a.flatMap((line, k) => (line === b[k] ? [] : [[line.trim(), b[k]!.trim()]]));
    expect(changed).toHaveLength(1);
    expect(changed[0]![1]).toMatch(/^mode: "monitor"/);
  });

  it('cover every story the playground promises', () => {
    const ids = PRESETS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ['small-buy', 'position-cap', 'gross-breach', 'drawdown', 'kill-switch-active', 'monitor-mode', 'missing-price', 'de-risking-sell']) {
      expect(ids).toContain(id);
    }
  });

  for (const preset of PRESETS) {
    it(`${preset.id}: the real engine gives ${preset.expect.decision} [${preset.expect.rules.join(', ')}]`, async () => {
      const result = await evaluateWorkspace(preset.workspace);
      if (!result.ok) throw new Error(`preset has errors: ${JSON.stringify(result.errors)}`);
      const d = result.decision;
      expect(d.decision).toBe(preset.expect.decision);
      expect(d.violations.map((v) => v.rule_id)).toEqual(preset.expect.rules);
      expect(d.kill_switch_triggered).toBe(preset.expect.killSwitchTriggered);
      expect(d.modified_intent?.qty).toBe(preset.expect.modifiedQty);
      expect(result.policyHash).toBe(createHash('sha256').update(preset.workspace.policy, 'utf8').digest('hex'));
    });
  }

  it('tell a story that names the decision and every rule that fires', () => {
    for (const p of PRESETS) {
      expect(p.title).toContain(p.expect.decision);
      for (const rule of p.expect.rules) expect(p.story).toContain(rule);
    }
  });
});

import { RULE_IDS } from 'policygate-capital';
import { describe, expect, it } from 'vitest';
import { findPreset } from './presets';
import { RULES_REFERENCE } from './rules-reference';

describe('rules reference', () => {
  it('describes every rule the engine can report, once', () => {
    expect(RULES_REFERENCE.map((r) => r.id).sort()).toEqual([...RULE_IDS].sort());
  });

  it('links each rule to a preset that really triggers it', () => {
    for (const rule of RULES_REFERENCE) {
      if (!rule.preset) continue;
      const preset = findPreset(rule.preset);
      expect(preset, rule.preset).toBeDefined();
      expect(preset!.expect.rules).toContain(rule.id);
    }
  });
});

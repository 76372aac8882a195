// The rules reference: every rule the engine reports is described, and every example on the docs'
// rules page is evaluated here with the real engine and must give the decision the page shows.
import { PolicyEngine, RULE_IDS } from 'policygate-capital';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findPreset, PRESETS } from './presets';
import { REFERENCE_POLICY_TEXT } from './reference-policy';
import { exampleInputs, RULES_REFERENCE, type RuleExample } from './rules-reference';

/** Maps merged key by key, anything else replaced: the seed policy with an example's patch. */
function merge(base: unknown, patch: unknown): unknown {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMap(base) || !isMap(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = k in base ? merge(base[k], v) : v;
  return out;
}

async function run(example: RuleExample) {
  const policy = example.policyPatch ? merge(parse(REFERENCE_POLICY_TEXT), parse(example.policyPatch)) : parse(REFERENCE_POLICY_TEXT);
  const engine = await PolicyEngine.fromObject(policy);
  const { intent, portfolio, market, execution } = exampleInputs(example);
  return engine.evaluate(intent as never, portfolio as never, market as never, execution as never);
}

describe('rules reference', () => {
  it('describes the 16 rules of the policy DSL v0.2 in evaluation order, and every rule the engine can report', () => {
    expect(RULES_REFERENCE.map((r) => r.id)).toEqual([
      'SYS-001',
      'SYS-002',
      'SYS-003',
      'KILL-001',
      'LOSS-001',
      'LOSS-002',
      'EXEC-001',
      'EXEC-002',
      'EXEC-003',
      'ORD-001',
      'ORD-002',
      'ORD-003',
      'ORD-004',
      'ORD-005',
      'EXP-001',
      'EXP-002',
      'EXP-003',
    ]);
    for (const id of RULE_IDS) expect(RULES_REFERENCE.map((r) => r.id)).toContain(id);
  });

  it('links each rule to a preset that really triggers it', () => {
    for (const rule of RULES_REFERENCE) {
      if (!rule.preset) continue;
      const preset = findPreset(rule.preset);
      expect(preset, rule.preset).toBeDefined();
      expect(preset!.expect.rules).toContain(rule.id);
    }
  });

  it('links every rule that some preset triggers, the v0.2 rules included', () => {
    for (const rule of RULES_REFERENCE) {
      if (PRESETS.some((p) => p.expect.rules.includes(rule.id))) expect(rule.preset, rule.id).toBeDefined();
    }
    for (const id of ['SYS-003', 'EXEC-003', 'ORD-001', 'ORD-002', 'ORD-003', 'ORD-004', 'ORD-005']) {
      expect(RULES_REFERENCE.find((r) => r.id === id)?.preset, id).toBeDefined();
    }
  });

  // v0.2 rules (SYS-003, EXEC-003, ORD-*) need an engine that implements the policy DSL v0.2.
  it.each(RULES_REFERENCE.map((r) => [r.id, r] as const))('the %s example gives the decision the page shows', async (id, rule) => {
    const decision = await run(rule.example);
    const { expected } = rule.example;
    expect(decision.decision).toBe(expected.decision);
    expect(decision.violations.map((v) => v.rule_id)).toEqual(expected.rules);
    const own = decision.violations.find((v) => v.rule_id === id);
    if (id === 'SYS-002') expect(own?.message.startsWith(expected.message)).toBe(true);
    else expect(own?.message).toBe(expected.message);
    expect(decision.kill_switch_triggered).toBe(expected.killSwitchTriggered);
    expect(decision.modified_intent?.qty).toBe(expected.modifiedQty);
  });
});

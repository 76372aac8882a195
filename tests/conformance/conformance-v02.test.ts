import { describe, expect, it } from 'vitest';
import { PolicyEngine, policyHash } from '../../packages/policygate-capital/src/index.js';
import { diffDecision, loadCasesV02 } from './cases.js';

const cases = loadCasesV02();

describe('conformance: tests/fixtures/conformance/cases-v02.jsonl (policy DSL v0.2)', () => {
  it('holds 1,500 cases', () => {
    expect(cases).toHaveLength(1500);
  });

  it('passes every case through PolicyEngine.fromYaml + evaluate', async () => {
    const engines = new Map<string, PolicyEngine>();
    const failures: string[] = [];
    for (const c of cases) {
      let engine = engines.get(c.policy_yaml);
      if (!engine) engines.set(c.policy_yaml, (engine = await PolicyEngine.fromYaml(c.policy_yaml)));
      const decision = engine.evaluate(c.intent, c.portfolio, c.market, c.execution);
      const diff = diffDecision(decision, c.expected);
      if (diff.length) failures.push(`${c.id}: ${diff.join('; ')}`);
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(failures).toHaveLength(0);
  });

  it('computes the policy hash of every case', async () => {
    const wrong: string[] = [];
    for (const c of cases) if ((await policyHash(c.policy_yaml)) !== c.policy_hash) wrong.push(c.id);
    expect(wrong).toEqual([]);
  });
});

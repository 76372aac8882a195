import { describe, expect, it } from 'vitest';
import { PolicyEngine, policyHash } from '../../packages/policygate-capital/src/index.js';
import { type ConformanceCase, diffDecision, loadCases, loadCasesV02 } from './cases.js';

const SUITES: [string, ConformanceCase[]][] = [
  ['tests/fixtures/conformance/cases.jsonl', loadCases()],
  ['tests/fixtures/conformance/cases-v02.jsonl (policy DSL v0.2)', loadCasesV02()],
];

for (const [name, cases] of SUITES) {
  describe(`conformance: ${name}`, () => {
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
        expect(decision.eval_ms).toBeGreaterThanOrEqual(0);
        const diff = diffDecision(decision, c.expected);
        if (diff.length) failures.push(`${c.id} [${c.divergence.join(',')}]: ${diff.join('; ')}`);
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
}

// The runtime-neutral script must be able to fail: tampered expectations are reported as failures,
// differences within SPEC's 1e-9 relative tolerance are not.
import { describe, expect, it } from 'vitest';
import { readJsonl, readText, type ConformanceCase } from '../conformance/cases.js';
import { runConformance } from './conformance-run.mjs';

const cases = readJsonl<ConformanceCase>('cases.jsonl');
const withComputed = cases.find((c) => c.expected.violations.some((v: any) => Object.keys(v.computed).length > 0))!;
const toJsonl = (list: unknown[]) => list.map((c) => JSON.stringify(c)).join('\n');
const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x));

/** The first computed number of a case's expected violations, scaled by `factor`. */
function scaleComputed(c: ConformanceCase, factor: number): ConformanceCase {
  const out = copy(c);
  const v = out.expected.violations.find((x: any) => Object.keys(x.computed).length > 0);
  const key = Object.keys(v.computed).find((k) => v.computed[k] !== 0)!;
  v.computed[key] *= factor;
  return out;
}

describe('conformance-run.mjs', () => {
  it('passes untouched cases', async () => {
    const report = await runConformance({ casesJsonl: toJsonl(cases.slice(0, 50)) });
    expect(report.lines.at(-1)).toBe('50 passed, 0 failed');
    expect(report.cases).toMatchObject({ passed: 50, failed: 0 });
  });

  it('reports a wrong decision, a wrong message, a wrong policy hash and a computed number off by 1e-6', async () => {
    const decision = copy(cases[0]!);
    decision.expected.decision = decision.expected.decision === 'DENY' ? 'ALLOW' : 'DENY';
    const message = copy(withComputed);
    message.expected.violations[0].message += '!';
    const hash = copy(cases[1]!);
    hash.policy_hash = '0'.repeat(64);
    const report = await runConformance({ casesJsonl: toJsonl([decision, message, hash, scaleComputed(withComputed, 1 + 1e-6), cases[2]]) });
    expect(report.lines.at(-1)).toBe('1 passed, 4 failed');
    expect(report.failures[0]).toContain(`case ${decision.id}: decision:`);
    expect(report.failures[1]).toContain('violations[0].message');
    expect(report.failures[2]).toContain('policy_hash');
    expect(report.failures[3]).toMatch(/violations\[\d+\]\.computed\./);
  });

  it('accepts computed numbers within 1e-9 relative (summation order), as SPEC.md allows', async () => {
    const report = await runConformance({ casesJsonl: toJsonl([scaleComputed(withComputed, 1 + 1e-12)]) });
    expect(report.lines.at(-1)).toBe('1 passed, 0 failed');
  });

  it('reports audit events whose decision or policy hash differs, and lines that are not events', async () => {
    const events = readJsonl<any>('reference-audit.jsonl').slice(0, 10);
    events[1].decision.decision = events[1].decision.decision === 'DENY' ? 'ALLOW' : 'DENY';
    events[4].policy_hash = 'f'.repeat(64);
    const lines = events.map((e) => JSON.stringify(e));
    lines[7] = lines[7]!.slice(0, 80); // a torn write
    const report = await runConformance({ casesJsonl: '', auditJsonl: lines.join('\n'), auditPolicyYaml: readText('reference-policy.yaml') });
    expect(report.lines).toContain('reference audit replay: 7 passed, 3 failed');
    expect(report.failures).toEqual([
      expect.stringMatching(/^audit line 8: not read/),
      expect.stringMatching(/^audit line 2 .*decisionsMatch is false; decision:/),
      expect.stringMatching(/^audit line 5 .*policy_hash: f{64} != /),
    ]);
  });
});

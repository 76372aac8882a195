// SPEC.md "Audit trail": reference-audit.jsonl was written by the Python package under
// reference-policy.yaml; replaying it must match all 300 events (numbers within 1e-9 relative).
import { describe, expect, it } from 'vitest';
import { PolicyEngine, policyHash } from '../../packages/policygate-capital/src/index.js';
import { readAuditLog, replayAuditLog } from '../../packages/policygate-capital/src/audit/index.js';
import { readText } from '../conformance/cases.js';

const auditText = readText('reference-audit.jsonl');
const policyText = readText('reference-policy.yaml');

describe('replaying the audit log written by the Python package', () => {
  it("reads 300 valid, unchained events, all under the reference policy's hash", async () => {
    const log = await readAuditLog(auditText);
    expect(log.errors).toEqual([]);
    expect(log.events).toHaveLength(300);
    expect(log.chained).toBe(false);
    expect(log.chainBreaks).toEqual([]);
    const hash = await policyHash(policyText);
    expect(new Set(log.events.map((e) => e.event.policy_hash))).toEqual(new Set([hash]));
    expect(new Set(log.events.map((e) => e.event.decision.decision))).toEqual(new Set(['ALLOW', 'DENY', 'MODIFY']));
  });

  it('matches 300 of 300 events within 1e-9 relative', async () => {
    const engine = await PolicyEngine.fromYaml(policyText);
    const summary = await replayAuditLog(auditText, engine, { tolerance: 1e-9 });
    expect(summary).toEqual({
      total: 300,
      matched: 300,
      mismatched: [],
      policyHashMismatches: [],
      badLines: [],
      chainBreaks: [],
      chained: false,
      ok: true,
    });
  });

  it('differs, if at all, only in computed sums when compared exactly (Python sums in hash order)', async () => {
    const engine = await PolicyEngine.fromYaml(policyText);
    const exact = await replayAuditLog(auditText, engine);
    expect(exact.total).toBe(300);
    expect(exact.matched + exact.mismatched.length).toBe(300);
    for (const m of exact.mismatched) for (const f of m.fields) expect(f).toMatch(/^violations\[\d+\]\.computed\.(gross|net)_exposure_x$/);
  });
});

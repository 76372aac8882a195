// Audit events of policy DSL v0.2 decisions replay exactly: every v0.2 case written as an event,
// read back with the reader (recent_orders, the new evidence items, EXEC-003's string `duplicate_of`),
// and replayed under its policy; and a whole log under one v0.2 policy through `policygate-replay`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExecutionState, parseMarketSnapshot, parseOrderIntent, parsePortfolioState, PolicyEngine } from '../../packages/policygate-capital/src/index.js';
import { buildAuditEvent, decisionsMatch, readAuditLog, replayEvent, serializeAuditEvent } from '../../packages/policygate-capital/src/audit/index.js';
import { binPath, runCommand } from '../cli/cli.js';
import { loadCasesV02 } from './cases.js';

const cases = loadCasesV02();
const dir = mkdtempSync(join(tmpdir(), 'pgc-v02-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether the four inputs pass the boundary parsers (events of malformed inputs cannot be read back, by design). */
function wellFormed(c: (typeof cases)[number]): boolean {
  try {
    parseOrderIntent(c.intent);
    parsePortfolioState(c.portfolio);
    parseMarketSnapshot(c.market);
    parseExecutionState(c.execution);
    return true;
  } catch {
    return false;
  }
}

describe('audit events of v0.2 decisions', () => {
  it('read back and replay exactly under their policies', async () => {
    let replayed = 0;
    const problems: string[] = [];
    for (const c of cases.filter(wellFormed)) {
      const engine = await PolicyEngine.fromYaml(c.policy_yaml);
      const decision = engine.evaluate(c.intent, c.portfolio, c.market, c.execution);
      const line = serializeAuditEvent(buildAuditEvent(decision, c.intent, c.portfolio, c.market, c.execution, engine.policyHash));
      const log = await readAuditLog(line);
      if (log.errors.length) {
        problems.push(`${c.id}: not read: ${log.errors[0]!.reason}`);
        continue;
      }
      const [original, again] = replayEvent(log.events[0]!.event, engine);
      if (!decisionsMatch(original, again)) problems.push(`${c.id}: replay differs`);
      else replayed++;
    }
    expect(problems.slice(0, 10)).toEqual([]);
    // Nearly every case is well formed (the rest test malformed inputs on purpose).
    expect(replayed).toBeGreaterThan(1400);
  });

  it('replay with policygate-replay: every event of a log under one v0.2 policy matched', async () => {
    const keys = ['instruments:', 'duplicate_window_seconds', 'max_price_age_seconds', 'max_order_qty', 'max_order_notional', 'price_collar_pct', 'reduce_only'];
    const policyYaml = cases.find((c) => keys.every((k) => c.policy_yaml.includes(k)))!.policy_yaml;
    const engine = await PolicyEngine.fromYaml(policyYaml);
    const lines: string[] = [];
    const rules = new Set<string>();
    for (const c of cases.filter(wellFormed)) {
      const decision = engine.evaluate(c.intent, c.portfolio, c.market, c.execution);
      for (const v of decision.violations) rules.add(v.rule_id);
      lines.push(serializeAuditEvent(buildAuditEvent(decision, c.intent, c.portfolio, c.market, c.execution, engine.policyHash)));
    }
    expect([...rules].sort()).toEqual(expect.arrayContaining(['EXEC-003', 'EXP-001', 'ORD-001', 'ORD-002', 'ORD-003', 'SYS-001', 'SYS-003']));
    writeFileSync(join(dir, 'policy.yaml'), policyYaml);
    writeFileSync(join(dir, 'audit.jsonl'), lines.join('\n') + '\n');
    const ran = await runCommand(process.execPath, [binPath('policygate-replay'), '--policy', join(dir, 'policy.yaml'), '--audit-log', join(dir, 'audit.jsonl')]);
    expect(ran.stderr).toBe('');
    expect(ran.stdout).toMatch(new RegExp(`matched: +${lines.length}\\n`));
    expect(ran.stdout).toMatch(/mismatched: +0\n/);
    expect(ran.code).toBe(0);
  });
});

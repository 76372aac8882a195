// evaluate → write (a real file) → read → replay, for the 1,500 conformance cases: every event
// replays exactly (no tolerance), evidence included, and is the decision the caller got.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine, type Decision } from '../../packages/policygate-capital/src/index.js';
import { createAuditedEvaluator, diffDecisions, readAuditLog, replayAuditLog, replayEvent } from '../../packages/policygate-capital/src/audit/index.js';
import { FileAuditSink } from '../../packages/policygate-capital/src/node/index.js';
import { loadCases } from '../conformance/cases.js';

const dir = mkdtempSync(join(tmpdir(), 'pg-audit-roundtrip-'));
const path = join(dir, 'audit.jsonl');
const cases = loadCases();
const engines = new Map<string, PolicyEngine>();
const live: Decision[] = [];
let sink: FileAuditSink;

// Every case through an audited evaluator into one real file.
beforeAll(async () => {
  sink = await FileAuditSink.open(path, { mode: 'batched' });
  for (const c of cases) {
    let engine = engines.get(c.policy_hash);
    if (!engine) engines.set(c.policy_hash, (engine = await PolicyEngine.fromYaml(c.policy_yaml)));
    live.push(await createAuditedEvaluator(engine, sink, { runId: c.id })(c.intent, c.portfolio, c.market, c.execution));
  }
  await sink.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit round trip over the 1,500 conformance cases', () => {
  it('evaluate → write → read → replay matches exactly for every case', async () => {
    expect(cases).toHaveLength(1500);
    const text = readFileSync(path, 'utf8');
    const log = await readAuditLog(text, { expectedHeads: [sink.head] });
    expect(log.errors).toEqual([]);
    expect(log.chainBreaks).toEqual([]);
    expect(log.events).toHaveLength(1500);

    const failures: string[] = [];
    for (const [k, { event }] of log.events.entries()) {
      expect(event.run_id).toBe(cases[k]!.id);
      const engine = engines.get(event.policy_hash)!;
      const [original, replayed] = replayEvent(event, engine);
      const diff = diffDecisions(original, replayed);
      if (diff.length) failures.push(`${event.run_id}: replay differs at ${diff[0]}`);
      if (JSON.stringify(replayed.evidence) !== JSON.stringify(original.evidence)) failures.push(`${event.run_id}: evidence differs`);
      // What was recorded is what the caller got, eval_ms included.
      if (diffDecisions(live[k]!, original).length || live[k]!.eval_ms !== original.eval_ms || JSON.stringify(live[k]!.evidence) !== JSON.stringify(original.evidence)) {
        failures.push(`${event.run_id}: recorded decision differs from the live one`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('replayAuditLog under one policy: its events match, the others are policy-hash mismatches', async () => {
    const text = readFileSync(path, 'utf8');
    const first = cases[0]!;
    const underFirst = cases.filter((c) => c.policy_hash === first.policy_hash).length;
    expect(underFirst).toBeLessThan(1500);
    const summary = await replayAuditLog(text, await PolicyEngine.fromYaml(first.policy_yaml));
    expect(summary.total).toBe(1500);
    expect(summary.matched).toBe(underFirst);
    expect(summary.mismatched).toEqual([]);
    expect(summary.policyHashMismatches).toHaveLength(1500 - underFirst);
  });
});

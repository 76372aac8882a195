import { PolicyEngine } from 'policygate-capital';
import { buildAuditEvent, readAuditLog, replayAuditLog } from 'policygate-capital/audit';
import { describe, expect, it } from 'vitest';
import { AUDIT_FILE, PlaygroundAuditLog } from './audit-log';
import { evaluateWorkspace } from './evaluate-workspace';
import { findPreset } from './presets';

async function appendPreset(log: PlaygroundAuditLog, id: string) {
  const result = await evaluateWorkspace(findPreset(id)!.workspace);
  if (!result.ok) throw new Error(`preset ${id} does not evaluate`);
  const { decision, inputs, policyHash, policyText } = result;
  log.append(buildAuditEvent(decision, inputs.intent, inputs.portfolio, inputs.market, inputs.execution, policyHash, { runId: log.runId }), policyText);
  return policyHash;
}

describe('PlaygroundAuditLog', () => {
  it('names one policy policy.yaml and several by hash, with one --policy each in the command', async () => {
    const log = new PlaygroundAuditLog('run-1');
    const seed = await appendPreset(log, 'small-buy');
    expect(log.replayCommand()).toBe(`npx policygate-replay --policy policy.yaml --audit-log ${AUDIT_FILE}`);
    const v02 = await appendPreset(log, 'fat-finger');
    await appendPreset(log, 'position-cap');
    expect(log.policies.size).toBe(2);
    expect(log.replayCommand()).toBe(`npx policygate-replay --policy policy-${seed.slice(0, 12)}.yaml --policy policy-${v02.slice(0, 12)}.yaml --audit-log ${AUDIT_FILE}`);
    expect(log.files().map((f) => f.name)).toEqual([AUDIT_FILE, `policy-${seed.slice(0, 12)}.yaml`, `policy-${v02.slice(0, 12)}.yaml`, 'README.txt']);
    expect(log.entries.map((e) => e.decision)).toEqual(['ALLOW', 'DENY', 'MODIFY']);
  });

  it('replays every event under the policy file of its hash', async () => {
    const log = new PlaygroundAuditLog('run-2');
    for (const id of ['small-buy', 'fat-finger', 'gross-breach', 'duplicate-order']) await appendPreset(log, id);
    const text = log.toJsonl();
    let matched = 0;
    for (const policy of log.policies.values()) {
      const summary = await replayAuditLog(text, await PolicyEngine.fromYaml(policy));
      expect(summary.mismatched).toEqual([]);
      expect(summary.chainBreaks).toEqual([]);
      matched += summary.matched;
    }
    expect(matched).toBe(4);
  });

  it('restores a saved log as the same chain, line for line, and goes on with it', async () => {
    const log = new PlaygroundAuditLog('run-3');
    for (const id of ['small-buy', 'fat-finger']) await appendPreset(log, id);
    const saved = JSON.parse(JSON.stringify(log.toSaved()));
    const { log: restored, problem } = PlaygroundAuditLog.restore(saved);
    expect(problem).toBeNull();
    expect(restored.toJsonl()).toBe(log.toJsonl());
    expect(restored.runId).toBe('run-3');
    await appendPreset(restored, 'drawdown');
    const read = await readAuditLog(restored.toJsonl());
    expect(read.events.map((e) => e.event.chain_seq)).toEqual([0, 1, 2]);
    expect(read.errors).toEqual([]);
    expect(read.chainBreaks).toEqual([]);
    expect(read.chains).toHaveLength(1);
  });

  it('keeps a saved log that was changed as it is, says which line, and chains new events apart', async () => {
    const log = new PlaygroundAuditLog('run-4');
    for (const id of ['small-buy', 'position-cap']) await appendPreset(log, id);
    const saved = log.toSaved();
    const edited = { ...saved, lines: [saved.lines[0]!.replace('"qty":10', '"qty":11'), saved.lines[1]!] };
    expect(edited.lines[0]).not.toBe(saved.lines[0]);
    const { log: restored, problem } = PlaygroundAuditLog.restore(edited);
    // The chain shows an edited line at the next one (the edited line itself re-serializes as it is).
    expect(problem).toBe('the hash chain does not hold at line 2 (it or the line before it was changed)');
    expect(restored.toJsonl()).toBe(`${edited.lines.join('\n')}\n`);
    await appendPreset(restored, 'small-buy');
    const read = await readAuditLog(restored.toJsonl());
    expect(read.chains).toHaveLength(2);
    expect(read.events[2]!.event.chain_seq).toBe(0);
  });

  it('reports a saved line that is not an event, or whose policy text is missing', () => {
    const garbled = PlaygroundAuditLog.restore({ version: 1, run_id: 'r', chain_id: 'c', lines: ['{not json'], policies: {} });
    expect(garbled.problem).toMatch(/^line 1 is not an audit event/);
    expect(garbled.log.entries).toEqual([{ decision: null, intentId: '(not an audit event)', policyHash: '' }]);
  });
});

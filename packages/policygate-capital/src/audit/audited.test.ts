import { describe, expect, it } from 'vitest';
import { PolicyGateError } from '../errors.js';
import { createAuditedEvaluator } from './audited.js';
import { AuditWriteError } from './errors.js';
import { MemoryAuditSink } from './memory-sink.js';
import { readAuditLog } from './reader.js';
import { diffDecisions } from './replay.js';
import type { AuditSink } from './sink.js';
import { POLICY_YAML, engine, intent, market, portfolio } from './test-fixtures.js';

const failing = (error: unknown): AuditSink => ({
  append() {
    throw error;
  },
});
const rejecting = (error: unknown): AuditSink => ({ append: () => Promise.reject(error) });

describe('createAuditedEvaluator', () => {
  it("returns the engine's decision and records exactly that decision with its inputs and run_id", async () => {
    const eng = await engine();
    const sink = new MemoryAuditSink();
    const audited = createAuditedEvaluator(eng, sink, { runId: 'live-1' });
    const x = { orders_last_60s_global: 3 };
    const d = await audited(intent(), portfolio(), market(), x);
    expect(diffDecisions(d, eng.evaluate(intent(), portfolio(), market(), x))).toEqual([]);
    const [entry] = (await readAuditLog(sink.toJsonl())).events;
    expect(entry!.event).toMatchObject({ run_id: 'live-1', policy_hash: eng.policyHash, intent: intent(), eval_ms: d.eval_ms });
    expect(entry!.event.execution_state.orders_last_60s_global).toBe(3);
    expect(entry!.event.decision).toEqual(d);
  });

  it('waits for the sink before resolving', async () => {
    const eng = await engine();
    let release!: () => void;
    let stored = false;
    const slow: AuditSink = { append: () => new Promise<void>((r) => (release = () => ((stored = true), r()))) };
    const pending = createAuditedEvaluator(eng, slow)(intent(), portfolio(), market());
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    release();
    await pending;
    expect(stored).toBe(true);
  });

  it.each([
    ['throws', failing],
    ['rejects', rejecting],
  ])('throws ERR_AUDIT_WRITE when the sink %s', async (_how, make) => {
    const eng = await engine();
    const audited = createAuditedEvaluator(eng, make(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })));
    const error = await audited(intent(), portfolio(), market()).catch((e) => e);
    expect(error).toBeInstanceOf(AuditWriteError);
    expect(error).toBeInstanceOf(PolicyGateError);
    expect(error.code).toBe('ERR_AUDIT_WRITE');
    expect(error.message).toBe('audit write failed: ENOSPC: no space left on device, write');
  });

  it('passes an AuditWriteError from the sink through unchanged', async () => {
    const eng = await engine();
    const original = new AuditWriteError('audit write failed: /var/log/a.jsonl: write: EACCES: permission denied', { path: '/var/log/a.jsonl', osCode: 'EACCES' });
    const error = await createAuditedEvaluator(eng, failing(original))(intent(), portfolio(), market()).catch((e) => e);
    expect(error).toBe(original);
  });

  it('fails closed on request: DENY with the single violation SYS-002, even in monitor mode', async () => {
    const monitor = await engine(POLICY_YAML.replace('mode: "enforce"', 'mode: "monitor"').replace('decision: "deny"', 'decision: "allow"'));
    const audited = createAuditedEvaluator(monitor, rejecting(new Error('disk gone')), { failClosedOnAuditError: true });
    const d = await audited(intent({ qty: 1 }), portfolio(), market());
    expect(d).toMatchObject({
      decision: 'DENY',
      intent_id: 'order-001',
      modified_intent: null,
      evidence: [],
      kill_switch_triggered: false,
      violations: [{ rule_id: 'SYS-002', severity: 'CRIT', message: 'Evaluation error: audit write failed: disk gone', inputs: {}, computed: {} }],
    });
  });

  it('trips the kill switch on an audit failure when the policy lists SYS-002', async () => {
    const eng = await engine(POLICY_YAML.replace('trip_on_rules: ["LOSS-002"]', 'trip_on_rules: ["LOSS-002", "SYS-002"]'));
    const d = await createAuditedEvaluator(eng, failing(new Error('x')), { failClosedOnAuditError: true })(intent(), portfolio(), market());
    expect(d.kill_switch_triggered).toBe(true);
  });

  it('treats an event it cannot serialize (a NaN quantity) as an audit failure: the order is not let through unrecorded', async () => {
    const eng = await engine();
    const sink = new MemoryAuditSink();
    const error = await createAuditedEvaluator(eng, sink)(intent({ qty: NaN }), portfolio(), market()).catch((e) => e);
    expect(error).toBeInstanceOf(AuditWriteError);
    expect(error.message).toMatch(/non-finite number NaN/);
    const closed = await createAuditedEvaluator(eng, sink, { failClosedOnAuditError: true })(intent({ qty: NaN }), portfolio(), market());
    expect(closed.decision).toBe('DENY');
    expect(sink.size).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import type { Decision } from '../engine/types.js';
import { parsePolicyYaml } from '../policy/load.js';
import { createAuditedEvaluator } from './audited.js';
import { MemoryAuditSink } from './memory-sink.js';
import type { AuditEvent } from './schema.js';
import { decisionsMatch, diffDecisions, replayAuditLog, replayEvent } from './replay.js';
import { readAuditLog } from './reader.js';
import { POLICY_YAML, chainedLog, engine, intent, market, portfolio } from './test-fixtures.js';

async function denyWithTwoViolations(): Promise<Decision> {
  const eng = await engine();
  // Drawdown 9% (LOSS-002) and AAPL over its 5% cap (EXP-001): DENY.
  const d = eng.evaluate(intent({ qty: 100 }), portfolio({ equity: 100000, peak_equity: 110000 }), market());
  expect(d.violations.map((v) => v.rule_id)).toEqual(['LOSS-002', 'EXP-001']);
  return d;
}

const clone = (d: Decision): Decision => structuredClone(d);

describe('diffDecisions / decisionsMatch', () => {
  it('match a decision with itself and ignore evidence and eval_ms', async () => {
    const a = await denyWithTwoViolations();
    const b = clone(a);
    b.eval_ms = a.eval_ms + 5;
    b.evidence[0]!.value = 42;
    expect(diffDecisions(a, b)).toEqual([]);
    expect(decisionsMatch(a, b)).toBe(true);
  });

  it('compare numbers exactly by default, within a relative tolerance on request', async () => {
    const a = await denyWithTwoViolations();
    const b = clone(a);
    const dd = a.violations[0]!.computed.drawdown!;
    b.violations[0]!.computed.drawdown = dd * (1 + 4e-16);
    expect(b.violations[0]!.computed.drawdown).not.toBe(dd);
    expect(diffDecisions(a, b)).toEqual(['violations[0].computed.drawdown']);
    expect(decisionsMatch(a, b, { tolerance: 1e-9 })).toBe(true);
    b.violations[0]!.computed.drawdown = dd * (1 + 1e-6);
    expect(diffDecisions(a, b, { tolerance: 1e-9 })).toEqual(['violations[0].computed.drawdown']);
  });

  it('list the first differing field first: decision, intent_id, violations, kill_switch_triggered, modified_intent', async () => {
    const a = await denyWithTwoViolations();
    const b = clone(a);
    b.modified_intent = { ...intent(), qty: 25 };
    b.kill_switch_triggered = !a.kill_switch_triggered;
    b.violations[1]!.message = 'Position 0.9999 breaches limit 0.0500.';
    b.intent_id = 'other';
    b.decision = 'MODIFY';
    expect(diffDecisions(a, b)).toEqual(['decision', 'intent_id', 'violations[1].message', 'kill_switch_triggered', 'modified_intent']);
  });

  it('never lets the tolerance excuse a string, a flag or a missing violation', async () => {
    const a = await denyWithTwoViolations();
    const b = clone(a);
    b.violations.pop();
    b.violations[0]!.severity = 'HIGH';
    expect(diffDecisions(a, b, { tolerance: 1 })).toEqual(['violations[0].severity', 'violations[1]']);
  });

  it('compare inputs and modified_intent member by member, keys like __proto__ included', async () => {
    const a = await denyWithTwoViolations();
    const b = clone(a);
    a.modified_intent = { ...intent(), qty: 25 };
    b.modified_intent = { ...intent(), qty: 26 };
    const inputs = JSON.parse('{"__proto__":1}');
    a.violations[0]!.inputs = inputs;
    b.violations[0]!.inputs = JSON.parse('{"__proto__":2}');
    expect(diffDecisions(a, b)).toEqual(['violations[0].inputs.__proto__', 'modified_intent.qty']);
  });

  it('refuses a negative tolerance', async () => {
    const a = await denyWithTwoViolations();
    expect(() => diffDecisions(a, a, { tolerance: -1 })).toThrow(RangeError);
  });
});

describe('replayEvent', () => {
  it('returns [recorded, replayed] under a PolicyEngine or a plain Policy', async () => {
    const { text, engine: eng } = await chainedLog(8);
    const { events } = await readAuditLog(text);
    for (const { event } of events) {
      const [original, replayed] = replayEvent(event, eng);
      expect(original).toBe(event.decision);
      expect(diffDecisions(original, replayed)).toEqual([]);
      expect(replayed.evidence).toEqual(original.evidence);
      expect(diffDecisions(original, replayEvent(event, parsePolicyYaml(POLICY_YAML))[1])).toEqual([]);
    }
  });

  it('replays symbols named __proto__ and constructor as data (they survive write and read)', async () => {
    const eng = await engine();
    const sink = new MemoryAuditSink();
    const audited = createAuditedEvaluator(eng, sink);
    const prices = JSON.parse('{"__proto__": 50, "constructor": 20, "AAPL": 200}');
    const positions = JSON.parse('{"__proto__": 400, "constructor": -300}');
    const live = await audited(intent({ instrument: { symbol: '__proto__', asset_class: 'equity' }, qty: 50 }), portfolio({ positions }), market({ prices }));
    const [{ event }] = (await readAuditLog(sink.toJsonl())).events as [{ event: AuditEvent }];
    expect(Object.keys(event.portfolio_state.positions!)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(event.portfolio_state.positions)).toBe(Object.prototype);
    const [original, replayed] = replayEvent(event, eng);
    expect(diffDecisions(original, replayed)).toEqual([]);
    expect(diffDecisions(live, replayed)).toEqual([]);
    expect(replayed.evidence).toEqual(live.evidence);
    // |450·50| + |−300·20| over equity 100,000: both odd symbols counted.
    expect(replayed.evidence.find((x) => x.metric === 'gross_exposure_x')!.value).toBe(0.285);
  });

  it('shows a different decision under a different policy', async () => {
    const { text } = await chainedLog(8);
    const { events } = await readAuditLog(text);
    const looser = parsePolicyYaml(POLICY_YAML.replace('max_position_pct: 0.05', 'max_position_pct: 0.9').replace('max_drawdown_pct: 0.05', 'max_drawdown_pct: 0.5'));
    const changed = events.filter(({ event }) => !decisionsMatch(...replayEvent(event, looser)));
    expect(changed.length).toBeGreaterThan(0);
  });
});

describe('replayAuditLog', () => {
  it('matches every event of a log under its own policy', async () => {
    const { text, engine: eng } = await chainedLog(12);
    expect(await replayAuditLog(text, eng)).toEqual({
      total: 12,
      matched: 12,
      mismatched: [],
      policyHashMismatches: [],
      badLines: [],
      chainBreaks: [],
      chained: true,
      ok: true,
    });
  });

  it('reports a policy-hash mismatch as such, not as an engine mismatch', async () => {
    const { text, engine: eng } = await chainedLog(5);
    // Same rules, different text (a comment): another hash, the same decisions.
    const other = await engine(POLICY_YAML + '# reviewed\n');
    const s = await replayAuditLog(text, other);
    expect(s).toMatchObject({ total: 5, matched: 0, mismatched: [], ok: false });
    expect(s.policyHashMismatches).toHaveLength(5);
    expect(s.policyHashMismatches[0]).toEqual({
      line: 1,
      event_id: expect.any(String),
      policy_hash: eng.policyHash,
      expected: other.policyHash,
      decisionsMatch: true,
    });
  });

  it('reports an event whose recorded decision the engine does not reproduce, with the field', async () => {
    const { lines, engine: eng } = await chainedLog(6);
    // An unchained log (as the Python package writes) where one decision was rewritten.
    const unchained = lines.map((l) => {
      const { chain_id: _c, chain_seq: _s, prev_hash: _p, ...rest } = JSON.parse(l);
      return rest;
    });
    const target = unchained.findIndex((e) => e.decision.decision === 'DENY');
    unchained[target].decision.decision = 'ALLOW';
    const text = unchained.map((e) => JSON.stringify(e)).join('\n') + '\n' + '{"torn":';
    const s = await replayAuditLog(text, eng);
    expect(s.total).toBe(6);
    expect(s.matched).toBe(5);
    expect(s.mismatched).toEqual([{ line: target + 1, event_id: unchained[target].event_id, field: 'decision', fields: ['decision'] }]);
    expect(s.badLines).toEqual([{ line: 7, reason: expect.stringMatching(/^torn last line/) }]);
    expect(s.chained).toBe(false);
    expect(s.ok).toBe(false);
  });
});

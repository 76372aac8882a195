import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../util/sha256.js';
import { AuditChain } from './chain.js';
import { CanonicalWriter } from '../util/canonical-json.js';
import { buildAuditEvent, DECISION_TEXT } from './event.js';
import { engine, intent, market, portfolio } from './test-fixtures.js';

async function events(n: number) {
  const eng = await engine();
  return Array.from({ length: n }, (_, k) => {
    const i = intent({ intent_id: `o${k}`, qty: 10 + k });
    return buildAuditEvent(eng.evaluate(i, portfolio(), market()), i, portfolio(), market(), undefined, eng.policyHash);
  });
}

describe('AuditChain', () => {
  it("stamps chain_id, chain_seq 0, 1, 2… and prev_hash = SHA-256 of the previous line's exact text", async () => {
    const chain = new AuditChain();
    const lines = (await events(4)).map((e) => chain.next(e));
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.map((p) => p.chain_seq)).toEqual([0, 1, 2, 3]);
    expect(new Set(parsed.map((p) => p.chain_id))).toEqual(new Set([chain.chainId]));
    expect(parsed[0].prev_hash).toBeNull();
    for (let k = 1; k < 4; k++) expect(parsed[k].prev_hash).toBe(await sha256Hex(lines[k - 1]!));
    expect(chain.head).toEqual({ chainId: chain.chainId, seq: 3, hash: await sha256Hex(lines[3]!) });
  });

  it('starts empty and gives each chain its own UUID unless one is given', () => {
    const a = new AuditChain();
    const b = new AuditChain();
    expect(a.chainId).not.toBe(b.chainId);
    expect(a.head).toEqual({ chainId: a.chainId, seq: -1, hash: null });
    expect(new AuditChain({ chainId: 'c0ffee00-0000-4000-8000-000000000000' }).chainId).toBe('c0ffee00-0000-4000-8000-000000000000');
  });

  it('replaces chain fields an event already carries (an event re-chained into another log)', async () => {
    const [e] = await events(1);
    const line = new AuditChain().next({ ...e!, chain_id: 'c0ffee00-0000-4000-8000-000000000000', chain_seq: 99, prev_hash: 'f'.repeat(64) });
    expect(JSON.parse(line)).toMatchObject({ chain_seq: 0, prev_hash: null });
  });

  it('does not advance when an event cannot be serialized', async () => {
    const [good, bad] = await events(2);
    const chain = new AuditChain();
    chain.next(good!);
    const head = chain.head;
    expect(() => chain.next({ ...bad!, eval_ms: NaN })).toThrow(RangeError);
    expect(chain.head).toEqual(head);
    expect(JSON.parse(chain.next(bad!)).chain_seq).toBe(1);
  });

  it('uses the hash function it is given', async () => {
    const [e1, e2] = await events(2);
    const chain = new AuditChain({ hash: (t) => String(t.length).padStart(64, '0') });
    const first = chain.next(e1!);
    expect(JSON.parse(chain.next(e2!)).prev_hash).toBe(String(first.length).padStart(64, '0'));
  });

  it("writes the decision's text an event carries (DECISION_TEXT) in its place: the same line as without it", async () => {
    const evs = await events(5);
    const plain = new AuditChain({ chainId: 'c0ffee00-0000-4000-8000-000000000000' });
    const given = new AuditChain({ chainId: 'c0ffee00-0000-4000-8000-000000000000' });
    const writer = new CanonicalWriter();
    for (const e of evs) {
      const expected = plain.next(e);
      expect(given.next(Object.assign({ ...e }, { [DECISION_TEXT]: writer.write(e.decision) }))).toBe(expected);
    }
    expect(given.head).toEqual(plain.head);
  });

  it('takes that text as it is given (the caller vouches for it), and the event as it is without one', async () => {
    const [e] = await events(1);
    const line = new AuditChain().next(Object.assign({ ...e! }, { [DECISION_TEXT]: '{"decision":"DENY"}' }));
    expect(JSON.parse(line).decision).toEqual({ decision: 'DENY' });
    expect(JSON.parse(new AuditChain().next(Object.assign({ ...e! }, { [DECISION_TEXT]: 42 }))).decision).toEqual(e!.decision);
  });
});

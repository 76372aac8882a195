import { describe, expect, it } from 'vitest';
import { buildAuditEvent } from './event.js';
import { AuditWriteError } from './errors.js';
import { MemoryAuditSink } from './memory-sink.js';
import { readAuditLog } from './reader.js';
import { engine, intent, market, portfolio } from './test-fixtures.js';

describe('MemoryAuditSink', () => {
  it('stores each event as a chained line at once; later changes to the inputs do not alter it', async () => {
    const eng = await engine();
    const sink = new MemoryAuditSink();
    const p = portfolio();
    const i = intent();
    sink.append(buildAuditEvent(eng.evaluate(i, p, market()), i, p, market(), undefined, eng.policyHash));
    const first = sink.lines[0];
    p.positions!.AAPL = 1e6; // the caller reuses its portfolio object
    sink.append(buildAuditEvent(eng.evaluate(i, p, market()), i, p, market(), undefined, eng.policyHash));
    expect(sink.lines[0]).toBe(first);
    expect(JSON.parse(first!).portfolio_state.positions.AAPL).toBeUndefined();
    expect(sink.size).toBe(2);
    expect(sink.head.seq).toBe(1);
    const log = await readAuditLog(sink.toJsonl());
    expect(log.chainBreaks).toEqual([]);
    expect(log.chains[0]!.head).toEqual(sink.head);
  });

  it('refuses an event it cannot serialize with ERR_AUDIT_WRITE and keeps its chain intact', async () => {
    const eng = await engine();
    const sink = new MemoryAuditSink();
    const bad = intent({ qty: NaN });
    const event = buildAuditEvent(eng.evaluate(bad, portfolio(), market()), bad, portfolio(), market(), undefined, eng.policyHash);
    expect(() => sink.append(event)).toThrow(AuditWriteError);
    try {
      sink.append(event);
    } catch (e) {
      expect((e as AuditWriteError).code).toBe('ERR_AUDIT_WRITE');
      expect((e as AuditWriteError).message).toMatch(/not serializable: cannot serialize non-finite number NaN/);
    }
    const good = intent();
    sink.append(buildAuditEvent(eng.evaluate(good, portfolio(), market()), good, portfolio(), market(), undefined, eng.policyHash));
    expect(sink.size).toBe(1);
    expect((await readAuditLog(sink.toJsonl())).chainBreaks).toEqual([]);
  });

  it('hands out a copy of its lines', () => {
    const sink = new MemoryAuditSink();
    sink.lines.push('forged');
    expect(sink.size).toBe(0);
    expect(sink.toJsonl()).toBe('');
  });
});

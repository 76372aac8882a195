// The service's two faces: `fetch` (Web Request → Response, what Deno.serve and Bun.serve call)
// and `handle` (plain request → Reply, what Node's listener calls) run the same routes. Here in
// Node with its own Request and Response; tests/serve/ runs the bin and the other runtimes.
import { describe, expect, it, vi } from 'vitest';
import { MemoryAuditSink } from '../audit/memory-sink.js';
import { engine, intent, market, portfolio } from '../audit/test-fixtures.js';
import { PolicyGate } from '../gate/policy-gate.js';
import { GateService, type ServiceAuditSink } from './service.js';

const TOKEN = 'unit-token';

async function service(audit?: ServiceAuditSink) {
  const gate = new PolicyGate(await engine(), { portfolio: portfolio(), market: market() });
  return GateService.create({ gate, token: TOKEN, ...(audit && { audit }) });
}

const checkBody = (id: string) => JSON.stringify({ intent: intent({ intent_id: id }) });
const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };

describe('GateService.fetch (Web Request → Response)', () => {
  it('answers a check with the decision, its audit event appended first', async () => {
    const audit = new MemoryAuditSink();
    const s = await service(audit);
    const res = await s.fetch(new Request('http://localhost/v1/check', { method: 'POST', headers, body: checkBody('f-1') }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const d = await res.json();
    expect(d.intent_id).toBe('f-1');
    expect(audit.lines.map((l) => JSON.parse(l).event_id)).toEqual([d.decision_id]);
  });

  it('refuses a streamed body past the limit with 413 and Connection: close, and a missing token with 401', async () => {
    const s = await service();
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(chunk); // never ends: the service must stop reading by itself
      },
    });
    const res = await s.fetch(new Request('http://localhost/v1/check', { method: 'POST', headers, body, duplex: 'half' } as RequestInit));
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(pulled).toBeLessThan(10);
    const unauth = await s.fetch(new Request('http://localhost/v1/state'));
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('GateService.handle (plain request → Reply)', () => {
  it('answers as fetch does, from a plain request and a body reader', async () => {
    const [viaFetch, viaHandle] = [await service(), await service()];
    const res = await viaFetch.fetch(new Request('http://localhost/intent', { method: 'POST', headers, body: checkBody('h-1') }));
    const bytes = new TextEncoder().encode(checkBody('h-1'));
    const reply = await viaHandle.handle({ method: 'POST', url: '/intent', headers: new Headers(headers), body: null }, { readBody: async (limit) => (bytes.length > limit ? null : bytes) });
    expect(reply.status).toBe(res.status);
    expect(reply.headers).toEqual(Object.fromEntries(res.headers));
    const [a, b] = [await res.json(), JSON.parse(reply.body)];
    expect({ ...b, eval_ms: 0 }).toEqual({ ...a, eval_ms: 0 });
  });

  it('answers 413 when the body reader reports more than the limit', async () => {
    const s = await service();
    const reply = await s.handle({ method: 'POST', url: '/v1/check', headers: new Headers(headers), body: null }, { readBody: async () => null });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).error.code).toBe('ERR_BODY_TOO_LARGE');
    expect(reply.headers.connection).toBe('close');
  });
});

describe('GateService and a buffering audit sink', () => {
  // A sink whose append only buffers (as a batched FileAuditSink's): the answer waits for written().
  function bufferingSink() {
    const sink = new MemoryAuditSink();
    let settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
    const buffering = {
      append: (event: Parameters<MemoryAuditSink['append']>[0]) => void sink.append(event),
      written: () => new Promise<void>((resolve, reject) => (settle = { resolve, reject })),
    };
    return { sink, buffering, settle: () => settle! };
  }
  const check = (s: GateService, id: string) => s.fetch(new Request('http://localhost/v1/check', { method: 'POST', headers, body: checkBody(id) }));

  it('answers a decision only once the sink has written its line', async () => {
    const { sink, buffering, settle } = bufferingSink();
    const s = await service(buffering);
    let answered = false;
    const res = check(s, 'w-1').then((r) => ((answered = true), r));
    await vi.waitFor(() => expect(sink.lines).toHaveLength(1)); // appended, and the answer's jobs run
    expect(answered).toBe(false);
    settle().resolve();
    expect((await res).status).toBe(200);
  });

  it('answers 503 and refuses every later decision when the write fails (fail closed)', async () => {
    const { buffering, settle } = bufferingSink();
    const s = await service(buffering);
    const res = check(s, 'w-2');
    await vi.waitFor(() => expect(settle()).toBeDefined());
    settle().reject(new Error('ENOSPC'));
    const r = await res;
    expect(r.status).toBe(503);
    expect((await r.json()).error.code).toBe('ERR_AUDIT_WRITE');
    expect((await check(s, 'w-3')).status).toBe(503);
  });
});

// Every endpoint and every refusal of policygate-serve, against the real process on loopback.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJsonSchema } from '@valibot/to-json-schema';
import { EXAMPLES, exampleFlags, get, PKG_DIST, post, serve, serveExpectingExit, tempDir, TOKEN, type Served } from './server.js';

const intent = JSON.parse(readFileSync(join(EXAMPLES, 'intent.json'), 'utf8'));
const policyHash = createHash('sha256')
  .update(readFileSync(join(EXAMPLES, 'policy.yaml')))
  .digest('hex');
const order = (id: string, over: Record<string, unknown> = {}) => ({ ...intent, intent_id: id, ...over });

let server: Served;
const tmp = tempDir();
const auditLog = join(tmp.dir, 'audit.jsonl');

beforeAll(async () => {
  server = await serve([...exampleFlags(), '--audit-log', auditLog]);
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
  tmp.remove();
});

/** Sends raw HTTP/1.1 bytes and resolves with what came back and whether the server closed the connection. */
function raw(url: string, chunks: (string | Buffer)[], waitMs = 3000): Promise<{ text: string; closed: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    let closed = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed });
    }, waitMs);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('end', () => {
      closed = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed });
    });
    socket.on('error', reject);
    for (const c of chunks) socket.write(c);
  });
}

describe('endpoints', () => {
  it('GET /health answers without a token: ready, with the policy hash', async () => {
    const res = await get(server.url, '/health', null);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', policy_hash: policyHash, kill_switch_active: false, audit: { mode: 'durable', failed: false } });
  });

  it('POST /intent answers the seed example with MODIFY 25 (the Decision, as the Python service)', async () => {
    const res = await post(server.url, '/intent', { intent: order('h-1') });
    expect(res.status).toBe(200);
    const d = await res.json();
    expect(d.decision).toBe('MODIFY');
    expect(d.modified_intent.qty).toBe(25);
    expect(Object.keys(d).sort()).toEqual(['decision', 'eval_ms', 'evidence', 'intent_id', 'kill_switch_triggered', 'modified_intent', 'violations']);
  });

  it('POST /v1/check adds decision_id (the audit event id, on disk before the answer) and policy_hash', async () => {
    const res = await post(server.url, '/v1/check', { intent: order('h-2'), market_snapshot: { timestamp: '2026-02-18T00:00:01Z', prices: { AAPL: 200 } } });
    const text = await res.text();
    const d = JSON.parse(text);
    expect(d).toMatchObject({ decision: 'MODIFY', intent_id: 'h-2', policy_hash: policyHash });
    const line = readFileSync(auditLog, 'utf8')
      .trim()
      .split('\n')
      .find((l) => JSON.parse(l).event_id === d.decision_id);
    expect(line).toBeDefined();
    const event = JSON.parse(line!);
    expect(event.policy_hash).toBe(policyHash);
    expect(event.decision.intent_id).toBe('h-2');
    // The answer is the decision's text in the audit line, byte for byte, and the two members after it.
    const decisionText = line!.slice(line!.indexOf('"decision":') + '"decision":'.length, line!.indexOf(',"engine_version":'));
    expect(text).toBe(`${decisionText.slice(0, -1)},"decision_id":"${d.decision_id}","policy_hash":"${policyHash}"}`);
  });

  it('POST /v1/max-qty, /v1/fills, /v1/prices change and report the gate', async () => {
    let m = await (await post(server.url, '/v1/max-qty', { symbol: 'AAPL', side: 'buy', lot: 1 })).json();
    expect(m).toEqual({ symbol: 'AAPL', side: 'buy', qty: 25, binding: 'EXP-001', limit: 0.05, lot: 1, blocked_by: [] });
    const f = await post(server.url, '/v1/fills', { fills: [{ symbol: 'AAPL', side: 'buy', qty: 25, price: 200 }] });
    expect(await f.json()).toEqual({ applied: 1, positions: { AAPL: 25 } });
    m = await (await post(server.url, '/v1/max-qty', { symbol: 'AAPL', side: 'buy', lot: 1 })).json();
    expect(m.qty).toBe(0);
    const p = await (await post(server.url, '/v1/prices', { prices: { AAPL: 100 }, timestamp: '2026-02-18T00:00:02Z' })).json();
    expect(p.market).toEqual({ timestamp: '2026-02-18T00:00:02Z', prices: { AAPL: 100 } });
    m = await (await post(server.url, '/v1/max-qty', { symbol: 'AAPL', side: 'buy', lot: 1 })).json();
    expect(m.qty).toBe(25); // 5 % of 100,000 at 100 = 50 shares, 25 held
  });

  it('POST /v1/equity: a drawdown past the limit trips the kill switch; /v1/kill-switch/reset needs a reason', async () => {
    const e = await (await post(server.url, '/v1/equity', { equity: 94_000 })).json();
    expect(e.portfolio).toMatchObject({ equity: 94_000, peak_equity: 100_000, positions: { AAPL: 25 } });
    const d = await (await post(server.url, '/v1/check', { intent: order('h-3', { timestamp: '2026-02-18T00:00:03Z', qty: 1 }) })).json();
    expect(d.decision).toBe('DENY');
    expect(d.kill_switch_triggered).toBe(true);
    expect(await (await get(server.url, '/metrics')).text()).toMatch(/^policygate_kill_switch_active 1$/m);

    const bad = await post(server.url, '/v1/kill-switch/reset', { reason: '   ' });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.issues[0].path).toBe('reason');
    await post(server.url, '/v1/equity', { equity: 100_000 });
    const reset = await (await post(server.url, '/v1/kill-switch/reset', { reason: 'risk desk: reviewed (test)' })).json();
    expect(reset.reset).toBe(true);
    expect(reset.kill_switch.active).toBe(false);
    expect(reset.kill_switch.history.map((h: { event: string }) => h.event)).toEqual(['trip', 'reset']);
  });

  it('GET /v1/state is the gate snapshot', async () => {
    const s = await (await get(server.url, '/v1/state')).json();
    expect(s).toMatchObject({ format: 'policygate-gate-snapshot/1', policy_hash: policyHash, clock: '2026-02-18T00:00:03Z', portfolio: { positions: { AAPL: 25 } } });
    expect(s.orders.length).toBe(2); // h-1 and h-2 were MODIFY (counted); h-3 was denied
  });

  it('GET /metrics is Prometheus text with decisions by outcome and rule, latency, audit and policy', async () => {
    const res = await get(server.url, '/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^policygate_decisions_total\{decision="MODIFY"\} 2$/m);
    expect(text).toMatch(/^policygate_decisions_total\{decision="DENY"\} 1$/m);
    expect(text).toMatch(/^policygate_violations_total\{rule_id="LOSS-002"\} 1$/m);
    expect(text).toMatch(/^policygate_decision_duration_seconds_count 3$/m);
    expect(text).toMatch(/^policygate_decision_duration_seconds_bucket\{le="\+Inf"\} 3$/m);
    expect(text).toMatch(/^policygate_audit_queue_depth 0$/m);
    expect(text).toMatch(/^policygate_audit_failures_total 0$/m);
    expect(text).toContain(`policygate_policy_info{policy_hash="${policyHash}"} 1`);
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) policygate_\w+ .+|policygate_\w+(\{[^}]*\})? \S+)$/);
  });

  it('GET /openapi.json is OpenAPI 3.1 whose schemas are generated from the valibot schemas', async () => {
    const doc = await (await get(server.url, '/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      ['/health', '/intent', '/metrics', '/openapi.json', '/v1/check', '/v1/equity', '/v1/fills', '/v1/kill-switch/reset', '/v1/max-qty', '/v1/policy/reload', '/v1/prices', '/v1/state'].sort(),
    );
    const serverEntry = await import(join(PKG_DIST, 'server.js'));
    const sdk = await import(join(PKG_DIST, 'schemas.js'));
    const convert = (s: unknown) => {
      const { $schema: _, ...rest } = toJsonSchema(s as never, { errorMode: 'ignore', typeMode: 'input' }) as Record<string, unknown>;
      return rest;
    };
    for (const [name, schema] of Object.entries(serverEntry.REQUEST_SCHEMAS)) expect(doc.components.schemas[name]).toEqual(convert(schema));
    expect(doc.components.schemas.Decision).toEqual(convert(sdk.DecisionSchema));
    expect(doc.components.schemas.IntentRequest.properties.intent.required).toContain('qty');
  });
});

describe('bad requests', () => {
  it('leave the gate exactly as it was', async () => {
    const before = await (await get(server.url, '/v1/state')).text();
    const fills = await post(server.url, '/v1/fills', {
      fills: [
        { symbol: 'AAPL', side: 'buy', qty: 5, price: 100 },
        { symbol: 'MSFT', side: 'buy', qty: -1, price: 1 },
      ],
    });
    expect(fills.status).toBe(422);
    expect((await fills.json()).error.issues.map((i: { path: string }) => i.path)).toEqual(['fills[1].qty']);
    const prices = await post(server.url, '/v1/prices', { prices: { AAPL: 120 }, timestamp: 'yesterday' });
    expect(prices.status).toBe(422);
    await post(server.url, '/v1/check', '{"intent": ');
    await post(server.url, '/v1/check', { intent: order('x', { qty: 'many' }) });
    expect(await (await get(server.url, '/v1/state')).text()).toBe(before);
  });

  it('415 for a body that is not JSON', async () => {
    const res = await fetch(`${server.url}/v1/check`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body: JSON.stringify({ intent }) });
    expect(res.status).toBe(415);
    expect((await res.json()).error.code).toBe('ERR_CONTENT_TYPE');
  });

  it('413 for a declared length over 64 KB, answered without reading the rest (the connection is closed)', async () => {
    const head = `POST /v1/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n`;
    const { text, closed } = await raw(server.url, [head, Buffer.alloc(70_000, 0x20)]);
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toContain('ERR_BODY_TOO_LARGE');
    expect(closed).toBe(true); // 9.9 MB never sent, and the server did not wait for them
  });

  it('413 for a chunked body that passes 64 KB, stopped at the limit', async () => {
    const head = `POST /v1/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = `4000\r\n${' '.repeat(0x4000)}\r\n`;
    const { text, closed } = await raw(server.url, [head, chunk, chunk, chunk, chunk, chunk]);
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(closed).toBe(true);
  });

  it('400 for invalid JSON, with line and column', async () => {
    const res = await post(server.url, '/v1/check', '{\n  "intent": {\n    "qty": 1,\n  }\n}');
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('ERR_JSON');
    expect(error.issues[0]).toMatchObject({ line: 4, column: 3 });
    expect(error.message).toContain('line 4, column 3');
  });

  it('400 for a key given twice (which qty did the sender mean?)', async () => {
    const res = await post(server.url, '/intent', `{"intent": ${JSON.stringify(intent).replace('"qty":100', '"qty":1,"qty":1000')}}`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/qty/);
  });

  it('422 for a schema error, with every field path and its line and column', async () => {
    const body = JSON.stringify({ intent: { ...intent, qty: -5, colour: 'red' }, extra: 1 }, null, 2);
    const res = await post(server.url, '/v1/check', body);
    expect(res.status).toBe(422);
    const { error } = await res.json();
    expect(error.code).toBe('ERR_VALIDATION');
    const paths = error.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['extra', 'intent.colour', 'intent.qty']);
    const qty = error.issues.find((i: { path: string }) => i.path === 'intent.qty');
    const lines = body.split('\n');
    expect(lines[qty.line - 1]!.slice(qty.column - 1)).toMatch(/^-5/);
  });

  it('404 for an unknown route, 405 with Allow for a wrong method', async () => {
    expect((await get(server.url, '/v2/check')).status).toBe(404);
    const res = await get(server.url, '/v1/check');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await post(server.url, '/health', {})).status).toBe(405);
  });

  it('401 with no detail for a missing, wrong or malformed token, on every route but /health', async () => {
    const answers = await Promise.all([
      post(server.url, '/v1/check', { intent }, { token: null }),
      post(server.url, '/v1/check', { intent }, { token: 'wrong' }),
      post(server.url, '/v1/check', { intent }, { token: TOKEN + 'x' }),
      post(server.url, '/v1/check', { intent }, { token: null, headers: { authorization: TOKEN } }),
      get(server.url, '/metrics', null),
      get(server.url, '/v1/state', 'nope'),
      get(server.url, '/no-such-route', null),
    ]);
    const bodies = await Promise.all(answers.map((r) => r.text()));
    for (const r of answers) {
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!)).toEqual({ error: { code: 'ERR_UNAUTHORIZED', message: 'Unauthorized.' } });
  });
});

describe('startup', () => {
  it('refuses to start without a token, and --no-auth off loopback', async () => {
    const noToken = await serveExpectingExit(exampleFlags());
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('POLICYGATE_TOKEN');
    const open = await serveExpectingExit([...exampleFlags(), '--no-auth', '--host', '0.0.0.0']);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('loopback');
  });

  it('serves without a token with --no-auth on loopback', async () => {
    const s = await serve([...exampleFlags(), '--no-auth', '--quiet'], {});
    try {
      const res = await post(s.url, '/intent', { intent }, { token: null });
      expect((await res.json()).modified_intent.qty).toBe(25);
    } finally {
      expect(await s.stop('SIGINT')).toBe(0);
    }
  });

  it('reports a bad policy file with its line and column and exits 2', async () => {
    const t = tempDir();
    try {
      const bad = join(t.dir, 'bad.yaml');
      const text = readFileSync(join(EXAMPLES, 'policy.yaml'), 'utf8').replace('max_position_pct: 0.10', 'max_position_pct: 3');
      (await import('node:fs')).writeFileSync(bad, text);
      const r = await serveExpectingExit([...exampleFlags({ policy: bad }), '--no-auth']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/limits\.exposure\.max_position_pct \(line \d+, column \d+\)/);
    } finally {
      t.remove();
    }
  });
});

describe('POST /v1/max-qty with limit_price and account_id (a v0.2 policy: order notional, collar, duplicate window)', () => {
  const t = tempDir();
  let s: Served;
  beforeAll(async () => {
    const policy = join(t.dir, 'policy-v02.yaml');
    const text = readFileSync(join(EXAMPLES, 'policy.yaml'), 'utf8')
      .replace('version: "0.1"', 'version: "0.2"')
      .replace('max_orders_per_minute_by_strategy: 10', 'max_orders_per_minute_by_strategy: 10\n    duplicate_window_seconds: 60')
      .replace('  kill_switch:', '  order:\n    max_order_notional: 4000\n    price_collar_pct: 0.5\n  kill_switch:')
      .replace(/overrides:[\s\S]*$/, '');
    writeFileSync(policy, text);
    s = await serve([...exampleFlags({ policy }), '--quiet']);
  });
  afterAll(async () => {
    expect(await s.stop()).toBe(0);
    t.remove();
  });
  const maxQty = async (body: Record<string, unknown>) => {
    const res = await post(s.url, '/v1/max-qty', { symbol: 'AAPL', side: 'buy', lot: 1, ...body });
    expect(res.status).toBe(200);
    return res.json();
  };

  it('answers for a limit order at limit_price: the notional at the larger of it and the mark, the collar checked', async () => {
    // 4,000 of notional: 20 shares at the mark (200), 16 at a limit of 250; a limit of 400 is 100 % off the mark.
    expect(await maxQty({})).toEqual({ symbol: 'AAPL', side: 'buy', qty: 20, binding: 'ORD-002', limit: 4000, lot: 1, blocked_by: [] });
    expect(await maxQty({ limit_price: null })).toMatchObject({ qty: 20, binding: 'ORD-002' });
    expect(await maxQty({ limit_price: 150 })).toMatchObject({ qty: 20, binding: 'ORD-002', blocked_by: [] });
    expect(await maxQty({ limit_price: 250 })).toMatchObject({ qty: 16, binding: 'ORD-002', blocked_by: [] });
    expect((await maxQty({ limit_price: 400 })).blocked_by).toEqual(['ORD-003']);
  });

  it("answers for account_id's orders: a probe that repeats that account's recent order is blocked by EXEC-003", async () => {
    const sent = await post(s.url, '/v1/check', { intent: order('dup-1', { order_type: 'limit', limit_price: 250, qty: 16, account_id: 'acct_1' }) });
    expect((await sent.json()).decision).toBe('ALLOW');
    // The duplicate key: account, strategy, symbol, side, order type, qty, limit price.
    const same = { strategy_id: 'momentum_v1', limit_price: 250 };
    expect(await maxQty({ ...same, account_id: 'acct_1' })).toMatchObject({ qty: 16, blocked_by: ['EXEC-003'] });
    expect(await maxQty({ ...same, account_id: 'acct_2' })).toMatchObject({ qty: 16, blocked_by: [] });
    expect(await maxQty(same)).toMatchObject({ qty: 16, blocked_by: [] }); // account '' by default
    expect(await maxQty({ ...same, account_id: 'acct_1', limit_price: 249 })).toMatchObject({ qty: 16, blocked_by: [] });
  });

  it('refuses a bad limit_price or account_id with 422 and the field', async () => {
    for (const [body, path] of [
      [{ limit_price: -1 }, 'limit_price'],
      [{ limit_price: '250' }, 'limit_price'],
      [{ account_id: 7 }, 'account_id'],
    ] as const) {
      const res = await post(s.url, '/v1/max-qty', { symbol: 'AAPL', side: 'buy', ...body });
      expect(res.status).toBe(422);
      expect((await res.json()).error.issues.map((i: { path: string }) => i.path)).toEqual([path]);
    }
  });
});

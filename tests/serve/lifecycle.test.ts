// The process's life: policy hot reload (good and bad, by request and by SIGHUP), SIGTERM with 100
// requests in flight, restart from --state, and an audit log that cannot be written.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, exampleFlags, get, PKG_DIST, post, REPO, serve, tempDir } from './server.js';

const intent = JSON.parse(readFileSync(join(EXAMPLES, 'intent.json'), 'utf8'));
const policyText = readFileSync(join(EXAMPLES, 'policy.yaml'), 'utf8');
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const at = (s: number) => new Date(Date.UTC(2026, 1, 18, 0, 0, s)).toISOString().replace('.000Z', 'Z');
const order = (n: number, over: Record<string, unknown> = {}) => ({ ...intent, intent_id: `o-${n}`, timestamp: at(n), qty: 1, ...over });
const withoutTiming = ({ eval_ms: _, decision_id: __, ...rest }: Record<string, unknown>) => rest;

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function replay(policy: string, log: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [join(PKG_DIST, 'bin/policygate-replay.js'), '--policy', policy, '--audit-log', log, '--json'], { cwd: REPO });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout })));
}

describe('policy hot reload', () => {
  it('takes a good policy (request and SIGHUP), refuses a bad one with line and column, and keeps the windows', async () => {
    const t = tempDir();
    const policy = join(t.dir, 'policy.yaml');
    copyFileSync(join(EXAMPLES, 'policy.yaml'), policy);
    const s = await serve(exampleFlags({ policy }));
    try {
      for (let n = 1; n <= 3; n++) expect((await (await post(s.url, '/v1/check', { intent: order(n) })).json()).decision).toBe('ALLOW');

      const wider = policyText.replace('max_position_pct: 0.05', 'max_position_pct: 0.10');
      writeFileSync(policy, wider);
      const r = await (await post(s.url, '/v1/policy/reload', '')).json();
      expect(r).toEqual({ policy_hash: sha(wider), previous_policy_hash: sha(policyText), changed: true });
      const d = await (await post(s.url, '/v1/check', { intent: order(4, { qty: 100 }) })).json();
      expect(d).toMatchObject({ decision: 'MODIFY', policy_hash: sha(wider), modified_intent: { qty: 50 } });
      const state = await (await get(s.url, '/v1/state')).json();
      expect(state.orders.length).toBe(4); // the three orders before the reload are still counted

      const broken = wider.replace('max_orders_per_minute_global: 20', 'max_orders_per_minute_global: 0');
      writeFileSync(policy, broken);
      const refused = await post(s.url, '/v1/policy/reload', '');
      expect(refused.status).toBe(422);
      const { error } = await refused.json();
      expect(error.code).toBe('ERR_POLICY');
      const line = broken.split('\n').findIndex((l) => l.includes('max_orders_per_minute_global: 0')) + 1;
      expect(error.issues[0]).toMatchObject({ path: 'limits.execution.max_orders_per_minute_global', line });
      expect((await (await get(s.url, '/health')).json()).policy_hash).toBe(sha(wider));

      s.child.kill('SIGHUP'); // still broken: refused, logged, old policy in force
      await until(
        async () => s.stdout(),
        (out) => out.includes('policy reload refused'),
      );
      expect(s.stdout()).toContain('"msg":"policy reload refused"');
      expect((await (await get(s.url, '/health')).json()).policy_hash).toBe(sha(wider));

      writeFileSync(policy, policyText);
      s.child.kill('SIGHUP');
      const health = await until(
        async () => (await get(s.url, '/health')).json(),
        (h) => h.policy_hash === sha(policyText),
      );
      expect(health.policy_hash).toBe(sha(policyText));
      const after = await (await post(s.url, '/v1/check', { intent: order(5, { qty: 100 }) })).json();
      expect(after).toMatchObject({ decision: 'MODIFY', modified_intent: { qty: 25 }, policy_hash: sha(policyText) });
    } finally {
      expect(await s.stop()).toBe(0);
      t.remove();
    }
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM with 100 requests in flight: each answered or refused, every answer in the audit log, replay all matched', async () => {
    const t = tempDir();
    const log = join(t.dir, 'audit.jsonl');
    const state = join(t.dir, 'state.json');
    const s = await serve([...exampleFlags(), '--audit-log', log, '--audit-mode', 'durable', '--state', state, '--quiet']);
    try {
      const requests = Array.from({ length: 100 }, (_, n) =>
        post(s.url, '/v1/check', { intent: order(n, { strategy_id: `s${n % 7}`, qty: 1 + (n % 3) }) }).then(
          async (res) => ({ status: res.status, body: await res.json() }),
          (e: Error & { cause?: { code?: string } }) => ({ status: 0, body: { code: e.cause?.code ?? String(e) } }),
        ),
      );
      // SIGTERM as soon as the first answer is back: the other 99 are on their way or being decided.
      await Promise.race(requests);
      const code = s.stop('SIGTERM');
      const results = await Promise.all(requests);
      expect(await code).toBe(0);
      const answered = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status !== 200);
      // Refused = answered 503 shutting down, or a connection refused (ECONNREFUSED) or reset by
      // the kernel (ECONNRESET: accepted into the listen backlog, never by the server, when it
      // stopped listening). No refused request may have been decided: the log holds exactly the
      // answered decisions (checked below), so a request decided and then dropped would fail.
      for (const r of refused) expect(r.status === 0 ? r.body.code : r.body.error.code).toMatch(/^(ECONNREFUSED|ECONNRESET|ERR_SHUTTING_DOWN)$/);
      expect(answered.length).toBeGreaterThan(0);
      console.log(`SIGTERM with 100 in flight: ${answered.length} answered, ${refused.length} refused (${refused.map((r) => (r.status === 0 ? r.body.code : r.status)).join(' ')})`);

      const events = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(events.length).toBe(answered.length);
      const ids = new Set(events.map((e) => e.event_id));
      for (const a of answered) expect(ids.has(a.body.decision_id)).toBe(true);
      const rep = await replay(join(EXAMPLES, 'policy.yaml'), log);
      expect(rep.code).toBe(0);
      expect(JSON.parse(rep.stdout)).toMatchObject({ ok: true, chained: true, total: answered.length, matched: answered.length, mismatched: [], policy_hash_mismatches: [] });
      // The state was saved after the last answer: its clock is the latest intent answered.
      const latest = answered.map((a) => Number(a.body.intent_id.slice(2))).reduce((a, b) => Math.max(a, b));
      expect(JSON.parse(readFileSync(state, 'utf8')).clock).toBe(at(latest));
    } finally {
      await s.stop('SIGKILL');
      t.remove();
    }
  });
});

describe('restart from --state', () => {
  // The same stream of requests, sent to one process, and to processes restarted between them.
  const steps: ((url: string) => Promise<unknown>)[] = [
    ...Array.from({ length: 12 }, (_, i) => (url: string) => post(url, '/v1/check', { intent: order(i + 1) }).then((r) => r.json())),
    (url) => post(url, '/v1/fills', { fills: [{ symbol: 'AAPL', side: 'buy', qty: 10, price: 200 }] }).then((r) => r.json()),
    ...Array.from({ length: 8 }, (_, i) => (url: string) => post(url, '/v1/check', { intent: order(20 + i, { strategy_id: i % 2 ? 'momentum_v1' : 'other' }) }).then((r) => r.json())),
    (url) => post(url, '/v1/equity', { equity: 94_000 }).then((r) => r.json()),
    (url) => post(url, '/v1/check', { intent: order(40) }).then((r) => r.json()),
    (url) => post(url, '/v1/equity', { equity: 100_000 }).then((r) => r.json()),
    (url) => post(url, '/v1/check', { intent: order(41) }).then((r) => r.json()),
    (url) => post(url, '/v1/check', { intent: order(75) }).then((r) => r.json()), // the first orders leave the 60 s window
  ];
  const restartAfter = new Set([6, 12, 22, 23]);

  it('gives the same decisions, windows and kill switch as an uninterrupted run', async () => {
    const t = tempDir();
    try {
      const once = await serve([...exampleFlags(), '--state', join(t.dir, 'a.json'), '--quiet']);
      const expected: unknown[] = [];
      for (const step of steps) expected.push(await step(once.url));
      const finalA = await (await get(once.url, '/v1/state')).json();
      expect(await once.stop()).toBe(0);

      const got: unknown[] = [];
      let s = await serve([...exampleFlags(), '--state', join(t.dir, 'b.json'), '--quiet']);
      for (let i = 0; i < steps.length; i++) {
        got.push(await steps[i]!(s.url));
        if (restartAfter.has(i)) {
          expect(await s.stop()).toBe(0);
          s = await serve([...exampleFlags(), '--state', join(t.dir, 'b.json'), '--quiet']);
        }
      }
      const finalB = await (await get(s.url, '/v1/state')).json();
      expect(await s.stop()).toBe(0);

      const norm = (xs: unknown[]) => xs.map((x) => ('decision' in (x as object) ? withoutTiming(x as Record<string, unknown>) : x));
      expect(norm(got)).toEqual(norm(expected));
      const decisions = (expected as { decision?: string }[]).map((d) => d.decision).filter(Boolean);
      expect(decisions).toContain('DENY'); // throttles and the kill switch were exercised
      expect((expected[22] as { kill_switch_triggered: boolean }).kill_switch_triggered).toBe(true);
      expect((expected[24] as { violations: { rule_id: string }[] }).violations.map((v) => v.rule_id)).toContain('KILL-001');
      expect(finalB).toEqual(finalA);
    } finally {
      t.remove();
    }
  });
});

describe('audit failure', () => {
  it('durable: a write that fails answers 503, the order is not approved, and /health reports it', async () => {
    const s = await serve([...exampleFlags(), '--audit-log', '/dev/full', '--quiet']);
    try {
      const res = await post(s.url, '/v1/check', { intent: order(1) });
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.error.code).toBe('ERR_AUDIT_WRITE');
      expect(body.decision).toBeUndefined();
      expect((await post(s.url, '/intent', { intent: order(2) })).status).toBe(503);
      const health = await get(s.url, '/health', null);
      expect(health.status).toBe(503);
      expect((await health.json()).status).toBe('audit_failed');
      expect(await (await get(s.url, '/metrics')).text()).toMatch(/^policygate_audit_failures_total 1$/m);
    } finally {
      await s.stop();
    }
  });
});

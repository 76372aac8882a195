// policygate-serve --redis: two real serve processes on loopback, one real redis-server, one book.
// They share one order-rate budget and one kill switch; with Redis down a check is DENY SYS-002
// (never an approval) and an update 503; once Redis is back both serve again without a restart.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, serve, serveExpectingExit, tempDir, type Served } from '../serve/server.js';
import { intentAt, MARKET, PORTFOLIO, POLICY_YAML, RedisServer } from './redis-server.js';

// A wider bound than the default 250 ms: two fresh processes (cold code) deciding 60 concurrent
// checks on one book, on a loaded 2-core machine. How precisely the bound holds is faults.test.ts's
// subject; here it is that an outage never approves, in both processes.
const BOUND = 1000;
const SLACK = 250; // timers and HTTP on top of the bound
const redis = new RedisServer('always'); // the book survives the restart below
const tmp = tempDir();
let a: Served;
let b: Served;

const files = () => {
  const policy = join(tmp.dir, 'policy.yaml');
  const portfolio = join(tmp.dir, 'portfolio.json');
  const market = join(tmp.dir, 'market.json');
  writeFileSync(policy, POLICY_YAML);
  writeFileSync(portfolio, JSON.stringify(PORTFOLIO));
  writeFileSync(market, JSON.stringify(MARKET));
  return ['--policy', policy, '--portfolio', portfolio, '--market', market];
};

beforeAll(async () => {
  await redis.start();
  const flags = [...files(), '--redis', redis.url, '--book', 'served', '--redis-timeout-ms', String(BOUND), '--quiet'];
  [a, b] = await Promise.all([serve(flags), serve(flags)]);
}, 60_000);
afterAll(async () => {
  const codes = await Promise.all([a?.stop(), b?.stop()]);
  await redis.stop();
  tmp.remove();
  expect(codes).toEqual([0, 0]);
});

async function check(s: Served, intent: unknown): Promise<{ decision: string; violations: { rule_id: string; message: string }[]; kill_switch_triggered: boolean }> {
  const r = await post(s.url, '/v1/check', { intent });
  expect(r.status).toBe(200);
  return r.json();
}

describe('policygate-serve --redis: replicas share one book', () => {
  it('two processes on one book share one order-rate budget: 20 approvals a minute in total, not 20 each', async () => {
    // 60 orders in the same minute, 20 per strategy, sent to both processes at once. Each process
    // alone would approve 20 (the global limit; 8 per strategy × 3 strategies is more): together they
    // approve exactly 20 (whatever the order: the strategies' caps add up to 24), and deny the other
    // 40 with a rate limit.
    const sent = Array.from({ length: 60 }, (_, i) => ({ server: i % 2 === 0 ? a : b, intent: intentAt(`r${i}`, i * 0.5, `s${i % 3}`) }));
    const got = await Promise.all(sent.map((x) => check(x.server, x.intent)));
    const approved = got.filter((d) => d.decision !== 'DENY');
    expect(approved.length, JSON.stringify(got.map((d) => d.violations.map((v) => v.message).join('+')))).toBe(20);
    const denied = got.filter((d) => d.decision === 'DENY');
    expect(denied.filter((d) => d.violations.some((v) => v.rule_id === 'EXEC-001' || v.rule_id === 'EXEC-002')).length).toBe(40);
    // Which process approved which depends on how the requests interleave; that both answered from one book does not.
    expect(got.filter((d) => d.violations.some((v) => v.rule_id === 'SYS-002'))).toEqual([]);
  });

  it('a kill switch tripped through one process denies in the other until a reset through either', async () => {
    expect((await post(a.url, '/v1/equity', { equity: 880_000 })).status).toBe(200); // a 12 % drawdown: LOSS-002 trips the switch
    const trip = await check(a, intentAt('k1', 200, 's0'));
    expect(trip.kill_switch_triggered).toBe(true);
    expect((await post(a.url, '/v1/equity', { equity: 1_000_000, peak_equity: 1_000_000 })).status).toBe(200); // only the switch denies now
    const other = await check(b, intentAt('k2', 201, 's1'));
    expect(other.decision).toBe('DENY');
    expect(other.violations.map((v) => v.rule_id)).toEqual(['KILL-001']);
    const reset = await post(b.url, '/v1/kill-switch/reset', { reason: 'test: reviewed', at: intentAt('x', 202).timestamp });
    expect(reset.status).toBe(200);
    expect((await reset.json()).reset).toBe(true);
    expect((await check(a, intentAt('k3', 203, 's2'))).decision).toBe('ALLOW');
  });

  it('Redis down: checks are DENY SYS-002 within the bound and updates 503, in both processes; back up: both serve again', async () => {
    await redis.kill();
    let i = 0;
    for (const s of [a, b, a, b]) {
      const t = performance.now();
      const d = await check(s, intentAt(`d${i++}`, 300 + i, 's0'));
      const ms = performance.now() - t;
      expect(d.decision).toBe('DENY');
      expect(d.violations.map((v) => v.rule_id)).toEqual(['SYS-002']);
      expect(ms).toBeLessThan(BOUND + SLACK);
    }
    const fill = await post(b.url, '/v1/fills', { fills: [{ symbol: 'AAPL', side: 'buy', qty: 1, price: 200 }] });
    expect(fill.status).toBe(503);
    expect((await fill.json()).error.code).toBe('ERR_STATE_STORE');
    await redis.start(); // same port and directory: the AOF brings the book back
    for (const s of [a, b]) {
      let d: Awaited<ReturnType<typeof check>> | null = null;
      for (const until = performance.now() + 10_000; performance.now() < until; await new Promise((r) => setTimeout(r, 100))) {
        d = await check(s, intentAt(`u${i++}`, 400 + i, 's1'));
        if (!d.violations.some((v) => v.rule_id === 'SYS-002')) break;
      }
      expect(d?.decision).toBe('ALLOW');
    }
  }, 60_000);

  it('refuses --book without --redis, and --state with --redis', async () => {
    const flags = files();
    expect((await serveExpectingExit([...flags, '--no-auth', '--book', 'x'])).code).toBe(2);
    expect((await serveExpectingExit([...flags, '--no-auth', '--redis', redis.url, '--book', 'x', '--state', join(tmp.dir, 's.json')])).code).toBe(2);
  });
});

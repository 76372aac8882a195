// The kill switch is the book's: once a check trips it, every later check of every gate on the
// book is denied with KILL-001, until a reset that every gate sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../packages/policygate-capital/src/index.js';
import { RedisGate } from '../../packages/policygate-capital/src/redis/index.js';
import { intentAt, MARKET, PORTFOLIO, POLICY_YAML, RedisServer } from './redis-server.js';

const server = new RedisServer();
beforeAll(() => server.start());
afterAll(() => server.stop());

describe('RedisGate: one kill switch per book', () => {
  it('a trip in one gate denies every later check in all of them until a reset, which all see', async () => {
    const engine = await PolicyEngine.fromYaml(POLICY_YAML);
    // Three gates, each with its own connection, as three processes would have.
    const gates = await Promise.all([0, 1, 2].map(() => RedisGate.open(engine, { url: server.url, book: 'ks', portfolio: PORTFOLIO, market: MARKET })));
    const [a, b, c] = gates as [RedisGate, RedisGate, RedisGate];
    try {
      expect((await b.check(intentAt('b0', 1))).decision).toBe('ALLOW');
      // a's equity update and check: a 12% drawdown, LOSS-002, which trips the switch.
      await a.updateEquity({ equity: 880_000 });
      const trip = await a.check(intentAt('a1', 2));
      expect(trip.kill_switch_triggered).toBe(true);
      await a.updateEquity({ equity: 1_000_000, peak_equity: 1_000_000 }); // the loss no longer denies: only the switch does
      for (const [g, name] of [
        [b, 'b'],
        [c, 'c'],
        [a, 'a'],
      ] as const) {
        const d = await g.check(intentAt(`${name}2`, 3, 's2'));
        expect(d.decision).toBe('DENY');
        expect(d.violations.map((v) => v.rule_id)).toEqual(['KILL-001']);
      }
      expect((await b.snapshot()).kill_switch.active).toBe(true);
      expect(await c.resetKillSwitch('risk desk: reviewed', '2026-02-18T14:30:04Z')).toBe(true);
      for (const [g, name] of [
        [a, 'a'],
        [b, 'b'],
      ] as const) {
        const d = await g.check(intentAt(`${name}3`, 5, 's3'));
        expect(d.decision).toBe('ALLOW');
        expect(g.killSwitch.active).toBe(false);
        expect(g.killSwitch.history.map((e) => e.event)).toEqual(['trip', 'reset']);
      }
    } finally {
      await Promise.all(gates.map((g) => g.close()));
    }
  });

  it('refuses a book created under another policy', async () => {
    const engine = await PolicyEngine.fromYaml(POLICY_YAML);
    const other = await PolicyEngine.fromYaml(POLICY_YAML.replace('max_orders_per_minute_global: 20', 'max_orders_per_minute_global: 21'));
    const g = await RedisGate.open(engine, { url: server.url, book: 'policy', portfolio: PORTFOLIO });
    await g.close();
    await expect(RedisGate.open(other, { url: server.url, book: 'policy', portfolio: PORTFOLIO })).rejects.toMatchObject({ code: 'ERR_GATE_POLICY_MISMATCH' });
  });

  it('a new gate loads the saved snapshot and the operations after it, after the stream was trimmed', async () => {
    const engine = await PolicyEngine.fromYaml(POLICY_YAML);
    const g = await RedisGate.open(engine, { url: server.url, book: 'trim', portfolio: PORTFOLIO, market: MARKET, snapshotEvery: 10, keepHistory: 0 });
    for (let i = 0; i < 25; i++) {
      await g.check(intentAt(`t${i}`, i));
      if (i % 4 === 0) await g.applyFill({ symbol: 'AAPL', side: 'buy', qty: 1, price: 200 + i });
    }
    await new Promise((r) => setTimeout(r, 50)); // snapshots are saved in the background
    const late = await RedisGate.open(engine, { url: server.url, book: 'trim', portfolio: PORTFOLIO });
    expect(late.version).toBe(g.version);
    expect(await late.snapshot()).toEqual(await g.snapshot());
    const { createClient } = await import('redis');
    const client = createClient({ url: server.url });
    await client.connect();
    const first = (await client.xRange('policygate:{trim}:ops', '-', '+', { COUNT: 1 })) ?? [];
    await client.close();
    expect(Number(first[0]!.id.split('-')[0])).toBeGreaterThan(1); // trimmed below the snapshot
    await Promise.all([g.close(), late.close()]);
  });
});

// Batched commits against a real redis-server: the calls a process makes while a commit is in
// flight go together in one Lua call, decided as a chain; a conflict fails the whole batch, which
// is decided again on the state that includes what the other process committed.
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../packages/policygate-capital/src/index.js';
import { RedisGate } from '../../packages/policygate-capital/src/redis/index.js';
import { intentAt, MARKET, PORTFOLIO, POLICY_YAML, RedisServer } from './redis-server.js';
import { replayBook, strip } from './replay.js';

const server = new RedisServer();
beforeAll(() => server.start());
afterAll(() => server.stop());

async function commitCalls(): Promise<number> {
  const client = createClient({ url: server.url });
  await client.connect();
  const info = await client.info('commandstats');
  await client.close();
  return Number(/cmdstat_evalsha:calls=(\d+)/.exec(info)?.[1] ?? 0) + Number(/cmdstat_eval:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

describe('RedisGate: batched commits', () => {
  it('30 concurrent checks of one process take two commits (the first alone, the 29 queued behind it together), in call order', async () => {
    const engine = await PolicyEngine.fromYaml(POLICY_YAML);
    const gate = await RedisGate.open(engine, { url: server.url, book: 'batch', portfolio: PORTFOLIO, market: MARKET });
    try {
      const before = await commitCalls();
      const intents = Array.from({ length: 30 }, (_, i) => intentAt(`b${i}`, i * 0.1, `s${i % 3}`));
      const got = await Promise.all(intents.map((i) => gate.check(i)));
      expect((await commitCalls()) - before).toBe(2);
      const replay = await replayBook(server.url, 'batch');
      expect(replay.intentIds).toEqual(intents.map((i) => i.intent_id)); // committed in the order called
      for (const [k, d] of got.entries()) expect(strip(d)).toEqual(strip(replay.decisions.get(`b${k}`)!));
      expect(got.filter((d) => d.decision !== 'DENY').length).toBe(20); // decided as a chain: the window fills within the batch
    } finally {
      await gate.close();
    }
  });

  it('a batch decided on a stale state conflicts and is decided again on the fresh one', async () => {
    const engine = await PolicyEngine.fromYaml(POLICY_YAML);
    const [a, b] = await Promise.all([0, 1].map(() => RedisGate.open(engine, { url: server.url, book: 'stale', portfolio: PORTFOLIO, market: MARKET })));
    try {
      // b uses strategy s1's whole budget (8 a minute); a has not seen it.
      for (let i = 0; i < 8; i++) expect((await b!.check(intentAt(`b${i}`, i, 's1'))).decision).toBe('ALLOW');
      expect(a!.version).toBe(0);
      // On a's stale replica these would be approved; committed after b's, every one is over the strategy's limit.
      const got = await Promise.all(Array.from({ length: 10 }, (_, i) => a!.check(intentAt(`a${i}`, 10 + i, 's1'))));
      for (const d of got) {
        expect(d.decision).toBe('DENY');
        expect(d.violations.map((v) => v.rule_id)).toContain('EXEC-002');
      }
      const replay = await replayBook(server.url, 'stale');
      expect(replay.intentIds).toEqual([...Array.from({ length: 8 }, (_, i) => `b${i}`), ...Array.from({ length: 10 }, (_, i) => `a${i}`)]);
      for (const [k, d] of got.entries()) expect(strip(d)).toEqual(strip(replay.decisions.get(`a${k}`)!));
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });
});

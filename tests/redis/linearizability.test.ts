// Four processes × 500 checks on one book against a real redis-server, each sending bursts of 10
// concurrent checks (batched commits): the book's committed history, replayed through one in-memory
// PolicyGate, reproduces every decision each process got, and the approved orders never exceed the
// rate limits in any 60 s window.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine, PolicyGate, type Decision } from '../../packages/policygate-capital/src/index.js';
import { MARKET, PORTFOLIO, POLICY_YAML, RedisServer } from './redis-server.js';

const WORKERS = 4;
const COUNT = 500;
const server = new RedisServer();

beforeAll(() => server.start());
afterAll(() => server.stop());

function runWorker(w: number, book: string): Promise<Record<string, Decision>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'worker.mjs')], {
      env: {
        ...process.env,
        URL: server.url,
        BOOK: book,
        POLICY: POLICY_YAML,
        WORKER: String(w),
        WORKERS: String(WORKERS),
        COUNT: String(COUNT),
        PORTFOLIO: JSON.stringify(PORTFOLIO),
        MARKET: JSON.stringify(MARKET),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (b: string) => (out += b));
    child.stderr.setEncoding('utf8').on('data', (b: string) => (err += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`worker ${w} exited ${code}: ${err}`));
      else resolve(JSON.parse(out));
    });
  });
}

const strip = (d: Decision) => ({ ...d, eval_ms: 0 });

describe('RedisGate: linearizable across processes', () => {
  it('4 processes × 500 checks: replaying the stream reproduces every decision; the limits hold in every window', async () => {
    const book = 'lin';
    const results = await Promise.all(Array.from({ length: WORKERS }, (_, w) => runWorker(w, book)));

    const client = createClient({ url: server.url });
    await client.connect();
    const entries = (await client.xRange('policygate:{lin}:ops', '-', '+')) ?? [];
    await client.close();

    // Replay the committed history through one in-memory gate.
    const engine = await PolicyEngine.fromYaml(POLICY_YAML);
    const gate = new PolicyGate(engine, { portfolio: PORTFOLIO, market: MARKET });
    const replayed = new Map<string, { d: Decision; at: number; strategy: string }>();
    const ids = new Set<string>();
    let tripVersion: number | null = null;
    let lossFrom: number | null = null; // the drawdown: from the equity drop to its restoration
    let lossTo: number | null = null;
    const approvedAt: number[] = []; // the replay's clock at each approval, in order
    const rateDenialsMissing: string[] = [];
    let resetVersion: number | null = null;
    let clock = -Infinity;
    const approvedAfterTrip: string[] = [];
    for (const e of entries) {
      const version = Number(e.id.split('-')[0]);
      expect(version).toBe(ids.size + 1); // versions 1, 2, 3, … without a gap
      expect(ids.has(e.message.id!)).toBe(false); // each operation committed once
      ids.add(e.message.id!);
      const op = JSON.parse(e.message.op!);
      switch (op.op) {
        case 'check': {
          clock = Math.max(clock, Date.parse(op.intent.timestamp));
          // Approvals already in the 60 s window (s − 60 s, s] when this check arrives.
          const full = approvedAt.filter((a) => a > clock - 60_000).length >= 20;
          const d = gate.check(op.intent, op.market);
          expect(e.message.d).toBe(d.decision); // the committer decided what the replay decides
          if (d.decision !== 'DENY') approvedAt.push(clock);
          const ids = d.violations.map((v) => v.rule_id);
          // Outside the switch's and the drawdown's reach, a full window denies with EXEC-001, and only the rate limits deny.
          const inKill = tripVersion !== null && resetVersion === null;
          const inLoss = lossFrom !== null && lossTo === null;
          if (!inKill && !inLoss && ((full && !ids.includes('EXEC-001')) || (d.decision === 'DENY' && !ids.includes('EXEC-001') && !ids.includes('EXEC-002')))) {
            rateDenialsMissing.push(`${op.intent.intent_id}: ${ids.join(',')}`);
          }
          replayed.set(op.intent.intent_id, { d, at: clock, strategy: op.intent.strategy_id });
          if (d.kill_switch_triggered && tripVersion === null) tripVersion = version;
          if (tripVersion !== null && resetVersion === null && d.decision !== 'DENY') approvedAfterTrip.push(op.intent.intent_id);
          break;
        }
        case 'fill':
          gate.applyFill(op.fill);
          break;
        case 'prices':
          gate.updatePrices(op.prices, op.timestamp);
          break;
        case 'equity':
          gate.updateEquity(op.update);
          if (op.update.equity < 900_000) lossFrom ??= version;
          else if (lossFrom !== null) lossTo ??= version;
          break;
        case 'reset':
          if (gate.resetKillSwitch(op.reason, op.at) && tripVersion !== null) resetVersion ??= version;
          break;
      }
    }

    // Every decision every process got is the replay's decision for that check (no fail-closed ones: no faults here).
    let checked = 0;
    for (const r of results) {
      for (const [id, d] of Object.entries(r)) {
        expect(
          d.violations.some((v) => v.rule_id === 'SYS-002'),
          `${id}: ${JSON.stringify(d.violations)}`,
        ).toBe(false);
        expect(strip(d)).toEqual(strip(replayed.get(id)!.d));
        checked++;
      }
    }
    expect(checked).toBe(WORKERS * COUNT);
    expect(replayed.size).toBe(WORKERS * COUNT);

    // The burst was well over the limits (~800 attempts a minute against 20): some approvals, and
    // outside the drawdown and the switch every check that found the window full was denied with
    // EXEC-001, every denial a rate limit's. Which checks those are depends on the interleaving;
    // that the rule holds for each of them does not.
    const all = [...replayed.values()];
    const approved = all.filter((x) => x.d.decision !== 'DENY');
    expect(approved.length).toBeGreaterThan(20);
    expect(rateDenialsMissing).toEqual([]);
    expect(all.filter((x) => x.d.violations.some((v) => v.rule_id === 'EXEC-001')).length).toBeGreaterThan(0);
    // No 60 s window (s − 60 s, s] holds more than 20 approved orders, nor more than 8 of one strategy.
    for (const a of approved) {
      const inWindow = approved.filter((b) => b.at > a.at - 60_000 && b.at <= a.at);
      expect(inWindow.length).toBeLessThanOrEqual(20);
      expect(inWindow.filter((b) => b.strategy === a.strategy).length).toBeLessThanOrEqual(8);
    }
    // The drawdown tripped the kill switch for everyone: nothing approved between the trip and the reset.
    expect(tripVersion).not.toBeNull();
    expect(resetVersion).not.toBeNull();
    expect(approvedAfterTrip).toEqual([]);
    // Every process was denied by the switch (the workers hold it until each has been: worker.mjs).
    const killDenied = [...replayed].filter(([, x]) => x.d.violations.some((v) => v.rule_id === 'KILL-001'));
    expect(new Set(killDenied.map(([id]) => id.split('-')[0])).size).toBe(WORKERS);
  }, 180_000);
});

// The Python service's interface: `POST /intent` with `{intent, market_snapshot?}` answers the
// Decision that `policygate-eval` prints for the same inputs (eval_ms aside).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, PKG_DIST, post, REPO, serve, tempDir } from './server.js';

const read = (name: string) => JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8'));
const withoutTiming = ({ eval_ms: _, ...rest }: Record<string, unknown>) => rest;

function evalCli(args: string[]): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [join(PKG_DIST, '../bin/policygate-eval.cjs'), ...args], { cwd: REPO });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise((resolve) => child.on('exit', () => resolve(JSON.parse(out))));
}

// Each case: the state files, and the Python body (with or without a market snapshot).
const cases = [
  { name: 'the seed example (MODIFY 25)', intent: read('intent.json'), execution: read('execution.json'), market: read('market.json'), inBody: false, expected: 'MODIFY' },
  {
    name: 'a limit order with the market snapshot in the body',
    intent: { ...read('intent.json'), order_type: 'limit', limit_price: 199.5, qty: 20 },
    execution: read('execution.json'),
    market: { timestamp: '2026-02-18T00:00:00Z', prices: { AAPL: 200, MSFT: 400 } },
    inBody: true,
    expected: 'ALLOW',
  },
  {
    name: 'a strategy at its rate limit (EXEC-002)',
    intent: read('intent.json'),
    execution: { orders_last_60s_global: 12, orders_last_60s_by_strategy: { momentum_v1: 10 }, violations_last_window: [], kill_switch_active: false },
    market: read('market.json'),
    inBody: false,
    expected: 'EXEC-002',
  },
  {
    name: 'a kill switch already active (KILL-001)',
    intent: { ...read('intent.json'), qty: 1 },
    execution: { ...read('execution.json'), kill_switch_active: true },
    market: read('market.json'),
    inBody: true,
    expected: 'KILL-001',
  },
];

describe("POST /intent is the Python service's interface", () => {
  for (const c of cases) {
    it(`answers as policygate-eval does: ${c.name}`, async () => {
      const t = tempDir();
      const file = (name: string, value: unknown) => {
        const path = join(t.dir, name);
        writeFileSync(path, JSON.stringify(value));
        return path;
      };
      const files = { intent: file('intent.json', c.intent), execution: file('execution.json', c.execution), market: file('market.json', c.market) };
      const policy = join(EXAMPLES, 'policy.yaml');
      const portfolio = join(EXAMPLES, 'portfolio.json');
      const s = await serve(['--policy', policy, '--portfolio', portfolio, '--execution', files.execution, ...(c.inBody ? [] : ['--market', files.market]), '--quiet']);
      try {
        const body = c.inBody ? { intent: c.intent, market_snapshot: c.market } : { intent: c.intent };
        const res = await post(s.url, '/intent', body);
        expect(res.status).toBe(200);
        const served = await res.json();
        const cli = await evalCli(['--policy', policy, '--intent', files.intent, '--portfolio', portfolio, '--market', files.market, '--execution', files.execution]);
        expect(withoutTiming(served)).toEqual(withoutTiming(cli));
        expect(typeof served.eval_ms).toBe('number');
        if (c.expected.includes('-')) expect(served).toMatchObject({ decision: 'DENY', violations: expect.arrayContaining([expect.objectContaining({ rule_id: c.expected })]) });
        else expect(served.decision).toBe(c.expected);
      } finally {
        expect(await s.stop()).toBe(0);
        t.remove();
      }
    });
  }
});

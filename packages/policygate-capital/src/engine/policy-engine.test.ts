import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../errors.js';
import { parsePolicyYaml } from '../policy/load.js';
import { PolicyEngine } from './policy-engine.js';

const text = readFileSync(new URL('../../../../tests/fixtures/conformance/reference-policy.yaml', import.meta.url), 'utf8');
const intent = {
  intent_id: 'order-001',
  timestamp: '2026-02-18T00:00:00Z',
  strategy_id: 'momentum_v1',
  account_id: 'acct_1',
  instrument: { symbol: 'AAPL', asset_class: 'equity' as const },
  side: 'buy' as const,
  order_type: 'market' as const,
  qty: 100,
  limit_price: null,
};
const portfolio = { equity: 100000, start_of_day_equity: 100000, peak_equity: 100000, positions: {}, realized_pnl_today: 0, unrealized_pnl: 0 };
const market = { timestamp: '2026-02-18T00:00:00Z', prices: { AAPL: 200 } };

describe('PolicyEngine', () => {
  it('fromYaml hashes the exact text, as the Python package does', async () => {
    const engine = await PolicyEngine.fromYaml(text);
    expect(engine.policyHash).toBe('656efd27a605065d8d30b768ed1a2ceee1722046b48fb7846a5eaf7c1c8f9a68');
    // The same policy with other bytes is another policy file: another hash.
    expect((await PolicyEngine.fromYaml(text + '\n')).policyHash).not.toBe(engine.policyHash);
  });

  it('evaluates with the empty execution state by default and fills eval_ms', async () => {
    const engine = await PolicyEngine.fromYaml(text);
    const d = engine.evaluate(intent, portfolio, market);
    expect(d.decision).toBe('MODIFY');
    expect(d.modified_intent?.qty).toBe(25);
    expect(typeof d.eval_ms).toBe('number');
    expect(engine.evaluate(intent, portfolio, market, { kill_switch_active: true }).decision).toBe('DENY');
  });

  it('fromObject validates, and hashes the canonical JSON so key order does not matter', async () => {
    const policy = parsePolicyYaml(text);
    const a = await PolicyEngine.fromObject(JSON.parse(JSON.stringify(policy)));
    const reversed = Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(policy))).reverse());
    const b = await PolicyEngine.fromObject(reversed);
    expect(a.policyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.policyHash).toBe(a.policyHash);
    expect(a.evaluate(intent, portfolio, market).decision).toBe('MODIFY');
    await expect(PolicyEngine.fromObject({ limits: {} })).rejects.toBeInstanceOf(PolicyError);
  });

  it('fromYaml rejects an invalid policy with a PolicyError', async () => {
    await expect(PolicyEngine.fromYaml('limits: [')).rejects.toBeInstanceOf(PolicyError);
  });

  it('exposes a frozen policy', async () => {
    const engine = await PolicyEngine.fromYaml(text);
    expect(Object.isFrozen(engine.policy)).toBe(true);
    expect(engine.policy.overrides.symbols.AAPL?.exposure?.max_position_pct).toBe(0.05);
  });
});

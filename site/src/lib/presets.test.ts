import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PolicyEngine, type Decision } from 'policygate-capital';
import { evaluateWorkspace } from './evaluate-workspace';
import { findPreset, MONITOR_POLICY, PRESET_GROUPS, PRESETS, REFERENCE_POLICY, V02_POLICY, type Preset } from './presets';
import type { Workspace } from './workspace';

async function decide(ws: Workspace): Promise<Decision> {
  const result = await evaluateWorkspace(ws);
  if (!result.ok) throw new Error(`workspace has errors: ${JSON.stringify(result.errors)}`);
  return result.decision;
}

const preset = (id: string): Preset => {
  const p = findPreset(id);
  if (!p) throw new Error(`no preset ${id}`);
  return p;
};

/** A preset's workspace with one editor's JSON changed. */
function withJson(ws: Workspace, id: 'intent' | 'portfolio' | 'market' | 'execution', change: (value: Record<string, unknown>) => void): Workspace {
  const value = JSON.parse(ws[id]) as Record<string, unknown>;
  change(value);
  return { ...ws, [id]: JSON.stringify(value) };
}

const sharedPolicy = readFileSync(new URL('../../../tests/fixtures/conformance/reference-policy.yaml', import.meta.url), 'utf8');

describe('presets', () => {
  it('use the seed README policy byte for byte', () => {
    expect(REFERENCE_POLICY).toBe(sharedPolicy);
  });

  it('monitor preset policy differs from the seed policy only in its mode line', () => {
    const a = REFERENCE_POLICY.split('\n');
    const b = MONITOR_POLICY.split('\n');
    expect(b).toHaveLength(a.length);
    const changed = a.flatMap((line, k) => (line === b[k] ? [] : [[line.trim(), b[k]!.trim()]]));
    expect(changed).toHaveLength(1);
    expect(changed[0]![1]).toMatch(/^mode: "monitor"/);
  });

  it('cover every story the playground promises', () => {
    const ids = PRESETS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ['small-buy', 'position-cap', 'gross-breach', 'drawdown', 'kill-switch-active', 'monitor-mode', 'missing-price', 'de-risking-sell']) {
      expect(ids).toContain(id);
    }
  });

  it('v0.2 policy keeps every line of the seed policy, in order, except the version line', () => {
    const seed = REFERENCE_POLICY.split('\n');
    const v02 = V02_POLICY.split('\n');
    expect(v02).toContain('version: "0.2"');
    let at = 0;
    for (const line of seed) {
      const wanted = line === 'version: "0.1"' ? 'version: "0.2"' : line;
      while (at < v02.length && v02[at] !== wanted) at++;
      expect(at, `seed line ${JSON.stringify(line)}`).toBeLessThan(v02.length);
      at++;
    }
    expect(v02.length).toBeGreaterThan(seed.length);
  });

  it('v0.2 policy loads as DSL v0.2 with every new section the presets rely on', async () => {
    const engine = await PolicyEngine.fromYaml(V02_POLICY);
    const text = JSON.stringify(engine.policy, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v));
    expect(engine.policy.version).toBe('0.2');
    for (const field of [
      '"duplicate_window_seconds":10',
      '"reduce_only":true',
      '"max_order_qty":1000',
      '"max_order_notional":250000',
      '"price_collar_pct":0.05',
      '"GME"',
      '"max_price_age_seconds":5',
      '"multiplier":50',
    ]) {
      expect(text).toContain(field);
    }
  });

  it('are listed in groups that each have a heading, with the v0.1 presets first as before', () => {
    expect(PRESET_GROUPS.map((g) => g.group)).toEqual(['0.1', '0.2']);
    const grouped = PRESET_GROUPS.flatMap((g) => PRESETS.filter((p) => p.group === g.group));
    expect(grouped).toEqual([...PRESETS]);
    expect(PRESETS[0]!.id).toBe('small-buy');
  });

  it('cover every v0.2 rule and story under the v0.2 policy', () => {
    const v02 = PRESETS.filter((p) => p.group === '0.2');
    for (const p of v02) expect(p.workspace.policy, p.id).toBe(V02_POLICY);
    for (const p of PRESETS.filter((p) => p.group === '0.1')) expect(p.workspace.policy, p.id).not.toBe(V02_POLICY);
    const ids = v02.map((p) => p.id);
    expect(ids).toEqual(['fat-finger', 'order-notional', 'price-collar', 'restricted-symbol', 'duplicate-order', 'stale-quote', 'reduce-only', 'futures-multiplier', 'whole-lots', 'odd-lot']);
    const fired = new Set(v02.flatMap((p) => p.expect.rules));
    for (const rule of ['EXEC-003', 'ORD-001', 'ORD-002', 'ORD-003', 'ORD-004', 'ORD-005', 'SYS-003']) expect(fired, rule).toContain(rule);
  });

  for (const preset of PRESETS) {
    it(`${preset.id}: the real engine gives ${preset.expect.decision} [${preset.expect.rules.join(', ')}]`, async () => {
      const result = await evaluateWorkspace(preset.workspace);
      if (!result.ok) throw new Error(`preset has errors: ${JSON.stringify(result.errors)}`);
      const d = result.decision;
      expect(d.decision).toBe(preset.expect.decision);
      expect(d.violations.map((v) => v.rule_id)).toEqual(preset.expect.rules);
      expect(d.kill_switch_triggered).toBe(preset.expect.killSwitchTriggered);
      expect(d.modified_intent?.qty).toBe(preset.expect.modifiedQty);
      expect(result.policyHash).toBe(createHash('sha256').update(preset.workspace.policy, 'utf8').digest('hex'));
    });
  }

  it('tell a story that names the decision and every rule that fires', () => {
    for (const p of PRESETS) {
      expect(p.title).toContain(p.expect.decision);
      for (const rule of p.expect.rules) expect(p.story).toContain(rule);
    }
  });

  it('v0.2 presets show the new evidence, each only when its limit is set', async () => {
    for (const p of PRESETS.filter((p) => p.group === '0.2' && p.id !== 'stale-quote')) {
      const metrics = (await decide(p.workspace)).evidence.map((e) => e.metric);
      // The ES override's order section sets no collar: no limit_price_deviation for ES.
      const v02 = p.id === 'futures-multiplier' ? ['order_qty', 'order_notional', 'price_age_seconds'] : ['order_qty', 'order_notional', 'limit_price_deviation', 'price_age_seconds'];
      expect(metrics, p.id).toEqual(['daily_return', 'drawdown', 'new_position_pct', 'gross_exposure_x', 'net_exposure_x', ...v02]);
    }
    expect((await decide(preset('stale-quote').workspace)).evidence).toEqual([]);
    const deviation = (d: Decision) => d.evidence.find((e) => e.metric === 'limit_price_deviation');
    expect(deviation(await decide(preset('price-collar').workspace))).toEqual({ metric: 'limit_price_deviation', value: 0.1, limit: 0.05 });
    expect(deviation(await decide(preset('fat-finger').workspace))).toEqual({ metric: 'limit_price_deviation', value: null, limit: 0.05 });
  });

  it('futures-multiplier: the ES order is valued with its multiplier, 50 times what the seed policy sees', async () => {
    const ws = preset('futures-multiplier').workspace;
    const position = (d: Decision) => d.evidence.find((e) => e.metric === 'new_position_pct')!.value;
    const v02 = await decide(ws);
    expect(position(v02)).toBe(0.15); // 3 × 5,000 × 50 / 5,000,000
    expect(v02.evidence.find((e) => e.metric === 'order_notional')).toEqual({ metric: 'order_notional', value: 750000, limit: 1000000 });
    const seed = await decide({ ...ws, policy: REFERENCE_POLICY });
    expect(seed.decision).toBe('ALLOW');
    expect(position(seed)).toBe(0.003);
  });

  it('whole-lots: the seed policy would send a fractional MODIFY; the lot size rounds it down', async () => {
    const ws = preset('whole-lots').workspace;
    expect((await decide({ ...ws, policy: REFERENCE_POLICY })).modified_intent?.qty).toBe(190.47619048);
    expect((await decide(ws)).modified_intent?.qty).toBe(190);
  });

  it('reduce-only: only the order that reduces the position passes the halt', async () => {
    const ws = preset('reduce-only').workspace;
    const buy = await decide(withJson(ws, 'intent', (i) => Object.assign(i, { side: 'buy', qty: 10 })));
    expect(buy.decision).toBe('DENY');
    expect(buy.violations.map((v) => v.rule_id)).toEqual(['KILL-001', 'LOSS-002']);
    const crossing = await decide(withJson(ws, 'intent', (i) => (i.qty = 900))); // sells through zero into a short
    expect(crossing.violations.map((v) => v.rule_id)).toEqual(['KILL-001', 'LOSS-002']);
    const strict = await decide({ ...ws, policy: V02_POLICY.replace('reduce_only: true', 'reduce_only: false') });
    expect(strict.violations.map((v) => v.rule_id)).toEqual(['KILL-001', 'LOSS-002']);
  });

  it('duplicate-order: the same order outside the window, or with another qty, is no duplicate', async () => {
    const ws = preset('duplicate-order').workspace;
    const recent = (change: (order: Record<string, unknown>) => void) => withJson(ws, 'execution', (e) => change((e.recent_orders as Record<string, unknown>[])[0]!));
    expect((await decide(recent((o) => (o.timestamp = '2026-02-18T14:29:50Z')))).decision).toBe('ALLOW');
    expect((await decide(recent((o) => (o.qty = 101)))).decision).toBe('ALLOW');
  });

  it('stale-quote: a snapshot within the age limit lets the same order through', async () => {
    const ws = withJson(preset('stale-quote').workspace, 'market', (m) => (m.timestamp = '2026-02-18T14:29:55Z'));
    const d = await decide(ws);
    expect(d.decision).toBe('ALLOW');
    expect(d.evidence.find((e) => e.metric === 'price_age_seconds')).toEqual({ metric: 'price_age_seconds', value: 5, limit: 5 });
  });
});

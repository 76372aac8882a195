// The 1,500 conformance cases (and the 1,500 of policy DSL v0.2) through the gate: each case's
// execution state is rebuilt as gate state (orders in the window at the intent's time, the kill
// switch; recent orders and the market's own timestamp) and the gate must give the
// expected decision, and exactly what `evaluate` gives. Cases whose counts cannot be gate state
// (fewer orders globally than for the strategy alone) or whose portfolio the gate's validation
// refuses are counted, not silently dropped.
import { describe, expect, it } from 'vitest';
import { diffDecision, loadCases, loadCasesV02 } from '../../../../tests/conformance/cases.js';
import { evaluate } from '../engine/evaluate.js';
import { PolicyEngine } from '../engine/policy-engine.js';
import type { Decision } from '../engine/types.js';
import { ValidationError } from '../errors.js';
import { PolicyGate } from './policy-gate.js';
import { GATE_SNAPSHOT_FORMAT, GATE_SNAPSHOT_FORMAT_V2, type GateSnapshot } from './snapshot.js';

const withoutMs = ({ eval_ms: _, ...rest }: Decision) => rest;

describe('conformance cases through PolicyGate', () => {
  it.each([
    ['cases.jsonl', false],
    ['cases-v02.jsonl', true],
  ] as const)('gives every representable case of %s its expected decision, identical to evaluate', async (name, v2) => {
    const engines = new Map<string, PolicyEngine>();
    let checked = 0;
    let inconsistentCounts = 0;
    let refusedPortfolio = 0;
    const failures: string[] = [];
    for (const c of v2 ? loadCasesV02() : loadCases()) {
      let engine = engines.get(c.policy_yaml);
      if (!engine) engines.set(c.policy_yaml, (engine = await PolicyEngine.fromYaml(c.policy_yaml)));
      const exec = c.execution ?? {};
      const strategy = c.intent?.strategy_id;
      const global: number = exec.orders_last_60s_global ?? 0;
      const mine: number = typeof strategy === 'string' ? (exec.orders_last_60s_by_strategy?.[strategy] ?? 0) : 0;
      if (global < mine) {
        inconsistentCounts++;
        continue;
      }
      const snapshot: GateSnapshot = {
        format: v2 ? GATE_SNAPSHOT_FORMAT_V2 : GATE_SNAPSHOT_FORMAT,
        engine_version: '0.1.0',
        policy_hash: engine.policyHash,
        clock: c.intent.timestamp,
        portfolio: c.portfolio,
        market: c.market,
        orders: [
          ...Array.from({ length: mine }, (): [string, string] => [c.intent.timestamp, strategy]),
          ...Array.from({ length: global - mine }, (): [string, string] => [c.intent.timestamp, `${strategy}\u0000other`]),
        ],
        pending: [],
        violations: [],
        kill_switch: { active: exec.kill_switch_active ?? false, tripped_at: null, reason: exec.kill_switch_active ? 'conformance case' : null, history: [] },
        // v0.2: the recent orders and the market's own timestamp as the case gives them.
        ...(v2 && { recent_orders: exec.recent_orders ?? [], market_timestamp: c.market?.timestamp ?? null }),
      };
      let gate: PolicyGate;
      try {
        gate = PolicyGate.restore(engine, snapshot);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        refusedPortfolio++;
        continue;
      }
      const d = gate.check(c.intent);
      checked++;
      const diff = diffDecision(d, c.expected);
      if (diff.length > 0) failures.push(`${c.id}: ${diff.join('; ')}`);
      const pure = evaluate(c.intent, engine.policy, c.portfolio, c.market, c.execution);
      if (JSON.stringify(withoutMs(d)) !== JSON.stringify(withoutMs(pure))) failures.push(`${c.id}: differs from evaluate`);
    }
    expect(failures).toEqual([]);
    expect(checked + inconsistentCounts + refusedPortfolio).toBe(1500);
    expect(checked).toBeGreaterThan(v2 ? 1000 : 1100);
    console.log(`gate conformance (${name}): ${checked} cases checked, ${inconsistentCounts} with global < strategy count, ${refusedPortfolio} refused as gate state`);
  });
});

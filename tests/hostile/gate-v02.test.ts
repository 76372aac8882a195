// The gate under random policy DSL v0.2 policies (policyInputV02: hostile symbol and strategy names,
// every new section present or not) on random v0.2 inputs (inputsV02: limit orders around the
// mark, market snapshots of any age, recent orders of which some repeat the intent): the inputs are
// made gate state (a snapshot of format 2: the orders in the throttle windows, the recent orders,
// the market's own timestamp, the kill switch) and the gate must decide exactly as `evaluate` on
// the inputs themselves, and as `evaluate` on the state it reports.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, PolicyEngine, PolicyGate, ValidationError, type GateSnapshot } from '../../packages/policygate-capital/src/index.js';
import { inputsV02, own, policyInputV02, toPolicy, withoutTime } from './arbitraries.js';

const NUM_RUNS = 2_000;

describe('PolicyGate on random v0.2 policies and inputs', () => {
  it('decides as evaluate does on the same inputs made gate state, and on the state it reports', async () => {
    let checked = 0;
    let duplicates = 0;
    let stale = 0;
    await fc.assert(
      fc.asyncProperty(policyInputV02(), inputsV02, async (input, i) => {
        const policy = toPolicy(input);
        const engine = await PolicyEngine.fromObject(input);
        const exec = i.execution;
        const strategy = i.intent.strategy_id;
        const global = exec.orders_last_60s_global ?? 0;
        const mine = own(exec.orders_last_60s_by_strategy ?? {}, strategy) ?? 0;
        if (global < mine) return; // not gate state: fewer orders in all than for one strategy
        const snapshot: GateSnapshot = {
          format: 'policygate-gate-snapshot/2',
          engine_version: '0.2.0',
          policy_hash: engine.policyHash,
          clock: i.intent.timestamp,
          portfolio: i.portfolio,
          market: i.market,
          orders: [
            ...Array.from({ length: mine }, (): [string, string] => [i.intent.timestamp, strategy]),
            ...Array.from({ length: global - mine }, (): [string, string] => [i.intent.timestamp, `${strategy}\u0000other`]),
          ],
          pending: [],
          violations: [],
          kill_switch: { active: exec.kill_switch_active ?? false, tripped_at: null, reason: exec.kill_switch_active ? 'case' : null, history: [] },
          recent_orders: exec.recent_orders ?? [],
          market_timestamp: i.market.timestamp,
        };
        let gate: PolicyGate;
        try {
          gate = PolicyGate.restore(engine, JSON.stringify(snapshot));
        } catch (e) {
          if (e instanceof ValidationError) return; // a portfolio the gate refuses (a huge position)
          throw e;
        }
        const c = gate.checkDetailed(i.intent);
        checked++;
        const ids = c.decision.violations.map((v) => v.rule_id);
        if (ids.includes('EXEC-003')) duplicates++;
        if (ids.includes('SYS-003')) stale++;
        expect(withoutTime(c.decision)).toEqual(withoutTime(evaluate(i.intent, policy, i.portfolio, i.market, exec)));
        expect(withoutTime(c.decision)).toEqual(withoutTime(evaluate(i.intent, policy, c.portfolio, c.market, c.execution)));
      }),
      { numRuns: NUM_RUNS },
    );
    console.log(`gate v0.2 fuzz: ${checked} checked, ${duplicates} EXEC-003, ${stale} SYS-003`);
    expect(checked).toBeGreaterThan(NUM_RUNS / 2);
    expect(duplicates).toBeGreaterThan(NUM_RUNS / 200);
    expect(stale).toBeGreaterThan(NUM_RUNS / 200);
  });
});

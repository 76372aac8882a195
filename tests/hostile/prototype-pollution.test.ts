// Someone else polluted Object.prototype (a dependency's bug, untrusted data merged into `{}`): the
// engine's decisions stay right (it reads own properties only), and validation, which cannot work
// when every object seems to have the polluted key, stops with an error that says why instead of
// valibot's internal `TypeError: valueSchema.~run is not a function`.
import { describe, expect, it } from 'vitest';
import {
  parseExecutionState,
  parseMarketSnapshot,
  parseOrderIntent,
  parsePolicy,
  parsePolicyYaml,
  parsePortfolioState,
  PolicyEngine,
  PolicyGate,
  PolicyGateError,
  type Decision,
} from '../../packages/policygate-capital/src/index.js';
import { readAuditLog } from '../../packages/policygate-capital/src/audit/index.js';
import { readText } from '../conformance/cases.js';
import { makeIntent } from './arbitraries.js';
import { expectNoPollution } from './mutate.js';

const POLICY = readText('reference-policy.yaml');
const portfolio = { equity: 1e6, start_of_day_equity: 1e6, peak_equity: 1e6, positions: { AAPL: 100, MSFT: -50 }, realized_pnl_today: 0, unrealized_pnl: 0 };
const market = { timestamp: '2026-02-18T14:30:00Z', prices: { AAPL: 200, MSFT: 400.25 } };

/** Runs `fn` with `Object.prototype` polluted by `key` (enumerable, as an assignment makes it), and always cleans up. */
function polluted<T>(key: string, value: unknown, fn: () => T): T {
  const proto = Object.prototype as Record<string, unknown>;
  proto[key] = value;
  try {
    return fn();
  } finally {
    delete proto[key];
  }
}

/** What `fn` threw (undefined when it returned). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('a polluted Object.prototype', () => {
  it('makes every validating entry point throw ERR_PROTOTYPE_POLLUTED naming the key', async () => {
    const intent = makeIntent('AAPL', 'buy', 10);
    const engine = await PolicyEngine.fromYaml(POLICY);
    const errors = polluted('isAdmin', true, () => ({
      intent: thrown(() => parseOrderIntent(intent)),
      portfolio: thrown(() => parsePortfolioState(portfolio)),
      market: thrown(() => parseMarketSnapshot(market)),
      execution: thrown(() => parseExecutionState({ orders_last_60s_global: 1 })),
      policyYaml: thrown(() => parsePolicyYaml(POLICY)),
      policy: thrown(() => parsePolicy({ version: '0.1' })),
      gate: thrown(() => new PolicyGate(engine, { portfolio, market })),
      // An async API validates before its first await: the promise is already rejected.
      fromYaml: PolicyEngine.fromYaml(POLICY).then(
        () => undefined,
        (e: unknown) => e,
      ),
    }));
    expectNoPollution();
    const { fromYaml, ...sync } = errors;
    for (const [what, e] of Object.entries({ ...sync, fromYaml: await fromYaml })) {
      expect(e, what).toBeInstanceOf(PolicyGateError);
      expect((e as PolicyGateError).code, what).toBe('ERR_PROTOTYPE_POLLUTED');
      expect((e as Error).message, what).toMatch(/^Object\.prototype has an enumerable property "isAdmin": it was polluted/);
    }
  });

  it('reading an audit log stops with the same error (its lines cannot be validated)', async () => {
    // readAuditLog checks every line before its first await: the promise is already rejected.
    const result = polluted('polluted', 1, () =>
      readAuditLog(JSON.stringify({ event_id: 'x' })).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    const e = await result;
    expectNoPollution();
    expect(e).toBeInstanceOf(PolicyGateError);
    expect((e as PolicyGateError).code).toBe('ERR_PROTOTYPE_POLLUTED');
  });

  it('leaves decisions of an engine and a gate built beforehand unchanged, even with a held symbol as the key', async () => {
    const engine = await PolicyEngine.fromYaml(POLICY);
    const orders = [makeIntent('AAPL', 'buy', 10), makeIntent('MSFT', 'sell', 5000), makeIntent('TSLA', 'buy', 1)];
    const view = (d: Decision) => [d.decision, d.modified_intent?.qty, d.violations.map((v) => [v.rule_id, v.message]), d.evidence, d.kill_switch_triggered];
    const checkAll = (gate: PolicyGate) => orders.map((o) => view(gate.check(o)));
    const evaluated = orders.map((o) => view(engine.evaluate(o, portfolio, market)));
    const checked = checkAll(new PolicyGate(engine, { portfolio, market }));
    expect(evaluated.map((d) => d[0])).toEqual(['ALLOW', 'DENY', 'DENY']);
    expect(checked).toEqual(evaluated);
    for (const [key, value] of [
      ['TSLA', 300], // an unpriced symbol must stay unpriced (SYS-001), not priced at 300 by the prototype
      ['MSFT', 1e9],
      ['polluted', true],
    ] as const) {
      const gate = new PolicyGate(engine, { portfolio, market }); // built (validated) before the pollution
      const after = polluted(key, value, () => ({
        evaluated: orders.map((o) => view(engine.evaluate(o, portfolio, market))),
        checked: checkAll(gate),
      }));
      expectNoPollution();
      expect(after.evaluated, key).toEqual(evaluated);
      expect(after.checked, key).toEqual(checked);
    }
  });
});

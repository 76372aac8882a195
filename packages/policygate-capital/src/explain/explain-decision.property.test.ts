// explainDecision on random policies (overrides keyed by hostile names such as `__proto__`) and
// random inputs, well-formed or not: it never throws, its decision is exactly `evaluate`'s, and every
// limit it names is the one the engine resolved (the one the rule reported, and the evidence limit).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inputs, policyInput } from '../../../../tests/hostile/arbitraries.js';
import { evaluate } from '../engine/evaluate.js';
import { PolicyEngine } from '../engine/policy-engine.js';
import type { Decision } from '../engine/types.js';
import type { OrderIntent } from '../model/schemas.js';
import { pyRound } from '../util/py-round.js';
import { explainDecision } from './explain-decision.js';

const withoutMs = ({ eval_ms: _, ...rest }: Decision) => rest;

describe('explainDecision (property)', () => {
  it('agrees with evaluate and names the limit the engine used, for random policies and orders', async () => {
    await fc.assert(
      fc.asyncProperty(policyInput(), inputs, async (policy, i) => {
        const engine = await PolicyEngine.fromObject(policy);
        const why = explainDecision(engine, i.intent, i.portfolio, i.market, i.execution);
        expect(withoutMs(why.decision)).toEqual(withoutMs(evaluate(i.intent, engine.policy, i.portfolio, i.market, i.execution)));
        for (const v of why.violations) {
          const reported = why.decision.violations[v.index]!.inputs;
          if (v.source && Object.hasOwn(reported, v.source.key)) expect(v.source.value).toBe(reported[v.source.key]);
        }
        for (const e of why.evidence) {
          const raw = e.source.value as number | null;
          expect(e.limit).toBe(raw === null ? null : pyRound(e.metric === 'daily_return' ? -raw : raw, 6));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on malformed inputs, and explains them as the evaluation error they are', async () => {
    const engine = await PolicyEngine.fromObject({
      limits: {
        exposure: { max_position_pct: 0.1, max_gross_exposure_x: 2 },
        loss: { daily_loss_limit_pct: 0.02, max_drawdown_pct: 0.05 },
        execution: { max_orders_per_minute_global: 20, max_orders_per_minute_by_strategy: 10 },
        kill_switch: { trip_on_rules: ['SYS-002'], trip_after_n_violations: 3, violation_window_seconds: 300 },
      },
    });
    await fc.assert(
      fc.property(inputs, fc.constantFrom('intent', 'portfolio', 'market', 'execution'), fc.anything(), (i, which, junk) => {
        const broken = { ...i, [which]: junk } as typeof i;
        const why = explainDecision(engine, broken.intent as OrderIntent, broken.portfolio, broken.market, broken.execution);
        expect(withoutMs(why.decision)).toEqual(withoutMs(evaluate(broken.intent, engine.policy, broken.portfolio, broken.market, broken.execution)));
        expect(why.violations).toHaveLength(why.decision.violations.length);
        if (why.decision.violations[0]?.rule_id === 'SYS-002') expect(why.outcome.reason).toBe('evaluation-error');
      }),
      { numRuns: 300 },
    );
  });
});

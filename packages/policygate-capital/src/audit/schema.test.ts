import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { toIssues } from '../model/issues.js';
import { AuditEventSchema, DecisionSchema } from './schema.js';

// A line as the Python package writes it (floats as 100000.0, timestamp with +00:00, no chain fields).
const PYTHON_LINE =
  '{"decision":{"decision":"DENY","eval_ms":0.08,"evidence":[{"limit":-0.02,"metric":"daily_return","value":0.02722},{"limit":0.05,"metric":"drawdown","value":0.066533},{"limit":0.1,"metric":"new_position_pct","value":0.024056},{"limit":2.0,"metric":"gross_exposure_x","value":0.956655},{"limit":null,"metric":"net_exposure_x","value":0.332896}],"intent_id":"py-000002","kill_switch_triggered":true,"modified_intent":null,"violations":[{"computed":{"drawdown":0.0665330670598811},"inputs":{"max_drawdown_pct":0.05},"message":"Drawdown 0.0665 breaches limit 0.0500.","rule_id":"LOSS-002","severity":"CRIT"}]},"engine_version":"0.2.0","eval_ms":0.08,"event_id":"645476d2-5863-4273-a408-507aa3ea2129","execution_state":{"kill_switch_active":false,"orders_last_60s_by_strategy":{"arb_fast":7},"orders_last_60s_global":0,"violations_last_window":[["2026-02-18T14:29:00Z","EXP-001"]]},"intent":{"account_id":"acct_1","instrument":{"asset_class":"equity","symbol":"MSFT"},"intent_id":"py-000002","limit_price":null,"order_type":"market","qty":80.0,"side":"sell","strategy_id":"momentum_v1","timestamp":"2026-02-18T14:30:00Z"},"market_snapshot":{"prices":{"MSFT":300.704},"timestamp":"2026-02-18T14:30:00Z"},"policy_hash":"656efd27a605065d8d30b768ed1a2ceee1722046b48fb7846a5eaf7c1c8f9a68","portfolio_state":{"equity":1000000.0,"peak_equity":1071275.2264831958,"positions":{"MSFT":60.0},"realized_pnl_today":0.0,"start_of_day_equity":973500.0,"unrealized_pnl":0.0},"timestamp":"2026-11-24T02:45:53.578638+00:00"}';

const pyEvent = () => JSON.parse(PYTHON_LINE);
const issues = (value: unknown) => {
  const r = v.safeParse(AuditEventSchema, value);
  return r.success ? [] : toIssues(r.issues);
};

describe('AuditEventSchema', () => {
  it('reads an event written by the Python package (100000.0, +00:00 timestamps, no chain fields)', () => {
    const r = v.safeParse(AuditEventSchema, pyEvent());
    expect(r.success).toBe(true);
    expect(r.output).toMatchObject({ engine_version: '0.2.0', portfolio_state: { equity: 1000000 }, decision: { decision: 'DENY' } });
  });

  it("reads an event with this SDK's chain fields", () => {
    const chained = { ...pyEvent(), chain_id: '8333d855-3643-4ef7-9f55-69842b785adf', chain_seq: 3, prev_hash: 'a'.repeat(64), run_id: 'r1' };
    expect(issues(chained)).toEqual([]);
    expect(issues({ ...chained, chain_seq: 0, prev_hash: null })).toEqual([]);
  });

  it('rejects unknown fields with their path, at the top and deep inside', () => {
    expect(issues({ ...pyEvent(), extra: 1 })).toEqual([{ path: 'extra', message: 'unknown field' }]);
    const e = pyEvent();
    e.decision.violations[0].extra = true;
    expect(issues(e)).toEqual([{ path: 'decision.violations[0].extra', message: 'unknown field' }]);
  });

  it('names the field of a wrong value', () => {
    const e = pyEvent();
    e.decision.violations[0].severity = 'LOW';
    e.portfolio_state.equity = NaN;
    e.policy_hash = 'ABC';
    expect(
      issues(e)
        .map((i) => i.path)
        .sort(),
    ).toEqual(['decision.violations[0].severity', 'policy_hash', 'portfolio_state.equity']);
  });

  it('rejects a missing required field, a bad chain_seq and an event id that is not a UUID', () => {
    const { decision: _d, ...noDecision } = pyEvent();
    expect(issues(noDecision)).toEqual([{ path: 'decision', message: 'missing required field' }]);
    expect(issues({ ...pyEvent(), chain_seq: -1 }).map((i) => i.path)).toEqual(['chain_seq']);
    expect(issues({ ...pyEvent(), chain_seq: 1.5 }).map((i) => i.path)).toEqual(['chain_seq']);
    expect(issues({ ...pyEvent(), event_id: 'order-1' }).map((i) => i.path)).toEqual(['event_id']);
  });

  it('rejects an array where an event belongs', () => {
    expect(issues([pyEvent()])).toHaveLength(1);
  });
});

describe('DecisionSchema', () => {
  it('reads a MODIFY decision with its modified intent', () => {
    const d = {
      decision: 'MODIFY',
      intent_id: 'o',
      eval_ms: 0.1,
      kill_switch_triggered: false,
      evidence: [],
      modified_intent: { ...pyEvent().intent, qty: 25 },
      violations: [
        {
          rule_id: 'EXP-001',
          severity: 'HIGH',
          message: 'Position 0.2000 breaches limit 0.0500.',
          inputs: { max_position_pct: 0.05 },
          computed: { allowed_qty: 25, new_position_pct: 0.2, requested_qty: 100 },
        },
      ],
    };
    expect(v.safeParse(DecisionSchema, d).success).toBe(true);
    expect(v.safeParse(DecisionSchema, { ...d, decision: 'MAYBE' }).success).toBe(false);
    // A union on `decision`: only a MODIFY carries a modified intent, and a MODIFY must.
    expect(v.safeParse(DecisionSchema, { ...d, decision: 'ALLOW' }).success).toBe(false);
    expect(v.safeParse(DecisionSchema, { ...d, decision: 'DENY', modified_intent: null }).success).toBe(true);
    expect(v.safeParse(DecisionSchema, { ...d, modified_intent: null }).success).toBe(false);
    expect(v.safeParse(DecisionSchema, { ...d, violations: [{ ...d.violations[0], computed: { allowed_qty: true } }] }).success).toBe(false);
  });
});

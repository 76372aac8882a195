// Type-level tests (checked by `npm run typecheck`, which compiles this file) and their run-time
// counterpart: a Decision narrows on `decision`, so MODIFY carries an OrderIntent without `!`.
import { describe, expect, it } from 'vitest';
import type { OrderIntent } from '../model/schemas.js';
import type { Decision } from './types.js';

function sentQty(d: Decision): number | null {
  if (d.decision === 'MODIFY') {
    const intent: OrderIntent = d.modified_intent; // no `!` needed: narrowed
    return intent.qty;
  }
  // @ts-expect-error an ALLOW or DENY has no modified intent to read
  const qty: number = d.modified_intent.qty;
  return qty ?? null;
}

describe('Decision', () => {
  it('narrows on `decision`: MODIFY has its modified intent, ALLOW and DENY have null', () => {
    const base = { intent_id: 'o', violations: [], evidence: [], eval_ms: 0, kill_switch_triggered: false };
    const intent = {
      intent_id: 'o',
      timestamp: '2026-02-18T00:00:00Z',
      strategy_id: 's',
      account_id: 'a',
      instrument: { symbol: 'AAPL', asset_class: 'equity' as const },
      side: 'buy' as const,
      order_type: 'market' as const,
      qty: 25,
      limit_price: null,
    };
    expect(sentQty({ ...base, decision: 'MODIFY', modified_intent: intent })).toBe(25);
    expect(() => sentQty({ ...base, decision: 'DENY', modified_intent: null })).toThrow(TypeError);
    // @ts-expect-error a MODIFY must carry its modified intent
    const bad: Decision = { ...base, decision: 'MODIFY', modified_intent: null };
    expect(bad.decision).toBe('MODIFY');
  });
});

// The max-qty solver as a pure function: same inputs, same answer, nothing it reads is changed,
// and its answer is exactly where the exposure rules start to fire.
import { describe, expect, it } from 'vitest';
import type { ExecutionCounts } from '../engine/evaluate.js';
import { compilePolicy, type CompiledPolicy } from '../policy/compile.js';
import { parsePolicyYaml } from '../policy/load.js';
import { ExposureBook } from './exposure-book.js';
import { largestAllowed, solveMaxQty, type MaxQtyInput } from './max-qty.js';

const compiled = compilePolicy(
  parsePolicyYaml(`version: "0.1"
timezone: "UTC"
defaults: { mode: enforce, decision: deny }
limits:
  exposure: { max_position_pct: 0.05, max_gross_exposure_x: 1.0, max_net_exposure_x: 0.5 }
  loss: { daily_loss_limit_pct: 0.02, max_drawdown_pct: 0.05 }
  execution: { max_orders_per_minute_global: 10, max_orders_per_minute_by_strategy: 5 }
  kill_switch: { trip_on_rules: ["LOSS-002"], trip_after_n_violations: 3, violation_window_seconds: 300 }
`),
) as CompiledPolicy;

const calm: ExecutionCounts = { killSwitchActive: false, globalCount: 0, strategyCount: 0 };

function input(over: Partial<MaxQtyInput> = {}): MaxQtyInput {
  const book = new ExposureBook();
  book.setPrice('AAPL', 200);
  book.setPrice('MSFT', 400);
  book.setQty('MSFT', 100); // 40,000 gross
  return {
    symbol: 'AAPL',
    side: 'buy',
    lot: 1,
    price: 200,
    unpriced: false,
    compiled,
    exposure: book,
    equity: 100_000,
    dailyReturn: 0,
    drawdown: 0,
    counts: calm,
    timestamp: '2026-02-18T14:00:00Z',
    ...over,
  };
}

describe('solveMaxQty', () => {
  it('answers the largest lot multiple the binding exposure rule allows (EXP-001: 5% of 100,000 at 200 = 25)', () => {
    expect(solveMaxQty(input())).toEqual({ qty: 25, binding: 'EXP-001', limit: 0.05, lot: 1, blockedBy: [] });
  });

  it('allows an order that shrinks an over-limit position, up to its mirror image (|100 − q| ≤ 100)', () => {
    // MSFT: 100 × 400 = 40% of equity, far over the 5% cap; a sell does not increase |position| up to 200.
    expect(solveMaxQty(input({ side: 'sell', symbol: 'MSFT', price: 400 }))).toEqual({ qty: 200, binding: 'EXP-001', limit: 0.05, lot: 1, blockedBy: [] });
  });

  it('is pure: the same inputs give the same answer and the book reads the same afterwards', () => {
    const i = input();
    const book = i.exposure as ExposureBook;
    const before = [book.grossBefore(), book.netBefore(), book.qty('AAPL'), [...book.prices]];
    expect(solveMaxQty(i)).toEqual(solveMaxQty(i));
    expect([book.grossBefore(), book.netBefore(), book.qty('AAPL'), [...book.prices]]).toEqual(before);
  });

  it('lists the rules that deny any size now, and SYS-001 alone when a price is missing', () => {
    const blocked = solveMaxQty(input({ counts: { killSwitchActive: true, globalCount: 10, strategyCount: 5 }, strategyId: 'momentum_v1', drawdown: 0.06 }));
    expect(blocked.blockedBy).toEqual(['KILL-001', 'LOSS-002', 'EXEC-001', 'EXEC-002']);
    expect(blocked.qty).toBe(25); // size is still answered
    expect(solveMaxQty(input({ price: undefined }))).toEqual({ qty: 0, binding: null, limit: null, lot: 1, blockedBy: ['SYS-001'] });
    expect(solveMaxQty(input({ unpriced: true })).blockedBy).toEqual(['SYS-001']);
  });
});

describe('largestAllowed', () => {
  it('finds the boundary from a guess below, above or far off', () => {
    for (const guess of [0, 40, 41, 42, 1e6, Infinity, NaN]) expect(largestAllowed((k) => k > 41, guess)).toBe(41);
    expect(largestAllowed(() => false, 5)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

// The equity figures: updates computed before they are applied, the high-water mark, loss figures.
import { describe, expect, it } from 'vitest';
import type { Metrics } from '../engine/metrics.js';
import { Account } from './account.js';

const figures = { equity: 100_000, start_of_day_equity: 100_000, peak_equity: 110_000, realized_pnl_today: 0, unrealized_pnl: 0 };

describe('Account', () => {
  it('has no portfolio until set, and keeps only the equity figures of what it is given', () => {
    const a = new Account();
    expect(a.present).toBe(false);
    a.set({ ...figures, positions: { AAPL: 1 } } as typeof figures);
    expect(a.present).toBe(true);
    expect(a.record({})).toEqual({ ...figures, positions: {} });
  });

  it('computes an update without applying it; raising equity past the peak raises the peak unless one is given', () => {
    const a = new Account();
    a.set(figures);
    const next = a.updated({ equity: 120_000 });
    expect(next.peak_equity).toBe(120_000);
    expect(a.equity).toBe(100_000); // not applied yet
    expect(a.updated({ equity: 120_000, peak_equity: 115_000 }).peak_equity).toBe(115_000);
    expect(a.updated({ realized_pnl_today: -5 })).toEqual({ ...figures, realized_pnl_today: -5 });
  });

  it('derives daily return and drawdown (the metrics) when the figures change', () => {
    const a = new Account();
    a.set(figures);
    a.set(a.updated({ equity: 99_000 }));
    const m = { dailyReturn: NaN, drawdown: NaN } as Metrics;
    a.lossInto(m);
    expect(m.dailyReturn).toBe((99_000 - 100_000) / 100_000);
    expect(m.drawdown).toBe((110_000 - 99_000) / 110_000);
    expect([a.dailyReturn, a.drawdown]).toEqual([m.dailyReturn, m.drawdown]);
  });
});

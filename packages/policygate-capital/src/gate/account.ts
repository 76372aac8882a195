// The portfolio's equity figures as the gate keeps them, and the loss figures (docs: /docs/semantics/#metrics) derived
// from them (recomputed on change, not per check).
import type { Metrics } from '../engine/metrics.js';
import type { PortfolioState } from '../model/schemas.js';

/** The equity figures of a portfolio (wire names); positions live in the exposure book. */
export type EquityFigures = Omit<PortfolioState, 'positions'>;

/**
 * Equity, start-of-day and peak equity, P&L, and the daily return and drawdown they give. Values
 * come validated (finite, equities > 0); {@link Account.updated} computes the next figures without
 * changing anything, so a caller can refuse them whole. Until the first {@link Account.set} there
 * is no portfolio (`present` false). Internal to the gate.
 *
 * @example
 * ```ts
 * const a = new Account()
 * a.set({ equity: 1e5, start_of_day_equity: 1e5, peak_equity: 1e5, realized_pnl_today: 0, unrealized_pnl: 0 })
 * a.set(a.updated({ equity: 98_000 })) // drawdown 0.02
 * ```
 */
export class Account {
  private figures: EquityFigures = { equity: 0, start_of_day_equity: 0, peak_equity: 0, realized_pnl_today: 0, unrealized_pnl: 0 };
  private dailyReturnNow = 0;
  private drawdownNow = 0;
  private isSet = false;

  /** Whether a portfolio was set. */
  get present(): boolean {
    return this.isSet;
  }

  /** Current equity. */
  get equity(): number {
    return this.figures.equity;
  }

  /**
   * The figures after `update` (fields left out keep their value). Raising `equity` above the peak
   * raises the peak too (a high-water mark), unless `peak_equity` is given: a forgotten peak would
   * understate drawdown.
   */
  updated(update: Partial<EquityFigures>): EquityFigures {
    const f = this.figures;
    const equity = update.equity ?? f.equity;
    return {
      equity,
      start_of_day_equity: update.start_of_day_equity ?? f.start_of_day_equity,
      peak_equity: update.peak_equity ?? Math.max(equity, f.peak_equity),
      realized_pnl_today: update.realized_pnl_today ?? f.realized_pnl_today,
      unrealized_pnl: update.unrealized_pnl ?? f.unrealized_pnl,
    };
  }

  /** Replaces the figures (other fields of `figures`, such as positions, are ignored). */
  set(figures: EquityFigures): void {
    const { equity, start_of_day_equity, peak_equity, realized_pnl_today, unrealized_pnl } = figures;
    this.figures = { equity, start_of_day_equity, peak_equity, realized_pnl_today, unrealized_pnl };
    this.isSet = true;
    this.derive();
  }

  /** The daily return: (equity − start of day) / start of day. */
  get dailyReturn(): number {
    return this.dailyReturnNow;
  }

  /** The drawdown: (peak − equity) / peak. */
  get drawdown(): number {
    return this.drawdownNow;
  }

  /** Writes the loss figures (daily return, drawdown) into `m`. */
  lossInto(m: Metrics): void {
    m.dailyReturn = this.dailyReturnNow;
    m.drawdown = this.drawdownNow;
  }

  /** The figures with `positions`, as a wire record (a copy). */
  record(positions: Record<string, number>): PortfolioState {
    const f = this.figures;
    return {
      equity: f.equity,
      start_of_day_equity: f.start_of_day_equity,
      peak_equity: f.peak_equity,
      positions,
      realized_pnl_today: f.realized_pnl_today,
      unrealized_pnl: f.unrealized_pnl,
    };
  }

  private derive(): void {
    const f = this.figures;
    this.dailyReturnNow = (f.equity - f.start_of_day_equity) / f.start_of_day_equity;
    this.drawdownNow = (f.peak_equity - f.equity) / f.peak_equity;
  }
}

// The exposure view's figures: per symbol, the signed notional (long > 0, short < 0) before and
// after an order, and its share of gross and of net exposure — computed as the engine does
// (q × price × multiplier, held symbols plus the order's symbol).
import type { Decision, OrderIntent, PortfolioState, MarketSnapshot } from 'policygate-capital';

/** One symbol's row. */
export interface ExposureRow {
  symbol: string;
  before: number;
  after: number;
  /** |notional| / gross, before and after (0 when gross is 0). */
  grossShareBefore: number;
  grossShareAfter: number;
  /** notional / net (signed: a position against the book's direction is negative), 0 when net is 0. */
  netShareBefore: number;
  netShareAfter: number;
}

/** The exposure view of one decision. */
export interface ExposureView {
  rows: ExposureRow[];
  grossBefore: number;
  grossAfter: number;
  netBefore: number;
  netAfter: number;
  /** The qty the "after" figures assume: the qty sent (MODIFY: reduced), or the requested qty of a DENY "were it sent". */
  qtyAfter: number;
  /** True when the order was denied: "after" is what it would have been. */
  hypothetical: boolean;
}

/**
 * Computes the exposure view for an order and its decision. A symbol without a usable price counts
 * as 0 (the decision is SYS-001 then, and says so).
 *
 * @example
 * ```ts
 * const view = exposureView(inputs.intent, inputs.portfolio, inputs.market, decision, { ES: 50 })
 * view.rows.find((r) => r.symbol === 'AAPL')?.after
 * ```
 */
export function exposureView(intent: OrderIntent, portfolio: PortfolioState, market: MarketSnapshot, decision: Decision, multipliers: Readonly<Record<string, number>> = {}): ExposureView {
  const symbol = intent.instrument.symbol;
  const hypothetical = decision.decision === 'DENY';
  const qtyAfter = decision.decision === 'MODIFY' ? decision.modified_intent.qty : intent.qty;
  const symbols = [...new Set([...Object.keys(portfolio.positions ?? {}), symbol])].sort();
  const price = (s: string) => {
    const p = Object.hasOwn(market.prices, s) ? market.prices[s]! : 0;
    return Number.isFinite(p) && p > 0 ? p : 0;
  };
  const mult = (s: string) => (Object.hasOwn(multipliers, s) ? multipliers[s]! : 1);
  const held = (s: string) => (Object.hasOwn(portfolio.positions ?? {}, s) ? portfolio.positions[s]! : 0);
  const raw = symbols.map((s) => {
    const q = held(s);
    const q2 = s === symbol ? q + (intent.side === 'buy' ? qtyAfter : -qtyAfter) : q;
    return { symbol: s, before: q * price(s) * mult(s), after: q2 * price(s) * mult(s) };
  });
  const sum = (f: (r: (typeof raw)[number]) => number) => raw.reduce((n, r) => n + f(r), 0);
  const grossBefore = sum((r) => Math.abs(r.before));
  const grossAfter = sum((r) => Math.abs(r.after));
  const netBefore = sum((r) => r.before);
  const netAfter = sum((r) => r.after);
  const share = (v: number, total: number) => (total === 0 ? 0 : v / total);
  return {
    rows: raw.map((r) => ({
      ...r,
      grossShareBefore: share(Math.abs(r.before), grossBefore),
      grossShareAfter: share(Math.abs(r.after), grossAfter),
      netShareBefore: share(r.before, netBefore),
      netShareAfter: share(r.after, netAfter),
    })),
    grossBefore,
    grossAfter,
    netBefore,
    netAfter,
    qtyAfter,
    hypothetical,
  };
}

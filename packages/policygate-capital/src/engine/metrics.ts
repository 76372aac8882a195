// SPEC "Metrics": loss figures, the position after the trade, and gross/net exposure before and
// after, summed exactly so that the result does not depend on the key order of `positions`.
import { ExactSum } from '../util/fsum.js';

/** Everything the rules look at. */
export interface Metrics {
  dailyReturn: number;
  drawdown: number;
  price: number;
  currentQty: number;
  newQty: number;
  newPositionPct: number;
  grossBefore: number;
  grossAfter: number;
  netBefore: number;
  netAfter: number;
  grossExposureX: number;
  netExposureX: number;
}

// Reused accumulators: evaluation is synchronous and never re-entered.
const grossOthers = new ExactSum();
const netOthers = new ExactSum();
const scratch = new ExactSum();

/** Own-property read: a symbol such as `constructor` must not find Object.prototype's member. */
export function own(record: Record<string, number>, key: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/**
 * Computes the metrics. Prices of every non-zero position are known to be valid (SYS-001 ran
 * first). Throws on a non-finite position quantity; the caller turns that into SYS-002.
 */
export function computeMetrics(
  equity: number,
  startOfDayEquity: number,
  peakEquity: number,
  positions: Record<string, number>,
  prices: Record<string, number>,
  symbol: string,
  side: 'buy' | 'sell',
  qty: number,
): Metrics {
  const price = prices[symbol]!;
  const currentQty = own(positions, symbol) ?? 0;
  if (!Number.isFinite(currentQty)) throw new Error(`position quantity for '${symbol}' is not a finite number`);
  const newQty = side === 'buy' ? currentQty + qty : currentQty - qty;

  grossOthers.reset();
  netOthers.reset();
  for (const s of Object.keys(positions)) {
    if (s === symbol) continue;
    const q = positions[s]!;
    if (q === 0) continue;
    if (typeof q !== 'number' || !Number.isFinite(q)) throw new Error(`position quantity for '${s}' is not a finite number`);
    const value = q * prices[s]!;
    grossOthers.add(Math.abs(value));
    netOthers.add(value);
  }
  const before = currentQty * price;
  const after = newQty * price;
  const grossBefore = scratch.copyFrom(grossOthers).add(Math.abs(before)).value();
  const grossAfter = scratch.copyFrom(grossOthers).add(Math.abs(after)).value();
  const netBefore = Math.abs(scratch.copyFrom(netOthers).add(before).value());
  const netAfter = Math.abs(scratch.copyFrom(netOthers).add(after).value());

  return {
    dailyReturn: (equity - startOfDayEquity) / startOfDayEquity,
    drawdown: (peakEquity - equity) / peakEquity,
    price,
    currentQty,
    newQty,
    newPositionPct: Math.abs(newQty * price) / equity,
    grossBefore,
    grossAfter,
    netBefore,
    netAfter,
    grossExposureX: grossAfter / equity,
    netExposureX: netAfter / equity,
  };
}

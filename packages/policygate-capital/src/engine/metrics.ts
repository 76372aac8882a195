// SPEC "Metrics": loss figures, the position after the trade, and gross/net exposure before and
// after, summed exactly so that the result does not depend on the key order of `positions`.
import { ExactSum } from '../util/fsum.js';
import { isImmutableFlat } from '../util/frozen.js';

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

/** Own-property read: a symbol such as `constructor` must not find Object.prototype's member. */
export function own(record: Record<string, number>, key: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/**
 * True when a plain read `record[key]` can only find an own property or one of Object.prototype's
 * built-in members (functions and the `__proto__` accessor, never numbers): the prototype is null,
 * or Object.prototype without enumerable additions. Then `typeof record[key] === 'number'` proves
 * an own numeric member, and the hot loop needs no `hasOwnProperty` call per symbol.
 */
export function plainReads(record: object): boolean {
  const proto = Object.getPrototypeOf(record) as object | null;
  if (proto === null) return true;
  if (proto !== Object.prototype) return false;
  for (const _ in proto) return false; // polluted: someone added an enumerable member
  return true;
}

/** A price usable by the engine: a finite number > 0 (SPEC SYS-001). */
export const isValidPrice = (p: unknown): p is number => typeof p === 'number' && p > 0 && p < Infinity;

/** Exposure sums and data problems of a set of holdings. */
interface HoldingsSums {
  /** Σ|q·p| over the non-zero, priced holdings (exact). */
  gross: ExactSum;
  /** Σ q·p over the same holdings (exact). */
  net: ExactSum;
  /** Held symbols with a non-zero quantity and a missing or invalid price, in key order. */
  missing: string[] | undefined;
  /** Held symbols whose quantity is not a finite number. */
  bad: string[] | undefined;
}

/** Sums every holding except `exclude` into `into` (reset first). A zero holding needs no price. */
function sumHoldings(positions: Record<string, number>, prices: Record<string, number>, exclude: string | undefined, into: HoldingsSums): void {
  const { gross, net } = into;
  gross.reset();
  net.reset();
  into.missing = undefined;
  into.bad = undefined;
  const plain = plainReads(prices);
  for (const s of Object.keys(positions)) {
    if (s === exclude) continue;
    const q = positions[s]!;
    if (q === 0) continue;
    const p = plain ? prices[s] : own(prices, s);
    if (!isValidPrice(p)) {
      (into.missing ??= []).push(s);
      continue;
    }
    if (typeof q !== 'number' || q - q !== 0) {
      (into.bad ??= []).push(s);
      continue;
    }
    const value = q * p;
    // A zero product (an underflow such as 5e-324 × 0.001) adds nothing; skipping it keeps the sign
    // of a zero sum the same however the sums are formed (per call, or per snapshot minus a term).
    if (value === 0) continue;
    gross.add(value < 0 ? -value : value);
    net.add(value);
  }
}

/** The result of {@link scanHoldings} (module-level: evaluation is synchronous and never re-entered). */
export const holdings: HoldingsSums = { gross: new ExactSum(), net: new ExactSum(), missing: undefined, bad: undefined };

// Frozen snapshots: sums over *all* holdings, computed once per (positions, prices) pair. A frozen
// object cannot change, so the cache cannot go stale; a WeakMap lets it go with the snapshot.
const snapshots = new WeakMap<object, HoldingsSums & { prices: object }>();

const without = (list: string[] | undefined, symbol: string): string[] | undefined => {
  if (!list) return undefined;
  const rest = list.filter((s) => s !== symbol);
  return rest.length ? rest : undefined;
};

/**
 * The holdings other than the intent's symbol: SYS-001's unpriced symbols, quantities that are not
 * finite, and exact exposure sums, in `holdings`.
 *
 * One pass over the holdings per call — unless both `positions` and `prices` are frozen: then the
 * sums over all holdings are computed once per snapshot and the intent's own term is taken out
 * exactly (ExactSum is exact, so subtracting a term is exact), making a check O(1) in the number of
 * positions with a bit-identical result.
 */
export function scanHoldings(positions: Record<string, number>, prices: Record<string, number>, symbol: string): HoldingsSums {
  if (!Object.isFrozen(positions) || !Object.isFrozen(prices)) {
    sumHoldings(positions, prices, symbol, holdings);
    return holdings;
  }
  let all = snapshots.get(positions);
  if (!all || all.prices !== prices) {
    if (!isImmutableFlat(positions) || !isImmutableFlat(prices)) {
      // Frozen, but with getters or object values: read it afresh every time.
      sumHoldings(positions, prices, symbol, holdings);
      return holdings;
    }
    all = { gross: new ExactSum(), net: new ExactSum(), missing: undefined, bad: undefined, prices };
    sumHoldings(positions, prices, undefined, all);
    snapshots.set(positions, all);
  }
  holdings.gross.copyFrom(all.gross);
  holdings.net.copyFrom(all.net);
  holdings.missing = without(all.missing, symbol);
  holdings.bad = without(all.bad, symbol);
  // Take out the intent symbol's term if it was summed (held, non-zero, finite, priced).
  const q = own(positions, symbol);
  const p = own(prices, symbol);
  if (typeof q === 'number' && q !== 0 && q - q === 0 && isValidPrice(p)) {
    const value = q * p;
    if (value === 0) return holdings;
    holdings.gross.add(value < 0 ? value : -value);
    holdings.net.add(-value);
  }
  return holdings;
}

const scratch = new ExactSum();

/**
 * The metrics of SPEC step 2 from the exposure of the *other* holdings (exact sums that exclude
 * the intent's symbol). Shared by `evaluate` (which sums them per call) and the stateful gate
 * (which keeps them incrementally).
 */
export function metricsFromSums(
  equity: number,
  startOfDayEquity: number,
  peakEquity: number,
  grossOthers: ExactSum,
  netOthers: ExactSum,
  price: number,
  currentQty: number,
  side: 'buy' | 'sell',
  qty: number,
): Metrics {
  const newQty = side === 'buy' ? currentQty + qty : currentQty - qty;
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
    newPositionPct: Math.abs(after) / equity,
    grossBefore,
    grossAfter,
    netBefore,
    netAfter,
    grossExposureX: grossAfter / equity,
    netExposureX: netAfter / equity,
  };
}

/**
 * The current (signed) quantity of `symbol`: 0 when not held. Throws when the holding is there
 * but not a finite number (the caller turns that into SYS-002).
 */
export function currentQuantity(positions: Record<string, number>, symbol: string): number {
  if (!Object.prototype.hasOwnProperty.call(positions, symbol)) return 0;
  const q = positions[symbol];
  if (typeof q !== 'number' || q - q !== 0) throw new Error(`position quantity for '${symbol}' is not a finite number`);
  return q;
}

/**
 * Computes the metrics from the full state in one pass. Prices of every non-zero position must be
 * valid (SYS-001 ran first). Throws on a non-finite position quantity.
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
  const h = scanHoldings(positions, prices, symbol);
  if (h.missing) throw new Error(`missing or invalid price for symbol '${h.missing[0]}'`);
  if (h.bad) throw new Error(`position quantity for '${h.bad[0]}' is not a finite number`);
  const price = prices[symbol]!;
  return metricsFromSums(equity, startOfDayEquity, peakEquity, h.gross, h.net, price, currentQuantity(positions, symbol), side, qty);
}

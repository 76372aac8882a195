// Metrics (docs: /docs/semantics/#metrics): loss figures, the position after the trade, and
// gross/net exposure before and after, summed exactly so that the result does not depend on the key
// order of `positions`. Every value is `(q × p) × multiplier` (policy DSL v0.2 instruments; 1 otherwise).
//
// No module-level mutable state: the per-call sums and the last layout used live in a `Scratch` that
// its owner (a compiled policy, through a pool) hands to one call at a time, so a call made from
// inside another (a getter, a Proxy) gets its own scratch and both answers are right.
import type { PreparedInstrument } from '../policy/compile.js';
import { CompensatedSum, ExactSum, type Sum } from '../util/fsum.js';
import { isImmutableFlat } from '../util/frozen.js';
import { isBuiltRecord } from '../util/records.js';

/** Everything the rules look at. */
export interface Metrics {
  dailyReturn: number;
  drawdown: number;
  price: number;
  /** The instrument's contract multiplier (1 unless the policy lists one). */
  multiplier: number;
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

/** `prices[symbol]` as an own property (a plain read when the prototype cannot answer). */
const priceByKey = (prices: Record<string, number>, symbol: string): number | undefined => (plainReads(prices) ? prices[symbol] : own(prices, symbol));

/** A price usable by the engine: a finite number > 0 (SYS-001). */
export const isValidPrice = (p: unknown): p is number => typeof p === 'number' && p > 0 && p < Infinity;

/** Multipliers by symbol, or null when every multiplier is 1 (the v0.1 figures, no lookups). */
export type Multipliers = ReadonlyMap<string, PreparedInstrument> | null;

const multiplier = (m: Multipliers, s: string): number => (m === null ? 1 : (m.get(s)?.multiplier ?? 1));

/** Exposure sums and data problems of a set of holdings. */
export interface HoldingsSums<S extends Sum = Sum> {
  /** Σ|q·p| over the non-zero, priced holdings. */
  gross: S;
  /** Σ q·p over the same holdings. */
  net: S;
  /** Held symbols with a non-zero quantity and a missing or invalid price, in key order. */
  missing: string[] | undefined;
  /** Held symbols whose quantity is not a finite number. */
  bad: string[] | undefined;
}

interface Accumulator extends Sum {
  reset(): this;
  add(x: number): this;
}

/** Adds one holding to `into`, or notes why it cannot be summed. A zero holding needs no price. */
function addHolding(into: HoldingsSums<Accumulator>, s: string, q: unknown, p: unknown, m: Multipliers): void {
  if (q === 0) return;
  if (!isValidPrice(p)) {
    (into.missing ??= []).push(s);
    return;
  }
  if (typeof q !== 'number' || q - q !== 0) {
    (into.bad ??= []).push(s);
    return;
  }
  const value = m === null ? q * p : q * p * multiplier(m, s);
  // A zero product (an underflow such as 5e-324 × 0.001) adds nothing; skipping it keeps the sign
  // of a zero sum the same however the sums are formed (per call, or per snapshot minus a term).
  if (value === 0) return;
  into.gross.add(value < 0 ? -value : value);
  into.net.add(value);
}

function clear(into: HoldingsSums<Accumulator>): void {
  into.gross.reset();
  into.net.reset();
  into.missing = undefined;
  into.bad = undefined;
}

/** Sums every holding except `exclude` into `into` (reset first), reading by key. */
function sumHoldings(positions: Record<string, number>, prices: Record<string, number>, exclude: string | undefined, m: Multipliers, into: HoldingsSums<Accumulator>): void {
  clear(into);
  const plain = plainReads(prices);
  for (const s of Object.keys(positions)) {
    if (s !== exclude) addHolding(into, s, positions[s], plain ? prices[s] : own(prices, s), m);
  }
}

/**
 * The key lists of a `positions`/`prices` pair summed per call, and where each position's price
 * sits among the price keys. A trading system evaluates order after order against objects of
 * one shape (the same symbols in the same order; only values change): then both objects are read
 * with `for…in`, which V8 serves from the object's own layout, instead of 2 × 50 lookups by key —
 * the bulk of a 50-position evaluation. Only for records the SDK built (util/records.ts): on an
 * object in V8's dictionary mode `for…in` is slower than lookups by key. Every key `for…in` yields
 * is compared with the remembered one (identical strings compare by pointer), so a different
 * shape, an inherited enumerable key or a changed record falls back to reading by key; nothing is
 * trusted that was not read in this call.
 */
class Layout {
  /** For each position key, the index of its price key, or -1 when `prices` has none. */
  readonly priceIndex: Int32Array;
  // Working arrays of `sum`. Per layout, not per call: `sum` reads only records the SDK built (plain
  // data, no getter or Proxy can run code mid-loop), so no nested call can enter it while it runs.
  readonly #prices: Float64Array;
  readonly #terms: Float64Array;
  /** Each position key's multiplier under `multipliersOf` (built on first use with multipliers). */
  private multipliers: Float64Array | undefined;
  private multipliersOf: Multipliers = null;

  constructor(
    readonly positionKeys: readonly string[],
    readonly priceKeys: readonly string[],
  ) {
    const index = new Map<string, number>();
    priceKeys.forEach((k, j) => {
      index.set(k, j);
    });
    this.priceIndex = Int32Array.from(positionKeys, (k) => index.get(k) ?? -1);
    this.#prices = new Float64Array(priceKeys.length);
    this.#terms = new Float64Array(positionKeys.length);
  }

  private multipliersFor(m: Multipliers): Float64Array | undefined {
    if (m === null) return undefined;
    if (this.multipliersOf !== m || this.multipliers === undefined) {
      this.multipliers = Float64Array.from(this.positionKeys, (k) => multiplier(m, k));
      this.multipliersOf = m;
    }
    return this.multipliers;
  }

  /**
   * Reads the prices, then the positions, each in one `for…in` pass, and sums every holding except
   * `exclude` into `into`: the products first (with SYS-001's unpriced symbols and the non-finite
   * quantities, as `addHolding` finds them), then each sum in one tight loop. False, with nothing
   * summed, when the objects do not have this shape. A symbol without an enumerable price key (the
   * rare missing price) is still looked up by key, as the keyed path does.
   */
  sum(positions: Record<string, number>, prices: Record<string, number>, exclude: string, m: Multipliers, scratch: Scratch): boolean {
    const { priceKeys, priceIndex, positionKeys: keys } = this;
    const into = scratch.perCall;
    const values = this.#prices;
    const terms = this.#terms;
    const mults = this.multipliersFor(m);
    let j = 0;
    for (const s in prices) {
      if (s !== priceKeys[j]) return false;
      const p = prices[s];
      values[j++] = typeof p === 'number' ? p : NaN; // NaN: an invalid price, as SYS-001 sees it
    }
    if (j !== priceKeys.length) return false;
    clear(into);
    let i = 0;
    let k = 0;
    for (const s in positions) {
      if (s !== keys[i]) return false;
      const q = positions[s];
      if (typeof q !== 'number') return false; // the rare malformed holding: the keyed path reports it
      const at = priceIndex[i++]!;
      if (s === exclude || q === 0) continue;
      const p = at >= 0 ? values[at]! : asNumber(priceByKey(prices, s));
      if (!(p > 0 && p < Infinity)) (into.missing ??= []).push(s);
      else if (q - q !== 0) (into.bad ??= []).push(s);
      else {
        const value = mults === undefined ? q * p : q * p * mults[i - 1]!;
        if (value !== 0) terms[k++] = value; // a zero product adds nothing (see addHolding)
      }
    }
    if (i !== keys.length) return false;
    CompensatedSum.addAllTwice(into.gross, into.net, terms, k);
    return true;
  }
}

const asNumber = (x: unknown): number => (typeof x === 'number' ? x : NaN);

// The layout learned for each positions record (a service checking several accounts in turn keeps
// one per account). A cache keyed by the object it describes; the last layout used and the miss
// count are per scratch.
const layouts = new WeakMap<object, Layout>();
// Reading the price keys costs O(prices); past this many per position, reading by key is cheaper.
const MAX_PRICES_PER_POSITION = 4;

const newSums = <S extends Accumulator>(make: () => S): HoldingsSums<S> => ({ gross: make(), net: make(), missing: undefined, bad: undefined });

/**
 * The per-call working memory of an evaluation: the holdings sums, the last layout used and the
 * last market timestamp read. Owned by a compiled policy's pool (evaluate.ts): one call at a time.
 */
export class Scratch {
  readonly perCall = newSums(() => new CompensatedSum());
  readonly fromSnapshot = newSums(() => new ExactSum());
  readonly exact = newSums(() => new ExactSum());
  /** The layout that matched last, for a record of a shape seen before (one parsed anew per message). */
  last: Layout | undefined;
  /** Calls since a layout last matched: a caller whose shape keeps changing stops paying to learn them (after two, only every 16th). */
  misses = 0;
  /** The last market timestamp read for the price-age rule, and its value in µs. */
  marketText: unknown = undefined;
  marketUs = NaN;
  /** The last intent timestamp read by the clock rules, and its value in µs. */
  intentText: unknown = undefined;
  intentUs = NaN;
}

/** Per-call sums: compensated (certified, else recomputed exactly by `exactHoldings`). */
function sumPerCall(positions: Record<string, number>, prices: Record<string, number>, exclude: string, m: Multipliers, scratch: Scratch): HoldingsSums {
  const into = scratch.perCall;
  const readable = isBuiltRecord(positions) && isBuiltRecord(prices);
  if (readable) {
    const known = layouts.get(positions);
    const last = scratch.last;
    let layout: Layout | undefined;
    if (known?.sum(positions, prices, exclude, m, scratch)) layout = known;
    else if (last !== known && last?.sum(positions, prices, exclude, m, scratch)) layout = last;
    if (layout !== undefined) {
      scratch.last = layout;
      scratch.misses = 0;
      return into;
    }
  }
  sumHoldings(positions, prices, exclude, m, into);
  if (!readable) return into;
  const misses = ++scratch.misses;
  if (misses <= 2 || misses % 16 === 0) {
    const positionKeys = Object.keys(positions);
    const priceKeys = Object.keys(prices);
    if (priceKeys.length <= MAX_PRICES_PER_POSITION * positionKeys.length + 16) {
      scratch.last = new Layout(positionKeys, priceKeys);
      layouts.set(positions, scratch.last);
    }
  }
  return into;
}

// Frozen snapshots: sums over *all* holdings, computed once per (positions, prices, multipliers). A
// frozen object cannot change, so the cache cannot go stale; a WeakMap lets it go with the snapshot.
const snapshots = new WeakMap<object, HoldingsSums<ExactSum> & { prices: object; m: Multipliers }>();

const without = (list: string[] | undefined, symbol: string): string[] | undefined => {
  if (!list) return undefined;
  const rest = list.filter((s) => s !== symbol);
  return rest.length ? rest : undefined;
};

/**
 * The holdings other than the intent's symbol: SYS-001's unpriced symbols, quantities that are not
 * finite, and the exposure sums (in the scratch; valid until its next use).
 *
 * One pass over the holdings per call, with compensated sums whose `plus` certifies the correctly
 * rounded result (or returns NaN: then {@link exactHoldings} sums again, exactly) — unless both
 * `positions` and `prices` are frozen: then exact sums over all holdings are computed once per
 * snapshot and the intent's own term is taken out exactly (ExactSum is exact, so subtracting a term
 * is exact), making a check O(1) in the number of positions. Either way the rounded sums are the
 * same doubles, whatever the key order.
 */
export function scanHoldings(positions: Record<string, number>, prices: Record<string, number>, symbol: string, m: Multipliers, scratch: Scratch): HoldingsSums {
  if (!Object.isFrozen(positions) || !Object.isFrozen(prices)) return sumPerCall(positions, prices, symbol, m, scratch);
  let all = snapshots.get(positions);
  if (!all || all.prices !== prices || all.m !== m) {
    // Frozen, but with getters or object values: read it afresh every time.
    if (!isImmutableFlat(positions) || !isImmutableFlat(prices)) return sumPerCall(positions, prices, symbol, m, scratch);
    all = { ...newSums(() => new ExactSum()), prices, m };
    sumHoldings(positions, prices, undefined, m, all);
    snapshots.set(positions, all);
  }
  const h = scratch.fromSnapshot;
  h.gross.copyFrom(all.gross);
  h.net.copyFrom(all.net);
  h.missing = without(all.missing, symbol);
  h.bad = without(all.bad, symbol);
  // Take out the intent symbol's term if it was summed (held, non-zero, finite, priced).
  const q = own(positions, symbol);
  const p = own(prices, symbol);
  if (typeof q === 'number' && q !== 0 && q - q === 0 && isValidPrice(p)) {
    const value = m === null ? q * p : q * p * multiplier(m, symbol);
    if (value !== 0) {
      h.gross.add(value < 0 ? value : -value);
      h.net.add(-value);
    }
  }
  return h;
}

/** The sums of {@link scanHoldings}, always exact (Shewchuk): the fallback when a compensated sum cannot certify its result. */
export function exactHoldings(positions: Record<string, number>, prices: Record<string, number>, symbol: string, m: Multipliers, scratch: Scratch): HoldingsSums {
  sumHoldings(positions, prices, symbol, m, scratch.exact);
  return scratch.exact;
}

/**
 * The metrics (docs: /docs/semantics/#metrics) from the exposure of the *other* holdings (exact sums that exclude
 * the intent's symbol). Shared by `evaluate` (which sums them per call) and the stateful gate
 * (which keeps them incrementally).
 */
export function metricsFromSums(
  equity: number,
  startOfDayEquity: number,
  peakEquity: number,
  grossOthers: Sum,
  netOthers: Sum,
  price: number,
  currentQty: number,
  side: 'buy' | 'sell',
  qty: number,
  multiplier = 1,
): Metrics {
  const newQty = side === 'buy' ? currentQty + qty : currentQty - qty;
  // (q × p) × multiplier, in that order (× 1 is exact: the v0.1 figures).
  const before = currentQty * price * multiplier;
  const after = newQty * price * multiplier;
  const grossBefore = grossOthers.plus(Math.abs(before));
  const grossAfter = grossOthers.plus(Math.abs(after));
  const netBefore = Math.abs(netOthers.plus(before));
  const netAfter = Math.abs(netOthers.plus(after));
  return {
    dailyReturn: (equity - startOfDayEquity) / startOfDayEquity,
    drawdown: (peakEquity - equity) / peakEquity,
    price,
    multiplier,
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

/** A Metrics record to fill in (the gate keeps one per pipeline and computes into it). */
export const emptyMetrics = (dailyReturn = 0, drawdown = 0): Metrics => ({
  dailyReturn,
  drawdown,
  price: 0,
  multiplier: 1,
  currentQty: 0,
  newQty: 0,
  newPositionPct: 0,
  grossBefore: 0,
  grossAfter: 0,
  netBefore: 0,
  netAfter: 0,
  grossExposureX: 0,
  netExposureX: 0,
});

/** False when a sum in `m` is NaN: a compensated sum that could not certify its rounding (or an overflow). */
export const certified = (m: Metrics): boolean => m.grossBefore === m.grossBefore && m.grossAfter === m.grossAfter && m.netBefore === m.netBefore && m.netAfter === m.netAfter;

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

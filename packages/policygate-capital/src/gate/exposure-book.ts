// Positions, marks and the gross/net exposure sums, kept incrementally so that a check costs the
// same with 5 or 5,000 positions.
//
// Gross (Σ|q·p|) and net (Σq·p) are ExactSums: exact, so removing a term is adding its negation
// exactly, and the rounded sum is bit-identical to what the pure evaluator gets by summing the same
// products from scratch (docs /docs/semantics/#metrics: sums must not depend on the order of the terms). The book
// also counts held symbols without a valid price, so that SYS-001 is an O(1) test.
//
// Every position value is formed in this module, as `evaluate` forms it: `(q × p) × multiplier`
// (policy DSL v0.2 instruments; without multipliers, q × p).
import type { Metrics } from '../engine/metrics.js';
import type { PreparedInstrument } from '../policy/compile.js';
import { CompensatedSum, ExactSum } from '../util/fsum.js';
import { buildRecord } from '../util/records.js';

/** SYS-001: a usable price is a finite number > 0. */
export const isValidPrice = (p: unknown): p is number => typeof p === 'number' && p > 0 && p < Infinity;

/**
 * The gate's book. `positions` holds non-zero quantities only; `prices` holds every mark as given
 * (an invalid one — zero, negative, not a number — stays, and counts as missing). Internal.
 */
export class ExposureBook {
  /**
   * @param instruments the policy's instruments when some multiplier is not 1 (null: every value is q × p).
   */
  constructor(private readonly instruments: ReadonlyMap<string, PreparedInstrument> | null = null) {}

  private readonly positionMap = new Map<string, number>();
  private readonly priceMap = new Map<string, number>();
  /** Non-zero quantities by symbol; changed only through this class's methods. */
  readonly positions: ReadonlyMap<string, number> = this.positionMap;
  /** Every mark as given; changed only through this class's methods. */
  readonly prices: ReadonlyMap<string, number> = this.priceMap;
  // Frozen wire records of the positions and the marks, built on first use after a change (see
  // sharedPositions): dropped by every method that changes the map they copy.
  private positionsShared: Readonly<Record<string, number>> | undefined;
  private pricesShared: Readonly<Record<string, number>> | undefined;
  /** Held symbols whose price is missing or invalid. */
  readonly unpriced = new Set<string>();
  private readonly gross = new ExactSum();
  private readonly net = new ExactSum();
  private grossValue = 0;
  private netValue = 0;
  // What the exact sums hold beyond their rounded values, so that a check can swap one term with a
  // certified compensated sum (a few flops) instead of copying and re-rounding an ExactSum.
  // Computed on the first check after a change (a snapshot re-marking 5,000 symbols changes the
  // totals 5,000 times, and only the last split is used).
  private grossSplit: [number, number, boolean] | undefined;
  private netSplit: [number, number, boolean] | undefined;
  // An overflowing product (|q·p| = Infinity) poisons an exact sum for good: from then on the book
  // is rebuilt from scratch on the next read instead of being updated.
  private poisoned = false;
  private stale = false;
  // Per-call scratch of grossAfter/netAfter (owned here: no module-level state in the core).
  private readonly scratch = new ExactSum();
  private readonly fast = new CompensatedSum();

  /** The contract multiplier of `symbol` (1 unless the policy lists one). */
  multiplier(symbol: string): number {
    return this.instruments === null ? 1 : (this.instruments.get(symbol)?.multiplier ?? 1);
  }

  /** The value of `q` units of `symbol` at `p`: `(q × p) × multiplier`, in that order (docs: /docs/policy/). */
  private value(symbol: string, q: number, p: number): number {
    return this.instruments === null ? q * p : q * p * this.multiplier(symbol);
  }

  /** The signed quantity held (0 when flat). */
  qty(symbol: string): number {
    return this.positions.get(symbol) ?? 0;
  }

  /** Σ|q·p| over held symbols (valid while `unpriced` is empty). */
  grossBefore(): number {
    if (this.stale) this.rebuild();
    return this.grossValue;
  }

  /** Σq·p over held symbols, signed. */
  netBefore(): number {
    if (this.stale) this.rebuild();
    return this.netValue;
  }

  /** Gross after replacing one symbol's term `before` (= q·p now) with `after`. Exact, rounded once. */
  grossAfter(before: number, after: number): number {
    if (this.stale) this.rebuild();
    const [hi, lo, exact] = (this.grossSplit ??= this.gross.split());
    const certain = this.fast.seed(hi, lo, exact).add(-Math.abs(before)).plus(Math.abs(after));
    if (certain === certain) return certain;
    const scratch = this.scratch;
    scratch.copyFrom(this.gross);
    if (before !== 0) scratch.add(-Math.abs(before));
    return scratch.add(Math.abs(after)).value();
  }

  /** Net (signed) after replacing one symbol's term `before` with `after`. Exact, rounded once. */
  netAfter(before: number, after: number): number {
    if (this.stale) this.rebuild();
    const [hi, lo, exact] = (this.netSplit ??= this.net.split());
    const certain = this.fast.seed(hi, lo, exact).add(-before).plus(after);
    if (certain === certain) return certain;
    const scratch = this.scratch;
    scratch.copyFrom(this.net);
    if (before !== 0) scratch.add(-before);
    return scratch.add(after).value();
  }

  /**
   * The position and exposure figures (docs: /docs/semantics/#metrics) for an order of `qty` on `symbol` at `price`, written
   * into `m` (the loss figures are not touched): the formulas of `metricsFromSums`, but the "before"
   * sums are the book's totals as they stand and the "after" sums swap one term of the exact totals,
   * so this costs two exact additions instead of summing the other holdings. Bit-identical to
   * `evaluate` on the same state (the gate's property tests pin it).
   */
  exposureInto(m: Metrics, symbol: string, side: 'buy' | 'sell', qty: number, price: number, equity: number): Metrics {
    const current = this.qty(symbol);
    const newQty = side === 'buy' ? current + qty : current - qty;
    const multiplier = this.multiplier(symbol);
    const before = current * price * multiplier;
    const after = newQty * price * multiplier;
    m.price = price;
    m.multiplier = multiplier;
    m.currentQty = current;
    m.newQty = newQty;
    m.newPositionPct = Math.abs(after) / equity;
    m.grossBefore = this.grossBefore();
    m.grossAfter = this.grossAfter(before, after);
    m.netBefore = Math.abs(this.netBefore());
    m.netAfter = Math.abs(this.netAfter(before, after));
    m.grossExposureX = m.grossAfter / equity;
    m.netExposureX = m.netAfter / equity;
    return m;
  }

  /** Sets a symbol's quantity (0 removes the position). */
  setQty(symbol: string, qty: number): void {
    const old = this.positions.get(symbol) ?? 0;
    const p = this.prices.get(symbol);
    const priced = isValidPrice(p);
    this.positionsShared = undefined;
    if (qty === 0) this.positionMap.delete(symbol);
    else this.positionMap.set(symbol, qty);
    if (!priced) {
      if (qty === 0) this.unpriced.delete(symbol);
      else this.unpriced.add(symbol);
      return;
    }
    if (old !== 0) this.term(-1, this.value(symbol, old, p));
    if (qty !== 0) this.term(1, this.value(symbol, qty, p));
    this.refresh();
  }

  /** Sets a symbol's mark (any value; an invalid one makes a held symbol unpriced). */
  setPrice(symbol: string, price: number): void {
    const old = this.prices.get(symbol);
    this.pricesShared = undefined;
    this.priceMap.set(symbol, price);
    this.repriced(symbol, old, price);
  }

  /** Removes a symbol's mark. */
  deletePrice(symbol: string): void {
    const old = this.prices.get(symbol);
    if (!this.priceMap.delete(symbol)) return;
    this.pricesShared = undefined;
    this.repriced(symbol, old, undefined);
  }

  /**
   * Makes `prices` (a snapshot's price record) the book's marks: changed and new symbols are
   * re-marked, symbols absent from it lose their mark. O(symbols in the snapshot), plus
   * O(symbols marked before) when some disappeared.
   */
  replacePrices(prices: Record<string, number>): void {
    const before = this.prices.size;
    let kept = 0;
    for (const symbol of Object.keys(prices)) {
      const p = prices[symbol]!;
      if (this.prices.has(symbol)) {
        kept++;
        if (!Object.is(this.prices.get(symbol), p)) this.setPrice(symbol, p);
      } else {
        this.setPrice(symbol, p);
      }
    }
    if (kept < before) {
      for (const symbol of [...this.prices.keys()]) {
        if (!Object.prototype.hasOwnProperty.call(prices, symbol)) this.deletePrice(symbol);
      }
    }
  }

  /** Replaces every position (a validated record of finite quantities). */
  replacePositions(positions: Record<string, number>): void {
    this.positionsShared = undefined;
    this.positionMap.clear();
    for (const symbol of Object.keys(positions)) {
      const q = positions[symbol]!;
      if (q !== 0) this.positionMap.set(symbol, q);
    }
    this.rebuild();
  }

  /** The positions as a wire record (own data properties, so `__proto__` is a symbol like any other). */
  positionsRecord(): Record<string, number> {
    return buildRecord(this.positions);
  }

  /** The marks as a wire record. */
  pricesRecord(): Record<string, number> {
    return buildRecord(this.prices);
  }

  /**
   * The positions as a frozen wire record, the same object from one call to the next until they
   * change: what a check's audit record references. O(1) while they stay the same (most checks),
   * and an audit writer serializes a frozen record once (see CanonicalWriter).
   */
  sharedPositions(): Readonly<Record<string, number>> {
    this.positionsShared ??= Object.freeze(buildRecord(this.positions));
    return this.positionsShared;
  }

  /** The marks as a frozen wire record, shared as {@link ExposureBook.sharedPositions} is. */
  sharedPrices(): Readonly<Record<string, number>> {
    this.pricesShared ??= Object.freeze(buildRecord(this.prices));
    return this.pricesShared;
  }

  private repriced(symbol: string, old: number | undefined, price: number | undefined): void {
    const q = this.positions.get(symbol);
    if (q === undefined) return;
    const was = isValidPrice(old);
    const now = isValidPrice(price);
    if (now) this.unpriced.delete(symbol);
    else this.unpriced.add(symbol);
    if (was) this.term(-1, this.value(symbol, q, old));
    if (now) this.term(1, this.value(symbol, q, price));
    if (was || now) this.refresh();
  }

  private term(sign: 1 | -1, value: number): void {
    if (this.poisoned) {
      this.stale = true;
      return;
    }
    this.gross.add(sign * Math.abs(value));
    this.net.add(sign * value);
  }

  private refresh(): void {
    if (this.poisoned) return;
    this.rounded();
    if (!Number.isFinite(this.grossValue) || !Number.isFinite(this.netValue)) {
      this.poisoned = true;
      this.stale = true;
    }
  }

  private rounded(): void {
    this.grossValue = this.gross.value();
    this.netValue = this.net.value();
    this.grossSplit = this.netSplit = undefined;
  }

  /** Sums every held, priced position from scratch. O(positions); used on load and after overflow. */
  private rebuild(): void {
    this.gross.reset();
    this.net.reset();
    this.unpriced.clear();
    for (const [symbol, q] of this.positions) {
      const p = this.prices.get(symbol);
      if (!isValidPrice(p)) {
        this.unpriced.add(symbol);
        continue;
      }
      const value = this.value(symbol, q, p);
      this.gross.add(Math.abs(value));
      this.net.add(value);
    }
    this.rounded();
    this.poisoned = !Number.isFinite(this.grossValue) || !Number.isFinite(this.netValue);
    this.stale = false;
  }
}

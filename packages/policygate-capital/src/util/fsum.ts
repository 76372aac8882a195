// Exact, order-independent summation (Shewchuk's algorithm, as Python's math.fsum).
//
// Sums must not depend (docs: /docs/semantics/#metrics) on the key order of the caller's objects, because audit events store
// keys sorted and a replay must reproduce the live decision bit for bit. An exact sum, rounded once,
// is the same whatever the order, and costs far less than sorting the symbols on every call.

/** A sum that can say what it would be with one more term. */
export interface Sum {
  /** The correctly rounded sum of every term added plus `term` (the sum itself is unchanged). */
  plus(term: number): number;
}

/**
 * Accumulates doubles exactly; `value()` is the correctly rounded sum, independent of the order in
 * which terms were added. Not exported from the package: an engine detail.
 */
export class ExactSum implements Sum {
  private partials: number[] = [];
  private n = 0;

  /** Empties the accumulator for reuse. */
  reset(): this {
    this.n = 0;
    return this;
  }

  /** Copies another accumulator's state into this one. */
  copyFrom(other: ExactSum): this {
    const src = other.partials;
    const dst = this.partials;
    for (let i = 0; i < other.n; i++) dst[i] = src[i]!;
    this.n = other.n;
    return this;
  }

  /** Adds one finite term. */
  add(value: number): this {
    let x = value;
    const p = this.partials;
    let i = 0;
    for (let j = 0; j < this.n; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    p[i] = x;
    this.n = i + 1;
    return this;
  }

  plus(term: number): number {
    return plusScratch.copyFrom(this).add(term).value();
  }

  /**
   * The sum as `[hi, lo, exact]`: `hi` its rounded value, `lo` the rest rounded, and whether `lo`
   * is the rest exactly (what {@link CompensatedSum.seed} takes).
   */
  split(): [number, number, boolean] {
    const hi = this.value();
    const rest = plusScratch.copyFrom(this).add(-hi);
    const lo = rest.value();
    // The rest is exact when, after taking lo out as well, nothing is left.
    return [hi, lo, rest.add(-lo).value() === 0];
  }

  /** The correctly rounded sum of everything added (half-even across partials, as math.fsum). */
  value(): number {
    const p = this.partials;
    let n = this.n;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      const yr = hi - x;
      lo = y - yr;
      if (lo !== 0) break;
    }
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      const yr = x - hi;
      if (y === yr) hi = x;
    }
    return hi;
  }
}

const plusScratch = new ExactSum();

const TINY = 2 ** -900; // below this (or 0) a result is never certified: no subnormal subtleties

/**
 * A compensated sum that knows whether — and by how much — it may differ from the exact sum, for
 * the per-call scan of the holdings, where Shewchuk's loop costs more than reading the holdings.
 *
 * Each addition is split exactly (Knuth's TwoSum) into the rounded running sum `s` and its error
 * `e`, so the exact sum is E = s + Σe. The errors are summed in `c`, and each of those additions is
 * split exactly too: Σe = c + Σf, where the f are the (tiny) roundings of `c` itself, and `a` is
 * Σ|f| (rounded; 0 exactly when `c` never rounded). The final s + c is split once more into r + e2,
 * so E = r + e2 + Σf:
 * - `a` = 0: E = s + c exactly, and r = fl(s + c) is E correctly rounded (ties to even included —
 *   ties are common: sums of prices with few binary digits often land on one);
 * - otherwise E lies within r + e2 ± 2a, and when both ends of a slightly wider interval round to
 *   r, E does too (rounding is monotonic).
 * Either way r is the double `ExactSum` gives (correctly rounded, as math.fsum), whatever the order
 * of the terms. Otherwise `plus` returns NaN and the caller recomputes with `ExactSum`: only when E
 * is within ~2^-100 of a rounding boundary, or for zero, tiny or overflowing sums.
 */
export class CompensatedSum implements Sum {
  private s = 0;
  private c = 0;
  private a = 0;

  /** Empties the sum for reuse. */
  reset(): this {
    this.s = this.c = this.a = 0;
    return this;
  }

  /**
   * Starts from an exact sum held as `hi` (its rounded value) plus `lo` (the rest, rounded once),
   * as {@link ExactSum.split} gives them; `loExact` when `lo` is the rest exactly.
   */
  seed(hi: number, lo: number, loExact: boolean): this {
    this.s = hi;
    this.c = lo;
    this.a = loExact ? 0 : Math.abs(lo) * 2 ** -52; // a rounded rest is off by at most u·|lo|
    return this;
  }

  /** Adds one term. */
  add(x: number): this {
    const { s, c } = this;
    const t = s + x;
    const b = t - s;
    const e = s - (t - b) + (x - b);
    const cn = c + e;
    const bc = cn - c;
    this.a += Math.abs(c - (cn - bc) + (e - bc));
    this.c = cn;
    this.s = t;
    return this;
  }

  /**
   * Adds `terms[0..count)` to `signed` and their absolute values to `absolute`, two empty sums, in
   * one loop (the gross and net exposure of the holdings). Cheaper than `add` per term: instead of
   * splitting every addition to `c`, it proves them all exact at once. Each term is a multiple of
   * the ulp of the smallest one (q), and so is every running sum and every error; while Σ|e| stays
   * below half the smallest term (< 2^52·q), every partial sum of the errors is a multiple of q
   * below 2^53·q — a double — so `c` never rounded. That holds unless the terms span some 14 orders
   * of magnitude; otherwise `a` gets the classic bound of n roundings, n·2^-51·Σ|e|.
   */
  static addAllTwice(absolute: CompensatedSum, signed: CompensatedSum, terms: Float64Array, count: number): void {
    let { s: s1, c: c1 } = absolute;
    let { s: s2, c: c2 } = signed;
    const fresh = s1 === 0 && c1 === 0 && s2 === 0 && c2 === 0;
    let errors1 = 0;
    let errors2 = 0;
    let smallest = Infinity;
    for (let i = 0; i < count; i++) {
      const x2 = terms[i]!;
      const x1 = Math.abs(x2);
      if (x1 < smallest) smallest = x1;
      // Knuth's TwoSum on each running sum: exact, and no branch to mispredict.
      const t1 = s1 + x1;
      const t2 = s2 + x2;
      const b1 = t1 - s1;
      const b2 = t2 - s2;
      const e1 = s1 - (t1 - b1) + (x1 - b1);
      const e2 = s2 - (t2 - b2) + (x2 - b2);
      c1 += e1;
      c2 += e2;
      errors1 += Math.abs(e1);
      errors2 += Math.abs(e2);
      s1 = t1;
      s2 = t2;
    }
    // smallest < 2^53·q, so Σ|e| < smallest / 2 keeps every partial sum of the errors below it.
    const roundings = (errors: number) => (fresh && errors < smallest / 2 ? 0 : count * 2 ** -51 * errors);
    absolute.s = s1;
    absolute.c = c1;
    absolute.a += roundings(errors1);
    signed.s = s2;
    signed.c = c2;
    signed.a += roundings(errors2);
  }

  /** The correctly rounded sum with `term` added, or NaN when that cannot be certified. */
  plus(term: number): number {
    const { s: s0, c: c0 } = this;
    const s = s0 + term;
    const b = s - s0;
    const e = s0 - (s - b) + (term - b);
    const c = c0 + e;
    const bc = c - c0;
    const a = this.a + Math.abs(c0 - (c - bc) + (e - bc));
    const r = s + c;
    const ar = Math.abs(r);
    if (!(ar >= TINY && ar < Infinity)) return NaN;
    if (a === 0) return r; // c is exact: r = fl(s + c) = fl(E)
    const br = r - s;
    const e2 = s - (r - br) + (c - br);
    // E within e2 ± 2a of r (2a covers a's own roundings); the |e2| term covers rounding e2 ± w.
    const w = 2 * a + Math.abs(e2) * 2 ** -50;
    return r + (e2 - w) === r && r + (e2 + w) === r ? r : NaN;
  }
}

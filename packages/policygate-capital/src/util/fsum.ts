// Exact, order-independent summation (Shewchuk's algorithm, as Python's math.fsum).
//
// SPEC: sums must not depend on the key order of the caller's objects, because audit events store
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

const EPS_BOUND = 2 ** -51; // 4u, u = 2^-53: twice the rounding bound of the compensation (see below)
const TINY = 2 ** -900; // below this (or 0) a result is never certified: no subnormal subtleties

/**
 * A compensated sum (Neumaier) that knows how far it may be from the exact sum, for the per-call
 * scan of the holdings, where the exact Shewchuk loop costs more than reading the holdings.
 *
 * Each addition is split exactly (Fast2Sum) into the rounded running sum `s` and its error `e`, so
 * the exact sum is E = s + Σe. The errors are summed in `c` with at most n roundings, a known bound:
 * |c − Σe| ≤ γ(n)·Σ|e| ≤ B = (n+2)·2^-51·a, where `a` is the (rounded) Σ|e|. The final s + c is
 * split once more, exactly, into r + e2, so E lies in [r + e2 − B, r + e2 + B]. Rounding is
 * monotonic: when both ends of a slightly wider interval round to r, E rounds to r — the double
 * `ExactSum` gives (correctly rounded, as math.fsum), whatever the order of the terms. Otherwise
 * `plus` returns NaN and the caller recomputes with `ExactSum`: only when E is within ~2^-100 of a
 * rounding boundary, or for zero, tiny or overflowing sums.
 */
export class CompensatedSum implements Sum {
  private s = 0;
  private c = 0;
  private a = 0;
  private n = 0;

  /** Empties the sum for reuse. */
  reset(): this {
    this.s = this.c = this.a = this.n = 0;
    return this;
  }

  /**
   * Starts from an exact sum held as `hi` (its rounded value) plus `lo` (the rest, rounded): the
   * pair `ExactSum.value()` and `ExactSum.plus(-hi)` give. Counted as one rounding in the bound.
   */
  seed(hi: number, lo: number): this {
    this.s = hi;
    this.c = lo;
    this.a = Math.abs(lo);
    this.n = 1;
    return this;
  }

  /** Adds one term. */
  add(x: number): this {
    const s = this.s;
    const t = s + x;
    const e = Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    this.c += e;
    this.a += Math.abs(e);
    this.s = t;
    this.n++;
    return this;
  }

  /**
   * Adds `terms[0..count)` to `signed` and their absolute values to `absolute`, in one loop: the
   * two sums' dependency chains overlap, so this costs about half of two separate passes (the gross
   * and net exposure of the holdings).
   */
  static addAllTwice(absolute: CompensatedSum, signed: CompensatedSum, terms: Float64Array, count: number): void {
    let { s: s1, c: c1, a: a1 } = absolute;
    let { s: s2, c: c2, a: a2 } = signed;
    for (let i = 0; i < count; i++) {
      // Knuth's TwoSum (exact, and no branch to mispredict) on each sum.
      const x2 = terms[i]!;
      const x1 = Math.abs(x2);
      const t1 = s1 + x1;
      const t2 = s2 + x2;
      const b1 = t1 - s1;
      const b2 = t2 - s2;
      const e1 = s1 - (t1 - b1) + (x1 - b1);
      const e2 = s2 - (t2 - b2) + (x2 - b2);
      c1 += e1;
      c2 += e2;
      a1 += Math.abs(e1);
      a2 += Math.abs(e2);
      s1 = t1;
      s2 = t2;
    }
    absolute.s = s1;
    absolute.c = c1;
    absolute.a = a1;
    absolute.n += count;
    signed.s = s2;
    signed.c = c2;
    signed.a = a2;
    signed.n += count;
  }

  /** The correctly rounded sum with `term` added, or NaN when that cannot be certified. */
  plus(term: number): number {
    const s0 = this.s;
    const s = s0 + term;
    const e = Math.abs(s0) >= Math.abs(term) ? s0 - s + term : term - s + s0;
    const c = this.c + e;
    const r = s + c;
    const e2 = Math.abs(s) >= Math.abs(c) ? s - r + c : c - r + s;
    // w ≥ B plus the rounding of e2 ± w itself, so that r + (e2 ± w) bracket E.
    const w = 2 * (this.n + 2) * (this.a + Math.abs(e)) * EPS_BOUND + Math.abs(e2) * 2 ** -50;
    const ar = Math.abs(r);
    return ar >= TINY && ar < Infinity && r + (e2 - w) === r && r + (e2 + w) === r ? r : NaN;
  }
}

// Exact, order-independent summation (Shewchuk's algorithm, as Python's math.fsum).
//
// SPEC: sums must not depend on the key order of the caller's objects, because audit events store
// keys sorted and a replay must reproduce the live decision bit for bit. An exact sum, rounded once,
// is the same whatever the order, and costs far less than sorting the symbols on every call.

/**
 * Accumulates doubles exactly; `value()` is the correctly rounded sum, independent of the order in
 * which terms were added. Not exported from the package: an engine detail.
 */
export class ExactSum {
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

// Python-compatible rounding and fixed-point formatting.
//
// Python's round(x, n) and f"{x:.nf}" round the *exact binary value* of x to n decimals, ties to
// even (round(0.0078125, 6) == 0.007812). JavaScript's toFixed also works on the exact binary value
// but breaks ties away from zero, and Math.round(x * 10**n) / 10**n is wrong whenever the product
// is inexact. The fast path below is exact whenever x * 10**n is not within one ulp of a half
// (almost always); otherwise the slow path decides with exact arithmetic.

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];
const TIE_SCALE = POW10.map((_, n) => 2 ** (n + 1));
const FAST_LIMIT = 2 ** 51;

/**
 * The integer nearest to `x * 10**digits` under Python's rule (exact value, ties to even), or
 * `undefined` when it is not a safe integer. `digits` must be in [0, 12].
 */
function scaledInteger(x: number, digits: number): number | undefined {
  const y = x * POW10[digits]!;
  const ay = Math.abs(y);
  if (ay < FAST_LIMIT) {
    const floor = Math.floor(y);
    const frac = y - floor; // exact: y and floor are within a factor of two for |y| >= 1
    // y differs from the exact product by at most half an ulp (<= ay * 2^-53); away from .5 by
    // more than that, the rounding direction is certain.
    if (Math.abs(frac - 0.5) > ay * 4.5e-16) return frac < 0.5 ? floor : floor + 1;
    return exactScaledInteger(x, digits);
  }
  return undefined;
}

// Slow path, near a tie: x * 10**n is exactly k + 1/2 iff x * 2**(n+1) is an odd integer.
function exactScaledInteger(x: number, digits: number): number {
  const q = x * TIE_SCALE[digits]!; // exact: multiplication by a power of two
  if (Number.isInteger(q) && Math.abs(q % 2) === 1) {
    const twice = BigInt(q) * 5n ** BigInt(digits); // == 2 * x * 10**n, exactly
    const low = (twice - 1n) / 2n; // exact division: the floor of x * 10**n, either sign
    return Number(low % 2n === 0n ? low : low + 1n);
  }
  // Not a tie: toFixed rounds the exact binary value correctly.
  const s = Math.abs(x).toFixed(digits).replace('.', '');
  return x < 0 ? -Number(s) : Number(s);
}

/**
 * Python's `round(x, digits)` for floats: the exact binary value rounded half-even to `digits`
 * decimals, returned as the nearest double. Non-finite values are returned unchanged.
 *
 * @example
 * ```ts
 * pyRound(0.0078125, 6) // 0.007812 (JavaScript's toFixed gives 0.007813)
 * pyRound(2.675, 2)     // 2.67 (2.675 is really 2.67499999…)
 * ```
 */
export function pyRound(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const k = scaledInteger(x, digits);
  if (k === undefined) return slowRound(x, digits);
  // k and 10**n are exact, so IEEE division yields the double nearest to k / 10**n, which is what
  // Python's round returns (it parses the rounded decimal string). Keep the sign of zero.
  const r = k / POW10[digits]!;
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

function slowRound(x: number, digits: number): number {
  // |x| * 10**n >= 2**51: fewer than `digits` fractional decimals can be held; decide via the
  // exact decimal string.
  return Number(pyFixed(x, digits));
}

/**
 * Python's `f"{x:.{digits}f}"`: the exact binary value rounded half-even, with Python's spelling of
 * negative zero (`-0.0000`), `inf`, `-inf` and `nan`.
 *
 * @example
 * ```ts
 * pyFixed(0.03125, 4) // "0.0312"
 * pyFixed(-0.00001, 4) // "-0.0000"
 * ```
 */
export function pyFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const k = scaledInteger(x, digits);
  let body: string;
  if (k !== undefined) {
    body = String(Math.abs(k));
  } else if (Math.abs(x) < 1e21) {
    body = exactTieAware(Math.abs(x), digits);
  } else {
    // An integer: no fractional part to round.
    body = BigInt(Math.abs(x)).toString() + '0'.repeat(digits);
  }
  if (digits === 0) return sign + body;
  body = body.padStart(digits + 1, '0');
  return `${sign}${body.slice(0, -digits)}.${body.slice(-digits)}`;
}

// For large |x| (x * 10**n >= 2**51): digits of the rounded value, without the decimal point.
function exactTieAware(ax: number, digits: number): string {
  const q = ax * TIE_SCALE[digits]!;
  if (Number.isInteger(q) && q % 2 === 1) {
    const twice = BigInt(q) * 5n ** BigInt(digits);
    const low = (twice - 1n) / 2n;
    return (low % 2n === 0n ? low : low + 1n).toString();
  }
  return ax.toFixed(digits).replace('.', '');
}

/**
 * A wall time in milliseconds rounded to 3 decimals (`eval_ms`). Not {@link pyRound}: a measured
 * duration differs on every run, so which of two neighbours a tie or an inexact product lands on
 * carries no meaning, and this is a few flops where `pyRound` cost about a tenth of a gate check.
 * Non-negative inputs only (a duration).
 *
 * @example
 * ```ts
 * roundMs(0.0123456) // 0.012
 * ```
 */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

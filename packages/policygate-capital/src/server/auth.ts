// Bearer-token check in constant time: every byte of the expected token is compared, with no
// early exit, whatever the token given (its length only enters through an XOR), so the time taken
// does not tell how much of a guess was right. Synchronous on purpose: Web Crypto's digest is
// async and cost more than the rest of a decision in Node (a thread-pool round trip per request).
// The strings' UTF-16 code units are compared (equal strings, equal units), with no encoding per
// request.

/**
 * Checks `Authorization: Bearer <token>` headers against one expected token.
 *
 * @example
 * ```ts
 * const auth = new BearerAuth(process.env.POLICYGATE_TOKEN!)
 * if (!auth.accepts(request.headers.get('authorization'))) return unauthorized()
 * ```
 */
export class BearerAuth {
  private readonly expected: string;

  /** An authenticator for `token` (which must not be empty). */
  constructor(token: string) {
    if (typeof token !== 'string' || token.length === 0) throw new TypeError('the token must be a non-empty string');
    this.expected = token;
  }

  /** Whether the header carries the token. Missing, malformed and wrong headers are all just false. */
  accepts(header: string | null): boolean {
    const match = header === null ? null : /^Bearer +(\S+) *$/i.exec(header);
    const given = match ? match[1]! : '';
    const expected = this.expected;
    let diff = (given.length ^ expected.length) | (match ? 0 : 1);
    // Past the end of `given`, charCodeAt is NaN, which `^` takes as 0 (the lengths already differ).
    for (let i = 0; i < expected.length; i++) diff |= given.charCodeAt(i) ^ expected.charCodeAt(i);
    return diff === 0;
  }
}

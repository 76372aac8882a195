// Bearer-token check in constant time: every byte of the expected token is compared, with no
// early exit, whatever the token given (its length only enters through an XOR), so the time taken
// does not tell how much of a guess was right. Synchronous on purpose: Web Crypto's digest is
// async and cost more than the rest of a decision in Node (a thread-pool round trip per request).

const encoder = new TextEncoder();

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
  private readonly expected: Uint8Array;

  /** An authenticator for `token` (which must not be empty). */
  constructor(token: string) {
    if (typeof token !== 'string' || token.length === 0) throw new TypeError('the token must be a non-empty string');
    this.expected = encoder.encode(token);
  }

  /** Whether the header carries the token. Missing, malformed and wrong headers are all just false. */
  accepts(header: string | null): boolean {
    const match = header === null ? null : /^Bearer +(\S+) *$/i.exec(header);
    const given = encoder.encode(match ? match[1]! : '');
    const expected = this.expected;
    let diff = (given.length ^ expected.length) | (match ? 0 : 1);
    for (let i = 0; i < expected.length; i++) diff |= (given[i] ?? 0) ^ expected[i]!;
    return diff === 0;
  }
}

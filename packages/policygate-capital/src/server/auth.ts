// Bearer-token check in constant time: both tokens are hashed (SHA-256, Web Crypto) and the
// digests compared byte by byte without an early exit, so neither the position of the first wrong
// byte nor the expected token's length shows in the time taken.

const encoder = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/**
 * Checks `Authorization: Bearer <token>` headers against one expected token.
 *
 * @example
 * ```ts
 * const auth = await BearerAuth.create(process.env.POLICYGATE_TOKEN!)
 * if (!(await auth.accepts(request.headers.get('authorization')))) return unauthorized()
 * ```
 */
export class BearerAuth {
  private constructor(private readonly expected: Uint8Array) {}

  /** An authenticator for `token` (which must not be empty). */
  static async create(token: string): Promise<BearerAuth> {
    if (typeof token !== 'string' || token.length === 0) throw new TypeError('the token must be a non-empty string');
    return new BearerAuth(await digest(token));
  }

  /** Whether the header carries the token. Missing, malformed and wrong headers are all just false. */
  async accepts(header: string | null): Promise<boolean> {
    const match = header === null ? null : /^Bearer +(\S+) *$/i.exec(header);
    const given = await digest(match ? match[1]! : '');
    let diff = match ? 0 : 1;
    for (let i = 0; i < given.length; i++) diff |= given[i]! ^ this.expected[i]!;
    return diff === 0;
  }
}

const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Lowercase hex SHA-256 of a string's UTF-8 bytes (or of raw bytes), via Web Crypto
 * (`crypto.subtle`), available in browsers, Node 20+, Deno and Bun.
 *
 * @example
 * ```ts
 * await sha256Hex('abc') // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let out = '';
  for (const b of digest) out += HEX[b];
  return out;
}

/**
 * The policy hash (docs: /docs/policy/): lowercase hex SHA-256 of the exact UTF-8 bytes of the policy text,
 * identical to the Python package's hash of the same file.
 *
 * @example
 * ```ts
 * const hash = await policyHash(await Bun.file('policy.yaml').text())
 * ```
 */
export function policyHash(text: string): Promise<string> {
  return sha256Hex(text);
}

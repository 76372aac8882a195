// Shareable state: the whole workspace, as JSON, deflate-raw compressed (CompressionStream, built
// into browsers, Node 20+, Deno and Bun: no dependency) and base64url encoded into the URL fragment.
// The fragment never reaches a server, so a shared policy stays between the people who share it.
import { asWorkspace, type Workspace } from './workspace';

/**
 * The fragment key: `#w=<base64url>`. A version digit leaves room for another encoding later.
 *
 * @example
 * ```ts
 * new URLSearchParams(location.hash.slice(1)).get(SHARE_PARAM)
 * ```
 */
export const SHARE_PARAM = 'w';
const VERSION = '1';

/**
 * Decompressed workspaces larger than this are refused (a link should not be a zip bomb).
 *
 * @example
 * ```ts
 * if (text.length > MAX_SHARED_BYTES) showWarning('too large to share')
 * ```
 */
export const MAX_SHARED_BYTES = 1_000_000;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('the link is not base64url (was it cut or edited?)');
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function pipe(bytes: Uint8Array, transform: CompressionStream | DecompressionStream, limit: number, what: string): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`the shared ${what} is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Encodes any JSON value for a URL fragment: `1` + base64url(deflate-raw(JSON)). The workspace and
 * the simulator's scenario links are both made this way.
 *
 * @example
 * ```ts
 * const encoded = await encodeShared({ a: 1 }) // '1q1ZKVLIyrAUA'
 * ```
 */
export async function encodeShared(value: unknown): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(value));
  return VERSION + toBase64Url(await pipe(json, new CompressionStream('deflate-raw'), Number.POSITIVE_INFINITY, 'value'));
}

/**
 * Decodes what {@link encodeShared} made, to the JSON value (not yet checked: pass it to the
 * checker of what it should be). `what` names it in the errors ("workspace", "scenario").
 *
 * @throws {Error} saying what is wrong: unknown version, not base64url, not deflate data, larger
 * than {@link MAX_SHARED_BYTES} decompressed, or not JSON.
 * @example
 * ```ts
 * const value = await decodeShared(encoded, 'workspace')
 * ```
 */
export async function decodeShared(encoded: string, what: string): Promise<unknown> {
  if (encoded[0] !== VERSION) throw new Error(`unknown link format '${encoded.slice(0, 1)}' (expected version ${VERSION})`);
  const compressed = fromBase64Url(encoded.slice(1));
  let bytes: Uint8Array;
  try {
    bytes = await pipe(compressed, new DecompressionStream('deflate-raw'), MAX_SHARED_BYTES, what);
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.startsWith('the shared ') ? message : `the link's data is damaged (${message})`);
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new Error(`the link's data is not a ${what} (${(e as Error).message})`);
  }
}

/**
 * Encodes a workspace for a URL fragment (see {@link encodeShared}).
 *
 * @example
 * ```ts
 * location.hash = `${SHARE_PARAM}=${await encodeWorkspace(ws)}`
 * ```
 */
export async function encodeWorkspace(ws: Workspace): Promise<string> {
  return encodeShared(asWorkspace(ws));
}

/**
 * Decodes what {@link encodeWorkspace} made.
 *
 * @throws {Error} saying what is wrong: unknown version, not base64url, not deflate data, too large,
 * not JSON, or not a workspace (naming the field).
 * @example
 * ```ts
 * const ws = await decodeWorkspace(new URLSearchParams(location.hash.slice(1)).get(SHARE_PARAM)!)
 * ```
 */
export async function decodeWorkspace(encoded: string): Promise<Workspace> {
  return asWorkspace(await decodeShared(encoded, 'workspace'));
}

/**
 * The encoded workspace in a URL fragment (`#w=…`), or undefined when there is none.
 *
 * @example
 * ```ts
 * const encoded = sharedFromHash(location.hash)
 * ```
 */
export function sharedFromHash(hash: string): string | undefined {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  return params.get(SHARE_PARAM) ?? undefined;
}

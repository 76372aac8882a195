// A scenario in a link, like the workspace (../share.ts): JSON, deflate-raw compressed
// (CompressionStream), base64url, in the URL fragment `#sim=…` (never sent to a server).
// `#scenario=ID` opens a preset.
import { asScenario, type SimScenario } from './scenario';

/** The fragment key of a shared scenario: `#sim=<version><base64url>`. */
export const SIM_PARAM = 'sim';
/** The fragment key of a scenario preset: `#scenario=drawdown-crash`. */
export const SCENARIO_PARAM = 'scenario';
const VERSION = '1';
/** Decompressed scenarios larger than this are refused. */
const MAX_BYTES = 1_000_000;

async function transform(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_BYTES) {
      await reader.cancel();
      throw new Error(`the shared scenario is larger than ${MAX_BYTES} bytes`);
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
 * Encodes a scenario for a URL fragment.
 *
 * @example
 * ```ts
 * location.hash = `${SIM_PARAM}=${await encodeScenario(scenario)}`
 * ```
 */
export async function encodeScenario(scenario: SimScenario): Promise<string> {
  const bytes = await transform(new TextEncoder().encode(JSON.stringify(asScenario(scenario))), new CompressionStream('deflate-raw'));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return VERSION + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes what {@link encodeScenario} made.
 *
 * @throws {Error} saying what is wrong (version, encoding, damaged data, not a scenario and which field).
 * @example
 * ```ts
 * const scenario = await decodeScenario(new URLSearchParams(location.hash.slice(1)).get(SIM_PARAM)!)
 * ```
 */
export async function decodeScenario(encoded: string): Promise<SimScenario> {
  if (encoded[0] !== VERSION) throw new Error(`unknown link format '${encoded.slice(0, 1)}' (expected version ${VERSION})`);
  const text = encoded.slice(1);
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('the link is not base64url (was it cut or edited?)');
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  let raw: Uint8Array;
  try {
    raw = await transform(bytes, new DecompressionStream('deflate-raw'));
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.startsWith('the shared scenario') ? message : `the link's data is damaged (${message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (e) {
    throw new Error(`the link's data is not a scenario (${(e as Error).message})`);
  }
  return asScenario(value);
}

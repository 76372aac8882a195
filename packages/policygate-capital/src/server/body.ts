// Reading a request body: the content type, the size limit (refused before reading when the length
// is declared, and as soon as the limit is passed when it is not) and strict JSON with line and
// column; schema errors with the field's path, line and column.
import * as v from 'valibot';
import { locateJsonIssues, parseJsonText, ValidationError } from '../index.js';
// The core's wording of valibot issues (paths such as prices["BTC-USD"], 'missing required field'), as the CLI reports them.
import { toIssues } from '../model/issues.js';
import { HttpError, type ServiceRequest } from './http.js';

/** Default body limit: 64 KiB, as the Python service. */
export const MAX_BODY_BYTES = 64 * 1024;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

// application/json, optionally with charset=utf-8 (any case); nothing else is JSON we accept.
function isJson(contentType: string | null): boolean {
  if (contentType === null) return false;
  if (contentType === 'application/json' || contentType === 'application/json; charset=utf-8') return true; // what clients send
  const [type, ...params] = contentType.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => p === '' || p === 'charset=utf-8' || p === 'charset="utf-8"');
}

/**
 * Reads a request body of at most `limit` bytes: resolves with the bytes, or with null as soon as
 * more than `limit` have arrived (reading stops there and the rest is left unread).
 */
export type BodyReader = (limit: number) => Promise<Uint8Array | null>;

const tooLarge = (limit: number) => new HttpError(413, 'ERR_BODY_TOO_LARGE', `The request body is larger than ${limit} bytes.`, { headers: { connection: 'close' } });

/**
 * Reads the body of `request` as UTF-8 text of at most `limit` bytes. An empty body is `''`.
 * `source`, when given, is read instead of `request.body`: an adapter's cheaper way to the same
 * bytes (Node's listener: the `IncomingMessage`'s data events, no web stream per request).
 *
 * @throws {HttpError} 415 unless the content type is `application/json` (a body is present);
 *   413 when `content-length` says more than `limit` (nothing is read) or the stream passes it
 *   (reading stops there); 400 for bytes that are not UTF-8.
 */
export async function readBodyText(request: Pick<ServiceRequest, 'headers' | 'body'>, limit: number, source?: BodyReader): Promise<string> {
  const length = request.headers.get('content-length');
  const declared = length === null ? null : Number(length);
  if (declared === 0 || (source === undefined && request.body === null && declared === null)) return '';
  if (!isJson(request.headers.get('content-type'))) {
    throw new HttpError(415, 'ERR_CONTENT_TYPE', 'Send the body as JSON with Content-Type: application/json.', { headers: { accept: 'application/json' } });
  }
  if (declared !== null && !(declared <= limit)) throw tooLarge(limit);
  if (source !== undefined) {
    const bytes = await source(limit);
    if (bytes === null) throw tooLarge(limit);
    return decode(bytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body === null) return '';
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return decode(chunks.length === 1 ? chunks[0]! : concat(chunks, size));
}

function decode(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new HttpError(400, 'ERR_ENCODING', 'The request body is not valid UTF-8.');
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * `parseJsonText`'s answer, faster on the common body (3–6 µs instead of 7–13 µs for the serve
 * bench's order). The strict scanner accepts what `JSON.parse` accepts (RFC 8259) except a key
 * given twice in one object and nesting deeper than 512 levels, but walks the text in JavaScript.
 * So: `JSON.parse` first; for a text without backslashes (every string then ends at the next
 * quote), count the keys written in the text (strings followed by `:`) and the properties of the
 * parsed objects. Equal counts mean no key was given twice, and a depth within FAST_DEPTH is
 * within the scanner's limit: the value is the scanner's. Anything else (a syntax error, an
 * escape, a duplicate, deep nesting) goes to `parseJsonText`, which gives the error and its
 * position, or the value. Pinned against `parseJsonText` in body.test.ts.
 */
function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parseJsonText(text);
  }
  if (text.indexOf('\\') >= 0) return parseJsonText(text);
  const written = keysWritten(text);
  const parsed = keysParsed(value, 1);
  return written === parsed ? value : parseJsonText(text);
}

/** Deeper values take the scanner's path (its limit, 512, is far above any request body's). */
const FAST_DEPTH = 32;

const isJsonSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

// Strings followed by ':' in a text JSON.parse accepted that holds no backslash.
function keysWritten(text: string): number {
  let keys = 0;
  for (let open = text.indexOf('"'); open >= 0; ) {
    let after = text.indexOf('"', open + 1) + 1;
    while (isJsonSpace(text.charCodeAt(after))) after++;
    if (text.charCodeAt(after) === 0x3a) keys++;
    open = text.indexOf('"', after);
  }
  return keys;
}

// Own properties of every object in a parsed value; -1 past FAST_DEPTH.
function keysParsed(value: unknown, depth: number): number {
  if (value === null || typeof value !== 'object') return 0;
  if (depth > FAST_DEPTH) return -1;
  let keys = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      const k = keysParsed(item, depth + 1);
      if (k < 0) return -1;
      keys += k;
    }
    return keys;
  }
  for (const key in value) {
    const k = keysParsed((value as Record<string, unknown>)[key], depth + 1);
    if (k < 0) return -1;
    keys += k + 1;
  }
  return keys;
}

/**
 * Parses strict JSON (duplicate keys refused) and validates it with `schema`.
 *
 * @throws {HttpError} 400 `ERR_JSON` with the line and column of the first syntax error; 422
 *   `ERR_VALIDATION` with every field's path, line and column.
 */
export function parseBody<T>(text: string, schema: v.GenericSchema<unknown, T>): T {
  let value: unknown;
  try {
    value = parseStrictJson(text);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const i = e.issues[0]!;
    throw new HttpError(400, 'ERR_JSON', `The body is not valid JSON: ${i.message} (line ${i.line}, column ${i.column}).`, { issues: e.issues });
  }
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issues = locateJsonIssues(text, toIssues(result.issues));
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  const where = issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ');
  throw new HttpError(422, 'ERR_VALIDATION', `The body does not match the schema: ${where}`, { issues });
}

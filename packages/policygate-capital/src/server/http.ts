// Responses of the HTTP service: JSON bodies, and one error shape for every refusal
// (`{"error": {"code", "message", "issues"?}}`) so a client handles them all the same way.
import type { Issue } from '../index.js';

/** A request the service refuses: the HTTP status, a stable code and a message a person can act on. */
export class HttpError extends Error {
  /** The HTTP status (400, 401, 404, 405, 413, 415, 422, 503, …). */
  readonly status: number;
  /** Stable machine-readable code, e.g. `ERR_JSON`. */
  readonly code: string;
  /** Field problems (422) or the JSON syntax error (400), with line and column where known. */
  readonly issues: readonly Issue[] | undefined;
  /** Extra response headers (`Allow` for 405, `Connection: close` for 413). */
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, options: { issues?: readonly Issue[]; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }
}

/**
 * What the service reads of a request. A Web `Request` is one (Deno, Bun, any fetch-style
 * server); Node's listener passes a plain object over the `IncomingMessage` instead.
 */
export interface ServiceRequest {
  /** `GET`, `POST`, … */
  readonly method: string;
  /** The absolute URL, or the path and query as on an HTTP/1.1 request line (`/v1/check?x=1`). */
  readonly url: string;
  /** The request headers; names are looked up in lowercase. */
  readonly headers: { get(name: string): string | null };
  /** The body as a web stream; null when there is none (or when the adapter hands the bytes over another way, see `ServiceContext`). */
  readonly body: ReadableStream<Uint8Array> | null;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A response as plain data: what the routes produce. `GateService.fetch` turns it into a Web
 * `Response`; Node's listener (src/node/serve/) writes it with `res.writeHead` and `res.end`, so a
 * request served there builds no `Request`, `Headers` or `Response` object.
 */
export interface Reply {
  /** The HTTP status. */
  status: number;
  /** Response headers, lowercase names. */
  headers: Record<string, string>;
  /** The body's text (JSON or Prometheus text). */
  body: string;
}

/** A JSON reply (the value serialized with `JSON.stringify`). */
export function json(value: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', ...headers }, body: JSON.stringify(value) };
}

/** A 200 JSON reply whose text is already written. */
export function jsonText(body: string): Reply {
  return { status: 200, headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store' }, body };
}

/** The reply of a refusal. */
export function errorResponse(e: HttpError): Reply {
  const error: Record<string, unknown> = { code: e.code, message: e.message };
  if (e.issues !== undefined) error.issues = e.issues;
  return json({ error }, e.status, e.headers);
}

/** The Web `Response` of a reply. */
export function toResponse(reply: Reply): Response {
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

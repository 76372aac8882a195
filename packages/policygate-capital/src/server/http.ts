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

const JSON_TYPE = 'application/json; charset=utf-8';

/** A JSON response (the value serialized with `JSON.stringify`). */
export function json(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', ...headers } });
}

/** The response of a refusal. */
export function errorResponse(e: HttpError): Response {
  const error: Record<string, unknown> = { code: e.code, message: e.message };
  if (e.issues !== undefined) error.issues = e.issues;
  return json({ error }, e.status, e.headers);
}

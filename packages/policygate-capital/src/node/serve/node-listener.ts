// The GateService on node:http without Web objects. @hono/node-server (the adapter used before)
// builds a lazy `Request`, but the service reads its headers and URL on every request, which made
// undici's Headers, a URL and a web `Response` per request; the body came through an async
// iterator. Here the service reads the IncomingMessage's headers object directly, the body from
// its data events, and its reply is written with one writeHead + end (one write() on the socket).
// Deno and Bun keep serving `service.fetch`; this listener calls `service.handle`, which `fetch`
// wraps, so both run the same routes.
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { BodyReader, GateService, ServiceRequest } from '../../server/index.js';

/** `request.headers` of the service over Node's parsed headers (lowercase names already). */
class NodeHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name];
    if (value === undefined) return null;
    return typeof value === 'string' ? value : value.join(', ');
  }
}

/** Reads the body from the message's data events; stops (pauses, leaves the rest unread) past `limit`. */
function bodyReader(message: IncomingMessage): BodyReader {
  return (limit) =>
    new Promise<Uint8Array | null>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        message.off('data', onData);
        message.off('end', onEnd);
        message.off('error', onError);
        message.off('close', onClose);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          done();
          message.pause();
          resolve(null);
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = () => {
        done();
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      };
      const onError = (e: Error) => {
        done();
        reject(e);
      };
      // The client went away before the whole body came.
      const onClose = () => {
        done();
        if (!message.complete) reject(new Error('the request was aborted before its body was read'));
      };
      message.on('data', onData);
      message.on('end', onEnd);
      message.on('error', onError);
      message.on('close', onClose);
    });
}

/**
 * A `node:http` request listener that serves `service`: each request is handed to
 * `service.handle` as a plain {@link ServiceRequest} over the IncomingMessage, and the reply
 * written at once. A reply the client can no longer receive is dropped.
 *
 * @example
 * ```ts
 * const server = createServer({ keepAliveTimeout: 5_000 }, nodeRequestListener(service))
 * server.listen(8100, '127.0.0.1')
 * ```
 */
export function nodeRequestListener(service: GateService): RequestListener {
  return (message: IncomingMessage, res: ServerResponse) => {
    const request: ServiceRequest = { method: message.method ?? 'GET', url: message.url ?? '/', headers: new NodeHeaders(message.headers), body: null };
    void service
      .handle(request, { readBody: bodyReader(message) })
      .then((reply) => {
        if (res.destroyed) return;
        // With the length known, Node sends the head and the body in one write, not chunked.
        const headers: Record<string, string | number> = reply.headers;
        headers['content-length'] = Buffer.byteLength(reply.body);
        res.writeHead(reply.status, headers);
        res.end(reply.body);
      })
      .catch((e: unknown) => res.destroy(e as Error)); // handle() never throws; a write that does ends this connection only
  };
}

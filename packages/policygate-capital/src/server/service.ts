// GateService: one PolicyGate behind a Web-standard fetch handler (Request → Response). Nothing
// here touches files, sockets or processes, so Deno.serve and Bun.serve run `fetch` as it is, and
// the Node bin (src/node/serve/) runs the same routes through `handle` (no Web objects), adding
// files, signals and the listener.
//
// Routing is a table of exact paths, not a router library: the service has a dozen fixed routes,
// a Map lookup answers them, and it tells 404 (no such path) from 405 (path known, method not)
// with the `Allow` header, which generic routers leave to the application.
import type * as v from 'valibot';
import { ENGINE_VERSION, PolicyEngine, PolicyError, PolicyGate, PolicyGateError, ValidationError, type Decision } from '../index.js';
import { DECISION_TEXT } from '../audit/event.js';
import { CanonicalWriter } from '../util/canonical-json.js';
import { BearerAuth } from './auth.js';
import { MAX_BODY_BYTES, parseBody, readBodyText } from './body.js';
import { errorResponse, HttpError, json, jsonText, type Reply, type ServiceRequest, toResponse } from './http.js';
import { ServiceMetrics } from './metrics.js';
import { EquityRequestSchema, FillsRequestSchema, IntentRequestSchema, KillSwitchResetRequestSchema, MaxQtyRequestSchema, PricesRequestSchema } from './schemas.js';

import type { GateServiceOptions, RequestLogEntry, ServiceContext, ServiceGate } from './service-types.js';

export type { GateServiceOptions, RequestLogEntry, ServiceAuditSink, ServiceContext, ServiceGate } from './service-types.js';

type Handler = (request: ServiceRequest, log: RequestLogEntry, started: number, context: ServiceContext | undefined) => Promise<Reply> | Reply;

interface Route {
  auth: boolean;
  run: Handler;
}

/**
 * The gate as an HTTP service: `fetch(request)` answers the routes below, never throws, and
 * leaves the gate whole whatever the request (bodies are validated before anything changes).
 *
 * Routes: `POST /intent` (the Python service's), `POST /v1/check`, `/v1/max-qty`, `/v1/fills`,
 * `/v1/prices`, `/v1/equity`, `/v1/kill-switch/reset`, `/v1/policy/reload`, `GET /v1/state`,
 * `/health`, `/metrics`, `/openapi.json`.
 *
 * @example
 * ```ts
 * const service = await GateService.create({ gate, token: null })
 * Deno.serve({ hostname: '127.0.0.1', port: 8100 }, service.fetch)
 * ```
 */
export class GateService {
  /** Request counters, the latency histogram and audit figures, rendered by `GET /metrics`. */
  readonly metrics = new ServiceMetrics();
  private current: ServiceGate | null = null;
  private readonly loading: Promise<ServiceGate> | null;
  private readonly routes = new Map<string, Map<string, Route>>();
  private inFlight = 0;
  private auditDepth = 0;
  private auditFailure: unknown = null;
  private draining = false;
  private idleWaiters: (() => void)[] = [];
  private reloads: Promise<unknown> = Promise.resolve();
  private readonly started = Date.now();
  // Decisions share their shape: one writer reuses the text of what did not change (the evidence's limits).
  private readonly decisionWriter = new CanonicalWriter();

  private constructor(
    private readonly options: GateServiceOptions,
    private readonly auth: BearerAuth | null,
  ) {
    const g = options.gate;
    if (!isPromise(g)) {
      this.current = g;
      this.loading = null;
    } else {
      this.loading = Promise.resolve(g).then((gate) => (this.current = gate));
      this.loading.catch(() => undefined);
    }
    this.defineRoutes();
  }

  /**
   * Creates a service.
   *
   * @example
   * ```ts
   * const service = await GateService.create({ gate, audit: sink, token: process.env.POLICYGATE_TOKEN ?? null })
   * ```
   */
  static async create(options: GateServiceOptions): Promise<GateService> {
    return new GateService(options, options.token === null ? null : new BearerAuth(options.token));
  }

  /** The gate in force (a reload replaces it); null while it is still loading. */
  get gate(): ServiceGate | null {
    return this.current;
  }

  /** The fetch handler: `Deno.serve(service.fetch)`, `Bun.serve({ fetch: service.fetch })`. Never throws. */
  readonly fetch = async (request: Request, context?: ServiceContext | unknown): Promise<Response> => {
    const ctx = context !== null && typeof context === 'object' && 'readBody' in context ? (context as ServiceContext) : undefined;
    return toResponse(await this.handle(request, ctx));
  };

  /**
   * The handler without Web objects, for adapters: answers `request` with a {@link Reply} (status,
   * headers, body text) that the adapter writes as it likes. `fetch` is this plus a `Response`;
   * Node's listener (the `policygate-serve` bin) writes the reply with `res.writeHead`/`res.end`.
   * Never throws.
   *
   * @example
   * ```ts
   * const reply = await service.handle({ method: 'GET', url: '/health', headers: new Headers(), body: null })
   * // { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', … }, body: '{"status":"ok",…}' }
   * ```
   */
  async handle(request: ServiceRequest, context?: ServiceContext): Promise<Reply> {
    const started = performance.now();
    const path = pathOf(request.url);
    const log: RequestLogEntry = { method: request.method, path, status: 0, duration_ms: 0 };
    this.inFlight++;
    let reply: Reply;
    try {
      reply = await this.route(request, path, log, started, context);
    } catch (e) {
      const err = e instanceof HttpError ? e : internalError(e);
      log.error = err.code;
      reply = errorResponse(err);
    } finally {
      if (--this.inFlight === 0 && this.idleWaiters.length > 0) for (const w of this.idleWaiters.splice(0)) w();
    }
    // While draining, no connection is kept for another request: a client's next request opens a
    // new connection, which is refused, instead of racing the connection's close.
    if (this.draining && reply.headers.connection === undefined) reply.headers.connection = 'close';
    log.status = reply.status;
    log.duration_ms = Math.round((performance.now() - started) * 1000) / 1000;
    this.metrics.responded(reply.status);
    this.options.log?.(log);
    return reply;
  }

  /**
   * Stops taking new work: from now on every request but `/health` and `/metrics` is answered 503
   * (with `Connection: close`); resolves once the requests already in progress have been answered
   * (their audit appends done). The caller then flushes and closes the audit sink.
   */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Reads the policy again (`loadPolicy`), validates it, and makes it the gate's policy; the
   * windows, kill switch, positions and marks carry over. A bad policy is refused and the old one
   * stays in force. Reloads run one at a time.
   *
   * @throws {HttpError} 422 `ERR_POLICY` with each issue's line and column; 500 when the text
   *   cannot be read; 404 when the service has no `loadPolicy`.
   */
  reloadPolicy(): Promise<{ policy_hash: string; previous_policy_hash: string; changed: boolean }> {
    const load = this.options.loadPolicy;
    if (load === undefined) return Promise.reject(new HttpError(404, 'ERR_NOT_FOUND', 'This service has no policy source to reload from.'));
    const next = this.reloads.then(async () => {
      const gate = await this.ready();
      if (!(gate instanceof PolicyGate)) throw new HttpError(409, 'ERR_RELOAD', 'This gate is shared (its book is bound to one policy): open a new book under the new policy instead of reloading.');
      let engine: PolicyEngine;
      try {
        engine = await PolicyEngine.fromYaml(await load());
      } catch (e) {
        this.metrics.reloadFailures++;
        if (e instanceof PolicyError) throw new HttpError(422, 'ERR_POLICY', `The new policy was refused; the old one stays in force. ${e.message}`, { issues: e.issues });
        throw new HttpError(500, (e as PolicyGateError)?.code ?? 'ERR_RELOAD', `The policy could not be read; the old one stays in force. ${(e as Error)?.message ?? String(e)}`);
      }
      const previous = gate.engine.policyHash;
      // One synchronous step from snapshot to swap: no check can run in between.
      this.current = PolicyGate.restore(engine, gate.snapshot(), { allowPolicyChange: true });
      this.metrics.reloads++;
      return { policy_hash: engine.policyHash, previous_policy_hash: previous, changed: engine.policyHash !== previous };
    });
    this.reloads = next.catch(() => undefined);
    return next;
  }

  private async ready(): Promise<ServiceGate> {
    if (this.current !== null) return this.current;
    try {
      return await this.loading!;
    } catch {
      throw new HttpError(503, 'ERR_NOT_READY', 'The gate could not be loaded.');
    }
  }

  private gateOrUnavailable(): ServiceGate {
    if (this.current === null) throw new HttpError(503, 'ERR_NOT_READY', 'The service is starting: the policy and state are not loaded yet.', { headers: { 'retry-after': '1' } });
    return this.current;
  }

  private async route(request: ServiceRequest, path: string, log: RequestLogEntry, started: number, context: ServiceContext | undefined): Promise<Reply> {
    const byMethod = this.routes.get(path);
    // Unknown paths and bad tokens are not told apart for unauthenticated callers.
    if (byMethod === undefined) {
      this.authenticate(request);
      throw new HttpError(404, 'ERR_NOT_FOUND', `No route ${path}.`);
    }
    const route = byMethod.get(request.method);
    if (route === undefined || route.auth) this.authenticate(request);
    if (route === undefined) {
      const allow = [...byMethod.keys()].join(', ');
      throw new HttpError(405, 'ERR_METHOD', `${path} takes ${allow}, not ${request.method}.`, { headers: { allow } });
    }
    if (this.draining && path !== '/health' && path !== '/metrics') {
      throw new HttpError(503, 'ERR_SHUTTING_DOWN', 'The service is shutting down; send the request to another instance or retry.', { headers: { connection: 'close' } });
    }
    return route.run(request, log, started, context);
  }

  private authenticate(request: ServiceRequest): void {
    if (this.auth !== null && !this.auth.accepts(request.headers.get('authorization'))) {
      throw new HttpError(401, 'ERR_UNAUTHORIZED', 'Unauthorized.', { headers: { 'www-authenticate': 'Bearer' } });
    }
  }

  private body<T>(request: ServiceRequest, context: ServiceContext | undefined, schema: v.GenericSchema<unknown, T>): Promise<T> {
    return readBodyText(request, this.options.maxBodyBytes ?? MAX_BODY_BYTES, context?.readBody).then((text) => parseBody(text, schema));
  }

  private define(method: 'GET' | 'POST', path: string, run: Handler, auth = true): void {
    let byMethod = this.routes.get(path);
    if (byMethod === undefined) this.routes.set(path, (byMethod = new Map()));
    byMethod.set(method, { auth, run });
  }

  private defineRoutes(): void {
    this.define('GET', '/health', () => this.health(), false);
    this.define('GET', '/metrics', () => this.metricsResponse());
    this.define('GET', '/openapi.json', () => {
      if (this.options.openapi === undefined) throw new HttpError(404, 'ERR_NOT_FOUND', 'This service was started without an OpenAPI document.');
      return json(this.options.openapi);
    });
    this.define('GET', '/v1/state', async () => json(await gateCall(() => this.gateOrUnavailable().snapshot())));
    this.define('POST', '/intent', async (req, log, started, ctx) => jsonText(await this.decide(await this.body(req, ctx, IntentRequestSchema), log, started, false)));
    this.define('POST', '/v1/check', async (req, log, started, ctx) => jsonText(await this.decide(await this.body(req, ctx, IntentRequestSchema), log, started, true)));
    this.define('POST', '/v1/max-qty', async (req, _log, _started, ctx) => {
      const b = await this.body(req, ctx, MaxQtyRequestSchema);
      const m = await gateCall(() =>
        this.gateOrUnavailable().maxQty(b.symbol, b.side, b.market_snapshot ?? undefined, {
          ...(b.strategy_id !== undefined && { strategyId: b.strategy_id }),
          ...(b.lot !== undefined && { lot: b.lot }),
          ...(b.limit_price != null && { limitPrice: b.limit_price }),
          ...(b.account_id !== undefined && { accountId: b.account_id }),
        }),
      );
      return json({ symbol: b.symbol, side: b.side, qty: m.qty, binding: m.binding, limit: m.limit, lot: m.lot, blocked_by: m.blockedBy });
    });
    this.define('POST', '/v1/fills', async (req, _log, _started, ctx) => {
      const b = await this.body(req, ctx, FillsRequestSchema);
      const gate = this.gateOrUnavailable();
      const positions: Record<string, number> = {};
      // A shared gate gets all the fills at once: queued together, they commit together.
      const applied = await gateCall(() => {
        const r = b.fills.map((f) => gate.applyFill(f));
        return r.some(isPromise) ? Promise.all(r) : (r as number[]);
      });
      for (let i = 0; i < b.fills.length; i++) Object.defineProperty(positions, b.fills[i]!.symbol, { value: applied[i], enumerable: true, writable: true, configurable: true });
      return json({ applied: b.fills.length, positions });
    });
    this.define('POST', '/v1/prices', async (req, _log, _started, ctx) => {
      const b = await this.body(req, ctx, PricesRequestSchema);
      const gate = this.gateOrUnavailable();
      await gateCall(() => gate.updatePrices(b.prices, b.timestamp));
      return json({ updated: Object.keys(b.prices).length, market: gate.market });
    });
    this.define('POST', '/v1/equity', async (req, _log, _started, ctx) => {
      const b = await this.body(req, ctx, EquityRequestSchema);
      const gate = this.gateOrUnavailable();
      await gateCall(() => gate.updateEquity(b));
      return json({ portfolio: gate.portfolio });
    });
    this.define('POST', '/v1/kill-switch/reset', async (req, _log, _started, ctx) => {
      const b = await this.body(req, ctx, KillSwitchResetRequestSchema);
      const gate = this.gateOrUnavailable();
      const reset = await gateCall(() => gate.resetKillSwitch(b.reason, b.at));
      return json({ reset, kill_switch: gate.killSwitch });
    });
    if (this.options.loadPolicy !== undefined) {
      this.define('POST', '/v1/policy/reload', async (req, _log, _started, ctx) => {
        await readBodyText(req, this.options.maxBodyBytes ?? MAX_BODY_BYTES, ctx?.readBody); // any body is ignored, but bounded
        return json(await this.reloadPolicy());
      });
    }
  }

  // The response's JSON text: the decision's canonical JSON — the very text of the `decision` in
  // its audit event, which the chain takes from the event (DECISION_TEXT) instead of writing it
  // again — and for /v1/check two more members spliced in at the end.
  private async decide(body: v.InferOutput<typeof IntentRequestSchema>, log: RequestLogEntry, started: number, withId: boolean): Promise<string> {
    const gate = this.gateOrUnavailable();
    const market = body.market_snapshot ?? undefined;
    const audit = this.options.audit;
    let decision: Decision;
    let canonical: string | undefined;
    let decisionId: string | null = null;
    if (audit === undefined) {
      const d = gate.check(body.intent, market);
      decision = isPromise(d) ? await d : d;
      canonical = this.canonicalText(decision);
    } else {
      if (this.auditFailure !== null) throw auditUnavailable();
      const c = gate.checkDetailed(body.intent, market);
      const check = isPromise(c) ? await c : c;
      decision = check.decision;
      const event = gate.auditEvent(check, this.options.auditEventOptions);
      decisionId = event.event_id;
      canonical = this.canonicalText(decision);
      // Without it (a non-finite number) the chain writes the decision itself, and refuses it.
      if (canonical !== undefined) (event as { [DECISION_TEXT]?: string })[DECISION_TEXT] = canonical;
      this.auditDepth++;
      try {
        // Durable: the line is synced. Buffered: it is written (one write() for the turn's lines).
        const pending = audit.append(event) ?? audit.written?.();
        if (pending !== undefined) await pending;
      } catch (e) {
        // Fail closed: an order whose decision is not on record is not approved.
        this.auditFailure = e;
        this.metrics.auditFailures++;
        log.intent_id = decision.intent_id;
        throw auditUnavailable();
      } finally {
        this.auditDepth--;
      }
    }
    this.metrics.decided(decision, (performance.now() - started) / 1000);
    log.intent_id = decision.intent_id;
    log.decision = decision.decision;
    log.decision_id = decisionId;
    const text = canonical ?? JSON.stringify(decision);
    return withId ? `${text.slice(0, -1)},"decision_id":${JSON.stringify(decisionId)},"policy_hash":${JSON.stringify(gate.engine.policyHash)}}` : text;
  }

  // Undefined for a decision holding a non-finite number, which has no canonical text: without an
  // audit log it is answered as JSON.stringify writes it; with one, the append refuses it (503).
  private canonicalText(decision: Decision): string | undefined {
    try {
      return this.decisionWriter.write(decision);
    } catch {
      return undefined;
    }
  }

  private health(): Reply {
    const gate = this.current;
    const status = gate === null ? 'starting' : this.draining ? 'shutting_down' : this.auditFailure !== null ? 'audit_failed' : 'ok';
    const body = {
      status,
      policy_hash: gate?.engine.policyHash ?? null,
      engine_version: ENGINE_VERSION,
      kill_switch_active: gate?.killSwitch.active ?? null,
      clock: gate?.clock ?? null,
      audit: this.options.audit === undefined ? null : { mode: this.options.auditMode ?? null, queue_depth: this.auditDepth, failed: this.auditFailure !== null },
      uptime_s: Math.round((Date.now() - this.started) / 1000),
    };
    return json(body, status === 'ok' ? 200 : 503);
  }

  private metricsResponse(): Reply {
    const gate = this.current;
    const text = this.metrics.render({
      policyHash: gate?.engine.policyHash ?? '',
      killSwitchActive: gate?.killSwitch.active ?? false,
      auditQueueDepth: this.auditDepth,
      ready: gate !== null && !this.draining && this.auditFailure === null,
    });
    return { status: 200, headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' }, body: text };
  }
}

function auditUnavailable(): HttpError {
  return new HttpError(503, 'ERR_AUDIT_WRITE', 'The audit log cannot be written: the order is NOT approved. The service refuses decisions until it is restarted with a working audit log.');
}

/**
 * Runs a gate operation; its validation errors become 422, a missing portfolio 409, a shared
 * gate's unreachable state store 503 (the operation was not applied).
 */
function gateCall<T>(fn: () => T | Promise<T>): T | Promise<T> {
  try {
    const r = fn();
    return isPromise(r) ? r.catch(asHttpError) : r;
  } catch (e) {
    return asHttpError(e);
  }
}

function asHttpError(e: unknown): never {
  if (e instanceof ValidationError) throw new HttpError(422, 'ERR_VALIDATION', e.message, { issues: e.issues });
  if (e instanceof PolicyGateError && e.code === 'ERR_STATE_STORE') throw new HttpError(503, e.code, e.message, { headers: { 'retry-after': '1' } });
  if (e instanceof PolicyGateError) throw new HttpError(409, e.code, e.message);
  throw e;
}

function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown } | null)?.then === 'function';
}

function internalError(e: unknown): HttpError {
  void e;
  return new HttpError(500, 'ERR_INTERNAL', 'Internal error; the gate was not changed by this request.');
}

/** The path of a request URL, without the query (cheaper than `new URL` on every request). */
function pathOf(url: string): string {
  const scheme = url.indexOf('://');
  const start = url.indexOf('/', scheme < 0 ? 0 : scheme + 3);
  if (start < 0) return '/';
  let end = url.length;
  const q = url.indexOf('?', start);
  if (q >= 0) end = q;
  const h = url.indexOf('#', start);
  if (h >= 0 && h < end) end = h;
  return url.slice(start, end);
}

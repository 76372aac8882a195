// The service's option and context types (service.ts is the class that uses them).
import type { AuditEvent, AuditEventOptions, AuditSink } from '../audit/index.js';
import type { Decision, EquityUpdate, Fill, GateCheck, GateSnapshot, KillSwitchState, MarketSnapshot, MaxQty, MaxQtyOptions, OrderIntent, PolicyEngine, PolicyGate, PortfolioState } from '../index.js';
import type { BodyReader } from './body.js';

/**
 * An audit sink the service can also flush (e.g. `FileAuditSink`). When `append` returns nothing
 * (the line is buffered), the service awaits `written()` (when the sink has it) before it answers:
 * no answered decision is lost with the process.
 */
export type ServiceAuditSink = AuditSink & { flush?(): Promise<void>; written?(): Promise<void> | undefined };

/**
 * The gate the service serves: {@link PolicyGate} (synchronous: the service adds no await on its
 * path) or a shared gate such as `RedisGate` from `policygate-capital/redis` (asynchronous).
 */
export interface ServiceGate {
  readonly engine: PolicyEngine;
  readonly killSwitch: KillSwitchState;
  readonly clock: string | null;
  readonly market: MarketSnapshot;
  readonly portfolio: PortfolioState | null;
  check(intent: OrderIntent, market?: MarketSnapshot): Decision | Promise<Decision>;
  checkDetailed(intent: OrderIntent, market?: MarketSnapshot): GateCheck | Promise<GateCheck>;
  auditEvent(check: GateCheck, options?: AuditEventOptions): AuditEvent;
  maxQty(symbol: string, side: 'buy' | 'sell', market?: MarketSnapshot, options?: MaxQtyOptions): MaxQty | Promise<MaxQty>;
  applyFill(fill: Fill): number | Promise<number>;
  updatePrices(prices: Record<string, number>, timestamp?: string): void | Promise<void>;
  updateEquity(update: EquityUpdate): void | Promise<void>;
  resetKillSwitch(reason: string, at?: string): boolean | Promise<boolean>;
  snapshot(): GateSnapshot | Promise<GateSnapshot>;
}

/** One line of the request log, handed to {@link GateServiceOptions.log} after the response is made. */
export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  /** For decisions: the intent, the outcome and the audit event's id. */
  intent_id?: string;
  decision?: Decision['decision'];
  decision_id?: string | null;
  /** For refusals: the error code. */
  error?: string;
}

/** Options of {@link GateService.create}. */
export interface GateServiceOptions {
  /** The gate to serve (a promise: the service answers 503 until it resolves). A policy reload needs a {@link PolicyGate}. */
  gate: ServiceGate | Promise<ServiceGate>;
  /** Where every decision's audit event is appended before the answer; none: no audit trail. */
  audit?: ServiceAuditSink;
  /** Shown by `/health`: `durable` or `batched` (informational). */
  auditMode?: string;
  /** Options of every audit event (e.g. `runId`). */
  auditEventOptions?: AuditEventOptions;
  /** The bearer token every route but `/health` requires; null: no authentication (loopback only, the bin checks). */
  token: string | null;
  /** Reads the policy's current text for `POST /v1/policy/reload` (and SIGHUP); absent: no reload route. */
  loadPolicy?: () => Promise<string>;
  /** The OpenAPI document `GET /openapi.json` serves (dist/schemas/openapi.json); absent: 404. */
  openapi?: unknown;
  /** Body limit in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** Called after each response (keep it cheap: buffer and write later). */
  log?: (entry: RequestLogEntry) => void;
}

/**
 * What an adapter may pass as `fetch`'s (or `handle`'s) second argument. Deno and Bun pass their
 * own objects, which are ignored.
 */
export interface ServiceContext {
  /**
   * Reads the request body, when the adapter has its bytes cheaper than `request.body` (Node: the
   * IncomingMessage's data events, which `request.body` would wrap in a web stream per request).
   * Stopping at the limit must not close the connection: the service still answers (413).
   */
  readBody?: BodyReader;
}

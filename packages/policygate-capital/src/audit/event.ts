// The audit trail (docs: /docs/audit/): one event per evaluation, and its canonical one-line JSON.
import type { Decision } from '../engine/types.js';
import { ValidationError } from '../errors.js';
import { RFC3339 } from '../model/fields.js';
import type { ExecutionState, ExecutionStateInput, MarketSnapshot, OrderIntent, PortfolioState } from '../model/schemas.js';
import { CanonicalWriter } from '../util/canonical-json.js';
import { IsoClock } from '../util/iso-clock.js';
import { withMembers } from '../util/with-members.js';
import { ENGINE_VERSION } from '../version.js';
import { UUID, type AuditEvent } from './schema.js';

/** Options of {@link buildAuditEvent}. */
export interface AuditEventOptions {
  /** A label for the run (session, backtest, deployment); written as `run_id`. */
  runId?: string;
  /** When the event happened; default now. A string must be RFC 3339 in UTC (`Z` or `+00:00`). */
  timestamp?: string | Date;
  /** The event's id; default `crypto.randomUUID()`. Must be a UUID. */
  eventId?: string;
}

const UTC_SUFFIX = /([Zz]|[+-]00:00)$/;

// Events come many per millisecond: the clock formats a new millisecond by appending its digits.
const clock = new IsoClock();

function eventTimestamp(value: string | Date | undefined): string {
  if (value === undefined) return clock.now();
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValidationError('audit event', [{ path: 'timestamp', message: 'must be a valid Date, got Invalid Date' }]);
    return value.toISOString();
  }
  if (typeof value !== 'string' || !RFC3339.test(value) || !UTC_SUFFIX.test(value)) {
    throw new ValidationError('audit event', [{ path: 'timestamp', message: `must be an RFC 3339 UTC timestamp such as 2026-02-18T14:30:00Z, got ${String(value)}` }]);
  }
  return value;
}

/**
 * Builds the audit event of one evaluation (docs: /docs/audit/): a fresh UUID v4 `event_id`, the
 * UTC `timestamp`, `engine_version` (this package's version), the policy hash, the four inputs as
 * evaluated, the decision, `eval_ms` (also at the top level, as the Python package writes it) and,
 * when given, `run_id`.
 *
 * Inputs are recorded with their defaults filled in (`limit_price: null`, empty positions, the empty
 * execution state), as the Python package records its models, so that a replay evaluates exactly
 * what the engine saw. The event references the caller's objects; serialize it (or append it to a
 * sink, which serializes at once) before mutating them.
 *
 * @throws {ValidationError} when `options.timestamp` or `options.eventId` is malformed.
 * @example
 * ```ts
 * const decision = engine.evaluate(intent, portfolio, market, execution)
 * const event = buildAuditEvent(decision, intent, portfolio, market, execution, engine.policyHash, { runId: 'session-7' })
 * console.log(serializeAuditEvent(event)) // {"decision":{...},"engine_version":"0.1.0",...}
 * ```
 */
export function buildAuditEvent(
  decision: Decision,
  intent: OrderIntent,
  portfolio: PortfolioState,
  market: MarketSnapshot,
  execution: ExecutionStateInput | undefined,
  policyHash: string,
  options: AuditEventOptions = {},
): AuditEvent {
  const eventId = options.eventId ?? crypto.randomUUID();
  if (options.eventId !== undefined && (typeof eventId !== 'string' || !UUID.test(eventId))) {
    throw new ValidationError('audit event', [{ path: 'event_id', message: `must be a UUID, got ${String(eventId)}` }]);
  }
  const exec = execution ?? {};
  const executionState: ExecutionState = {
    orders_last_60s_global: exec.orders_last_60s_global ?? 0,
    orders_last_60s_by_strategy: exec.orders_last_60s_by_strategy ?? {},
    violations_last_window: exec.violations_last_window ?? [],
    kill_switch_active: exec.kill_switch_active ?? false,
    // Written only when there are some: a v0.1 event keeps the Python package's shape.
    ...(exec.recent_orders !== undefined && exec.recent_orders.length > 0 && { recent_orders: exec.recent_orders }),
  };
  const event: AuditEvent = {
    event_id: eventId,
    timestamp: eventTimestamp(options.timestamp),
    engine_version: ENGINE_VERSION,
    policy_hash: policyHash,
    intent: intent.limit_price === undefined ? withMembers(intent, { limit_price: null }) : intent,
    portfolio_state:
      // Copied only when a default must be filled in (as the intent): the event references the caller's objects.
      portfolio.positions != null && portfolio.realized_pnl_today != null && portfolio.unrealized_pnl != null
        ? portfolio
        : withMembers(portfolio, {
            positions: portfolio.positions ?? {},
            realized_pnl_today: portfolio.realized_pnl_today ?? 0,
            unrealized_pnl: portfolio.unrealized_pnl ?? 0,
          }),
    market_snapshot: market,
    execution_state: executionState,
    decision,
    eval_ms: decision.eval_ms,
  };
  if (options.runId !== undefined) event.run_id = options.runId;
  return event;
}

/**
 * Internal (not exported by the package): set on an event by a caller that has written the event's
 * `decision` as canonical JSON just before and does not change it afterwards — `GateService`, which
 * answers the request with that text. {@link AuditChain} then writes the text into the line instead
 * of walking the decision a second time; the line is the same either way (tested).
 */
export const DECISION_TEXT = Symbol('policygate-capital decision text');

// Events share their shape and most of their content from one to the next: one writer for them all
// reuses the text of what did not change (it checks every member on every call).
const eventWriter = new CanonicalWriter();

/**
 * The canonical one-line JSON of an audit event: keys sorted by code point at every level, no
 * spaces, non-ASCII escaped (as Python's `json.dumps(sort_keys=True, separators=(",", ":"))`), no
 * trailing newline. Equal to `canonicalJson(event)`.
 *
 * @throws {RangeError} when the event holds a non-finite number (JSON cannot represent it).
 * @example
 * ```ts
 * const line = serializeAuditEvent(event) // '{"decision":{"decision":"ALLOW",...},...,"timestamp":"2026-02-18T14:30:00.000Z"}'
 * ```
 */
export function serializeAuditEvent(event: AuditEvent): string {
  return eventWriter.write(event);
}

// Wire schemas of a Decision and of an audit event (docs: /docs/audit/): the Python package's
// snake_case JSON, strict, numbers finite. They read events written by the Python package
// (`100000.0`, `+00:00` timestamps) and by this SDK (optionally with the chain fields).
import * as v from 'valibot';
import { dataRecord, finiteNumber, str, strictObject, timestamp } from '../model/fields.js';
import {
  ExecutionStateSchema,
  MarketSnapshotSchema,
  OrderIntentSchema,
  PortfolioStateSchema,
  type ExecutionState,
  type MarketSnapshot,
  type OrderIntent,
  type PortfolioState,
} from '../model/schemas.js';
import type { Decision } from '../engine/types.js';

const EVIDENCE_METRICS = ['daily_return', 'drawdown', 'new_position_pct', 'gross_exposure_x', 'net_exposure_x', 'order_qty', 'order_notional', 'limit_price_deviation', 'price_age_seconds'] as const;

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Any RFC 4122 UUID, lowercase or uppercase (Python writes `uuid4()`, we write `crypto.randomUUID()`). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sha256Hex = () =>
  v.pipe(
    str(),
    v.regex(SHA256_HEX, (i) => `must be a lowercase hex SHA-256 (64 characters), got ${i.received}`),
  );
const uuid = () =>
  v.pipe(
    str(),
    v.regex(UUID, (i) => `must be a UUID, got ${i.received}`),
  );

/** A JSON scalar, as a violation's `inputs` hold them (limits, a symbol, a strategy id, a flag). */
const JsonScalarSchema = v.union([finiteNumber(), str(), v.boolean(), v.null()], (i) => `must be a finite number, a string, a boolean or null, got ${i.received}`);

/**
 * Schema of a Violation: `{rule_id, severity, message, inputs, computed}`.
 *
 * @example
 * ```ts
 * v.parse(ViolationSchema, { rule_id: 'LOSS-002', severity: 'CRIT', message: 'Drawdown 0.0665 breaches limit 0.0500.', inputs: { max_drawdown_pct: 0.05 }, computed: { drawdown: 0.0665 } })
 * ```
 */
export const ViolationSchema = strictObject({
  rule_id: str(),
  severity: v.picklist(['CRIT', 'HIGH'], (i) => `must be CRIT or HIGH, got ${i.received}`),
  message: str(),
  inputs: dataRecord(JsonScalarSchema),
  computed: dataRecord(v.union([finiteNumber(), str()], (i) => `must be a finite number or a string, got ${i.received}`)),
});

/**
 * Schema of an Evidence item: `{metric, value, limit}`; `limit` is null when unchecked.
 *
 * @example
 * ```ts
 * v.parse(EvidenceSchema, { metric: 'drawdown', value: 0.01, limit: 0.05 })
 * ```
 */
export const EvidenceSchema = strictObject({
  metric: v.picklist(EVIDENCE_METRICS, (i) => `must be one of ${EVIDENCE_METRICS.join(', ')}, got ${i.received}`),
  value: v.nullable(finiteNumber()),
  limit: v.nullable(finiteNumber()),
});

/**
 * Schema of a Decision, the engine's answer, as the Python package and this SDK write it.
 *
 * @example
 * ```ts
 * const decision = v.parse(DecisionSchema, JSON.parse(line).decision)
 * ```
 */
const decisionEntries = {
  intent_id: str(),
  violations: v.array(ViolationSchema, (i) => `must be an array, got ${i.received}`),
  evidence: v.array(EvidenceSchema, (i) => `must be an array, got ${i.received}`),
  eval_ms: finiteNumber({ ge: 0 }),
  kill_switch_triggered: v.boolean((i) => `must be true or false, got ${i.received}`),
};

export const DecisionSchema = v.variant(
  'decision',
  [
    strictObject({ decision: v.picklist(['ALLOW', 'DENY']), modified_intent: v.null((i) => `must be null unless the decision is MODIFY, got ${i.received}`), ...decisionEntries }),
    strictObject({ decision: v.literal('MODIFY'), modified_intent: OrderIntentSchema, ...decisionEntries }),
  ],
  (i) => (i.path ? `must be ALLOW, DENY or MODIFY, got ${i.received}` : `must be an object, got ${i.received}`),
);

/**
 * Schema of one audit event (one JSONL line), as the audit trail docs describe it (/docs/audit/), plus this SDK's optional chain
 * fields. `eval_ms` appears twice, at the top level and in `decision`, as the Python package writes
 * it. `chain_id`, `chain_seq` and `prev_hash` are written by {@link AuditChain}; events without them
 * (the Python package's) are valid unchained events.
 *
 * @example
 * ```ts
 * const event = v.parse(AuditEventSchema, JSON.parse(line))
 * ```
 */
export const AuditEventSchema = strictObject({
  event_id: uuid(),
  timestamp: timestamp(),
  engine_version: str(),
  policy_hash: sha256Hex(),
  intent: OrderIntentSchema,
  portfolio_state: PortfolioStateSchema,
  market_snapshot: MarketSnapshotSchema,
  execution_state: ExecutionStateSchema,
  decision: DecisionSchema,
  eval_ms: finiteNumber({ ge: 0 }),
  run_id: v.optional(v.nullable(str())),
  chain_id: v.optional(uuid()),
  chain_seq: v.optional(finiteNumber({ int: true, ge: 0 })),
  prev_hash: v.optional(v.nullable(sha256Hex())),
});

/**
 * One audit event (wire format, snake_case): what was evaluated, under which policy, and the answer.
 * The chain fields are present on events written through an {@link AuditChain} only.
 */
export interface AuditEvent {
  /** UUID v4 of this event. */
  event_id: string;
  /** When the event was built, ISO 8601 UTC. */
  timestamp: string;
  /** Version of the engine that wrote it (`0.2.0` for the Python package's events). */
  engine_version: string;
  /** SHA-256 hex of the policy text the decision was made under. */
  policy_hash: string;
  intent: OrderIntent;
  portfolio_state: PortfolioState;
  market_snapshot: MarketSnapshot;
  execution_state: ExecutionState;
  decision: Decision;
  /** Same as `decision.eval_ms` (the Python package writes both). */
  eval_ms: number;
  /** Caller's label for a run (a session, a backtest); absent when not given. */
  run_id?: string | null;
  /** The writer's chain (UUID v4); each writer process or sink has its own. */
  chain_id?: string;
  /** Position in the chain, from 0. */
  chain_seq?: number;
  /** SHA-256 hex of the exact text of the chain's previous line; null for `chain_seq` 0. */
  prev_hash?: string | null;
}

// The schema's output is an AuditEvent (checked by the compiler, not at run time).
type Assignable<T extends AuditEvent> = T;
type _SchemaOutputIsAuditEvent = Assignable<v.InferOutput<typeof AuditEventSchema>>;

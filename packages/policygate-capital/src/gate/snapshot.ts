// The persisted form of a PolicyGate: everything its future decisions depend on, as JSON, and the
// codec between it and the gate's parts (timestamps in microseconds inside, RFC 3339 outside).
import * as v from 'valibot';
import { ValidationError } from '../errors.js';
import { RFC3339, str, strictObject } from '../model/fields.js';
import { toIssues } from '../model/issues.js';
import { MarketSnapshotSchema, PortfolioStateSchema, RecentOrderSchema, type MarketSnapshot, type PortfolioState, type RecentOrder } from '../model/schemas.js';
import type { KillSwitchState } from './kill-switch.js';
import { formatTimestampUs, parseTimestampUs } from './time.js';
import { parseJsonText } from '../util/json-text.js';
import { safeParse } from '../util/safe-parse.js';

/**
 * The `format` tag of a gate snapshot taken under a v0.1 policy; a future layout gets a new tag.
 * Under a v0.2 policy the gate writes {@link GATE_SNAPSHOT_FORMAT_V2}. Both are read.
 */
export const GATE_SNAPSHOT_FORMAT = 'policygate-gate-snapshot/1';
/** The `format` tag of a gate snapshot taken under a policy DSL v0.2 policy (recent orders, the market's own timestamp). */
export const GATE_SNAPSHOT_FORMAT_V2 = 'policygate-gate-snapshot/2';

// One check (not the shared regex plus a calendar check) so that a bad timestamp is one issue.
const instant = () =>
  v.pipe(
    str(),
    v.check(
      (s) => !Number.isNaN(parseTimestampUs(s)),
      (i) => `must be an RFC 3339 timestamp such as 2026-02-18T14:30:00Z (a real date, years 1685–2255), got ${String(i.input)}`,
    ),
  );

const KillSwitchEventSchema = strictObject({
  event: v.picklist(['trip', 'reset'], (i) => `must be trip or reset, got ${i.received}`),
  at: v.nullable(instant()),
  reason: str(),
  intent_id: v.nullable(str()),
});

const RecentOrderEntrySchema = strictObject({ ...RecentOrderSchema.entries, timestamp: instant() });

/** Schema of a gate snapshot (see {@link GateSnapshot}). */
export const GateSnapshotSchema = strictObject({
  format: v.picklist([GATE_SNAPSHOT_FORMAT, GATE_SNAPSHOT_FORMAT_V2], (i) => `must be "${GATE_SNAPSHOT_FORMAT}" or "${GATE_SNAPSHOT_FORMAT_V2}", got ${i.received}`),
  engine_version: str(),
  policy_hash: str(),
  clock: v.nullable(instant()),
  portfolio: v.nullable(PortfolioStateSchema),
  market: v.nullable(MarketSnapshotSchema),
  orders: v.array(v.strictTuple([instant(), str()], (i) => `must be a [timestamp, strategy_id] pair, got ${i.received}`)),
  pending: v.array(
    v.union(
      [v.strictTuple([str(), instant(), str()]), v.strictTuple([str(), instant(), str(), v.nullable(RecentOrderEntrySchema)])],
      (i) => `must be an [intent_id, timestamp, strategy_id] triple (with a recent order or null in format 2), got ${i.received}`,
    ),
  ),
  violations: v.array(v.strictTuple([instant(), str()], (i) => `must be a [timestamp, rule_id] pair, got ${i.received}`)),
  kill_switch: strictObject({
    active: v.boolean((i) => `must be true or false, got ${i.received}`),
    tripped_at: v.nullable(instant()),
    reason: v.nullable(str()),
    history: v.array(KillSwitchEventSchema),
  }),
  // Format 2 (policy DSL v0.2): absent from format 1.
  recent_orders: v.optional(v.array(RecentOrderEntrySchema)),
  market_timestamp: v.optional(v.nullable(str())),
});

/**
 * Everything a {@link PolicyGate} needs to resume: its clock, portfolio, marks, the orders and
 * violations still inside their windows, checks awaiting `record`, and the kill switch with its
 * history. Plain JSON (snake_case, timestamps RFC 3339 UTC with microseconds); `policy_hash` ties it
 * to the policy it was taken under.
 *
 * @example
 * ```ts
 * localStorage.setItem('gate', JSON.stringify(gate.snapshot()))
 * const resumed = PolicyGate.restore(engine, localStorage.getItem('gate')!)
 * ```
 */
export interface GateSnapshot {
  format: typeof GATE_SNAPSHOT_FORMAT | typeof GATE_SNAPSHOT_FORMAT_V2;
  engine_version: string;
  policy_hash: string;
  /** The latest intent timestamp seen (the gate's clock), null before the first check. */
  clock: string | null;
  portfolio: PortfolioState | null;
  market: MarketSnapshot | null;
  /** Orders counted by the throttles: [timestamp, strategy_id], oldest first. */
  orders: [string, string][];
  /**
   * ALLOW/MODIFY checks not yet recorded (gates with `autoRecord: false`): [intent_id, timestamp,
   * strategy_id], and in format 2 the recent order it becomes when recorded (or null).
   */
  pending: ([string, string, string] | [string, string, string, RecentOrder | null])[];
  /** Violations counted toward the kill switch: [timestamp, rule_id], oldest first (at most trip_after_n_violations). */
  violations: [string, string][];
  kill_switch: KillSwitchState;
  /** Format 2: the orders sent within the policy's longest duplicate window, oldest first. */
  recent_orders?: RecentOrder[];
  /** Format 2: the market snapshot's timestamp as the gate holds it (null: none; it may be text that is not RFC 3339). */
  market_timestamp?: string | null;
}

/** JSON text → value; a syntax error names its line and column (the core's strict JSON reader). */
function parseSnapshotText(text: string): unknown {
  try {
    return parseJsonText(text);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    throw new ValidationError(
      'gate snapshot',
      e.issues.map((i) => ({ ...i, message: `not valid JSON: ${i.message}` })),
    );
  }
}

/**
 * Validates a gate snapshot given as JSON text or as a parsed value.
 *
 * @throws {ValidationError} naming the path of every problem (and the line/column of a JSON syntax error).
 */
export function parseGateSnapshot(input: string | unknown): GateSnapshot {
  const value = typeof input === 'string' ? parseSnapshotText(input) : input;
  const result = safeParse(GateSnapshotSchema, value);
  if (!result.success) throw new ValidationError('gate snapshot', toIssues(result.issues));
  return result.output as GateSnapshot;
}

/**
 * A gate's state as its parts hold it (times in microseconds), what {@link encodeGateSnapshot}
 * writes and {@link decodeGateSnapshot} reads back.
 *
 * @example
 * ```ts
 * const state: GateState = decodeGateSnapshot(text).state
 * ```
 */
export interface GateState {
  clock: number | null;
  portfolio: PortfolioState | null;
  market: MarketSnapshot | null;
  /** [time µs, strategy_id], oldest first. */
  orders: [number, string][];
  /** [intent_id, time µs, strategy_id, recent order or null], in the order the checks were made. */
  pending: [string, number, string, (RecentOrder | null)?][];
  /** [time µs, rule_id], oldest first. */
  violations: [number, string][];
  killSwitch: KillSwitchState;
  /** Recent orders (policy DSL v0.2), oldest first; [] for a format-1 snapshot. */
  recent: RecentOrder[];
  /** The market's own timestamp; undefined for a format-1 snapshot (its market's timestamp stands). */
  marketTimestamp?: string | null | undefined;
  /** Whether to write format 2 (the gate's policy is v0.2). */
  v02?: boolean;
}

/** Where a snapshot comes from: the SDK version and the policy's hash. */
export interface SnapshotOrigin {
  engineVersion: string;
  policyHash: string;
}

const EPOCH = '1970-01-01T00:00:00Z';

/**
 * A market as a snapshot can hold it. A gate adopts the market a check passes without validating
 * it (a check never throws), so a mark can be a non-finite number or not a number at all and the
 * timestamp anything. Every such mark counts as missing (SYS-001), exactly like an absent one, so
 * it is left out (JSON has no NaN or Infinity, and the snapshot schema takes finite numbers only);
 * a timestamp that is not RFC 3339 becomes the gate's clock, as when the market has none.
 */
function storableMarket(market: MarketSnapshot, clock: number | null): MarketSnapshot {
  const prices: Record<string, number> = {};
  for (const symbol of Object.keys(market.prices)) {
    const p: unknown = market.prices[symbol];
    if (typeof p === 'number' && Number.isFinite(p)) Object.defineProperty(prices, symbol, { value: p, enumerable: true, writable: true, configurable: true });
  }
  const ts: unknown = market.timestamp;
  const timestamp = typeof ts === 'string' && RFC3339.test(ts) ? ts : clock === null ? EPOCH : formatTimestampUs(clock);
  return { timestamp, prices };
}

/**
 * The snapshot of a gate's state: plain JSON that {@link decodeGateSnapshot} (and so
 * `PolicyGate.restore`) accepts, whatever state the gate reached.
 *
 * @example
 * ```ts
 * const snap = encodeGateSnapshot({ engineVersion: ENGINE_VERSION, policyHash: engine.policyHash }, state)
 * ```
 */
export function encodeGateSnapshot(origin: SnapshotOrigin, state: GateState): GateSnapshot {
  const v2 = state.v02 === true;
  return {
    format: v2 ? GATE_SNAPSHOT_FORMAT_V2 : GATE_SNAPSHOT_FORMAT,
    engine_version: origin.engineVersion,
    policy_hash: origin.policyHash,
    clock: state.clock === null ? null : formatTimestampUs(state.clock),
    portfolio: state.portfolio,
    market: state.market === null ? null : storableMarket(state.market, state.clock),
    orders: state.orders.map(([t, s]) => [formatTimestampUs(t), s]),
    pending: state.pending.map(([id, t, s, order]) => (v2 ? [id, formatTimestampUs(t), s, order ?? null] : [id, formatTimestampUs(t), s])),
    violations: state.violations.map(([t, r]) => [formatTimestampUs(t), r]),
    kill_switch: state.killSwitch,
    ...(v2 && { recent_orders: state.recent.map((o) => ({ ...o })), market_timestamp: state.marketTimestamp ?? null }),
  };
}

/**
 * Validates a snapshot (JSON text or a parsed value) and reads it into a {@link GateState}.
 *
 * @throws {ValidationError} naming the path of every problem (and the line/column of a JSON syntax error).
 * @example
 * ```ts
 * const { policyHash, state } = decodeGateSnapshot(await fs.readFile('gate.json', 'utf8'))
 * ```
 */
export function decodeGateSnapshot(input: string | unknown): { policyHash: string; state: GateState } {
  const s = parseGateSnapshot(input);
  return {
    policyHash: s.policy_hash,
    state: {
      clock: s.clock === null ? null : parseTimestampUs(s.clock),
      portfolio: s.portfolio,
      market: s.market,
      orders: s.orders.map(([t, strategy]) => [parseTimestampUs(t), strategy]),
      pending: s.pending.map(([id, t, strategy, order]) => [id, parseTimestampUs(t), strategy, order ?? null]),
      violations: s.violations.map(([t, rule]) => [parseTimestampUs(t), rule]),
      killSwitch: s.kill_switch,
      recent: s.recent_orders ?? [],
      ...(s.market_timestamp !== undefined && { marketTimestamp: s.market_timestamp }),
      v02: s.format === GATE_SNAPSHOT_FORMAT_V2,
    },
  };
}

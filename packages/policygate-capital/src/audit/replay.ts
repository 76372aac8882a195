// Replay (docs: /docs/audit/): rebuild the inputs from an event, evaluate under the given policy,
// compare with the decision recorded.
import { evaluate } from '../engine/evaluate.js';
import { PolicyEngine } from '../engine/policy-engine.js';
import type { Decision } from '../engine/types.js';
import { formatPath } from '../model/issues.js';
import type { Policy } from '../policy/schema.js';
import { readAuditLog, type AuditLogProblem, type ChainBreak, type ReadAuditLogOptions } from './reader.js';
import type { AuditEvent } from './schema.js';

/** Options of {@link decisionsMatch}, {@link diffDecisions} and {@link replayAuditLog}. */
export interface CompareOptions {
  /**
   * Relative tolerance for numbers (`|a − b| ≤ tolerance · max(|a|, |b|)`); default 0, exact. Use
   * 1e-9 for logs of other implementations, which sum exposures in another order (the Python
   * package sums in hash order). Strings, booleans and the decision itself are always exact.
   */
  tolerance?: number;
}

/** The fields a replay compares, in the order differences are reported. */
const COMPARED = ['decision', 'intent_id', 'violations', 'kill_switch_triggered', 'modified_intent'] as const;

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function diffValue(a: unknown, b: unknown, path: (string | number)[], tol: number, out: string[]): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b || (tol > 0 && Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b)))) return;
    out.push(formatPath(path));
    return;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) {
    if (a !== b) out.push(formatPath(path));
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (i >= a.length || i >= b.length) out.push(formatPath([...path, i]));
      else diffValue(a[i], b[i], [...path, i], tol, out);
    }
    return;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  for (const k of Object.keys(bo)) if (!hasOwn(ao, k)) keys.push(k);
  for (const k of keys) {
    if (!hasOwn(ao, k) || !hasOwn(bo, k)) out.push(formatPath([...path, k]));
    else diffValue(ao[k], bo[k], [...path, k], tol, out);
  }
}

/**
 * The paths of the fields where two decisions differ, in the order decision, intent_id, violations,
 * kill_switch_triggered, modified_intent (the first entry is the first differing field), e.g.
 * `["violations[0].computed.drawdown"]`. Evidence and `eval_ms` are not compared (`eval_ms` is wall
 * time). Empty when they match.
 *
 * @example
 * ```ts
 * diffDecisions(original, replayed)                       // [] — identical
 * diffDecisions(pythonDecision, ours, { tolerance: 1e-9 }) // [] — equal within 1e-9 relative
 * ```
 */
export function diffDecisions(a: Decision, b: Decision, options: CompareOptions = {}): string[] {
  const tol = options.tolerance ?? 0;
  if (!(tol >= 0)) throw new RangeError(`tolerance must be a number ≥ 0, got ${String(tol)}`);
  const out: string[] = [];
  for (const field of COMPARED) diffValue(a[field], b[field], [field], tol, out);
  return out;
}

/**
 * True when two decisions agree on decision, intent_id, violations (rule, severity, message, inputs,
 * computed), kill_switch_triggered and modified_intent; numbers exactly, or within
 * `options.tolerance` relative.
 *
 * @example
 * ```ts
 * const [original, replayed] = replayEvent(event, engine)
 * if (!decisionsMatch(original, replayed)) throw new Error('not deterministic')
 * ```
 */
export function decisionsMatch(a: Decision, b: Decision, options: CompareOptions = {}): boolean {
  return diffDecisions(a, b, options).length === 0;
}

/**
 * Replays one audit event: evaluates its recorded intent, portfolio, market and execution state
 * under `policy` and returns `[original, replayed]` — the decision the event records and the one the
 * engine gives now. Does not look at the policy hash: compare `event.policy_hash` with
 * `engine.policyHash` first ({@link replayAuditLog} does).
 *
 * @example
 * ```ts
 * const [original, replayed] = replayEvent(event, engine)
 * console.log(decisionsMatch(original, replayed)) // true
 * ```
 */
export function replayEvent(event: AuditEvent, policy: Policy | PolicyEngine): [Decision, Decision] {
  const replayed =
    policy instanceof PolicyEngine
      ? policy.evaluate(event.intent, event.portfolio_state, event.market_snapshot, event.execution_state)
      : evaluate(event.intent, policy, event.portfolio_state, event.market_snapshot, event.execution_state);
  return [event.decision, replayed];
}

/** An event whose replay differs from its record. */
export interface ReplayMismatch {
  line: number;
  event_id: string;
  /** The first differing field, e.g. `violations[0].computed.drawdown`. */
  field: string;
  /** Every differing field. */
  fields: string[];
}

/** An event recorded under another policy than the one replayed with. */
export interface PolicyHashMismatch {
  line: number;
  event_id: string;
  /** The event's `policy_hash`. */
  policy_hash: string;
  /** The hash of the policy replayed with. */
  expected: string;
  /** Whether the decision replays the same anyway (informational). */
  decisionsMatch: boolean;
}

/** The result of {@link replayAuditLog}. */
export interface ReplaySummary {
  /** Valid events read (= matched + mismatched + policy-hash mismatches). */
  total: number;
  /** Events under the same policy whose decision replays the same. */
  matched: number;
  /** Events under the same policy whose decision replays differently. */
  mismatched: ReplayMismatch[];
  /** Events recorded under another policy (not counted as engine mismatches). */
  policyHashMismatches: PolicyHashMismatch[];
  /** Lines that are not audit events (torn, invalid JSON, wrong shape). */
  badLines: AuditLogProblem[];
  /** Hash-chain breaks (see {@link readAuditLog}). */
  chainBreaks: ChainBreak[];
  /** Whether the log carries hash chains. */
  chained: boolean;
  /** True when every event matched under the same policy and no line or chain was bad. */
  ok: boolean;
}

/**
 * Replays a whole JSONL audit log under `engine`: reads it ({@link readAuditLog}, so bad lines and
 * chain breaks are reported, never thrown), replays every event and sorts the outcome into matched,
 * mismatched (with the first differing field) and policy-hash mismatches (events recorded under
 * another policy, reported as such rather than as engine mismatches).
 *
 * @example
 * ```ts
 * const summary = await replayAuditLog(text, await PolicyEngine.fromYaml(policyText), { tolerance: 1e-9 })
 * console.log(`${summary.matched}/${summary.total} match`) // "300/300 match"
 * ```
 */
export async function replayAuditLog(text: string, engine: PolicyEngine, options: CompareOptions & ReadAuditLogOptions = {}): Promise<ReplaySummary> {
  const log = await readAuditLog(text, options);
  const mismatched: ReplayMismatch[] = [];
  const policyHashMismatches: PolicyHashMismatch[] = [];
  let matched = 0;
  for (const { line, event } of log.events) {
    const [original, replayed] = replayEvent(event, engine);
    const fields = diffDecisions(original, replayed, options);
    if (event.policy_hash !== engine.policyHash) {
      policyHashMismatches.push({ line, event_id: event.event_id, policy_hash: event.policy_hash, expected: engine.policyHash, decisionsMatch: fields.length === 0 });
    } else if (fields.length > 0) {
      mismatched.push({ line, event_id: event.event_id, field: fields[0]!, fields });
    } else {
      matched += 1;
    }
  }
  return {
    total: log.events.length,
    matched,
    mismatched,
    policyHashMismatches,
    badLines: log.errors,
    chainBreaks: log.chainBreaks,
    chained: log.chained,
    ok: mismatched.length === 0 && policyHashMismatches.length === 0 && log.errors.length === 0 && log.chainBreaks.length === 0,
  };
}

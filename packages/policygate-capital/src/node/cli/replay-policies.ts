// policygate-replay with several --policy files: a log whose events were decided under different
// policies (a playground session, a policy change mid-day) replays with every policy at once. Each
// event is replayed under the policy whose hash it records; an event under none of them is reported
// as such, never as an engine mismatch (replaying it under another policy would prove nothing).
import { readAuditLog, type AuditLogProblem, type ChainBreak } from '../../audit/reader.js';
import { diffDecisions, replayEvent, type ReplayMismatch } from '../../audit/replay.js';
import type { PolicyEngine } from '../../engine/policy-engine.js';

/** One policy given on the command line. */
export interface NamedPolicy {
  path: string;
  engine: PolicyEngine;
}

/** An event recorded under a policy hash that none of the policies given has. */
export interface UnknownPolicyEvent {
  line: number;
  event_id: string;
  policy_hash: string;
}

/** What {@link replayUnderPolicies} found. */
export interface MultiReplaySummary {
  /** The policies, in the order given, with the number of events replayed under each. */
  policies: { path: string; policyHash: string; events: number }[];
  total: number;
  matched: number;
  mismatched: ReplayMismatch[];
  unknownPolicy: UnknownPolicyEvent[];
  badLines: AuditLogProblem[];
  chainBreaks: ChainBreak[];
  chained: boolean;
  ok: boolean;
}

/**
 * Replays each event of `text` under the policy of `policies` whose hash the event records. Two
 * files with the same hash (the same bytes) count as one policy. `badUtf8` are lines the caller
 * blanked because they were not UTF-8; they are bad lines like any other.
 *
 * @example
 * ```ts
 * const s = await replayUnderPolicies(text, [{ path: 'a.yaml', engine: a }, { path: 'b.yaml', engine: b }], { tolerance: 1e-9, badUtf8: [] })
 * console.log(s.matched, s.unknownPolicy.length)
 * ```
 */
export async function replayUnderPolicies(text: string, policies: readonly NamedPolicy[], options: { tolerance: number; badUtf8: AuditLogProblem[] }): Promise<MultiReplaySummary> {
  const byHash = new Map<string, PolicyEngine>();
  for (const { engine } of policies) if (!byHash.has(engine.policyHash)) byHash.set(engine.policyHash, engine);
  const counts = new Map<string, number>();
  const log = await readAuditLog(text);
  const mismatched: ReplayMismatch[] = [];
  const unknownPolicy: UnknownPolicyEvent[] = [];
  let matched = 0;
  for (const { line, event } of log.events) {
    const engine = byHash.get(event.policy_hash);
    if (engine === undefined) {
      unknownPolicy.push({ line, event_id: event.event_id, policy_hash: event.policy_hash });
      continue;
    }
    counts.set(event.policy_hash, (counts.get(event.policy_hash) ?? 0) + 1);
    const [original, replayed] = replayEvent(event, engine);
    const fields = diffDecisions(original, replayed, { tolerance: options.tolerance });
    if (fields.length > 0) mismatched.push({ line, event_id: event.event_id, field: fields[0]!, fields });
    else matched += 1;
  }
  const badLines = [...log.errors, ...options.badUtf8].sort((a, b) => a.line - b.line);
  const seen = new Set<string>();
  return {
    policies: policies.map(({ path, engine }) => {
      const first = !seen.has(engine.policyHash);
      seen.add(engine.policyHash);
      return { path, policyHash: engine.policyHash, events: first ? (counts.get(engine.policyHash) ?? 0) : 0 };
    }),
    total: log.events.length,
    matched,
    mismatched,
    unknownPolicy,
    badLines,
    chainBreaks: log.chainBreaks,
    chained: log.chained,
    ok: mismatched.length === 0 && unknownPolicy.length === 0 && badLines.length === 0 && log.chainBreaks.length === 0,
  };
}

/**
 * The human summary of a replay under several policies: one line per policy, the counts, then one
 * line per problem.
 *
 * @example
 * ```ts
 * for (const line of describeMulti(summary, 'audit.jsonl', 'policygate-replay')) console.log(line)
 * ```
 */
export function describeMulti(s: MultiReplaySummary, logName: string, command = 'policygate-replay'): string[] {
  const rows: [string, string][] = [
    ['events', String(s.total)],
    ['matched', String(s.matched)],
    ['mismatched', String(s.mismatched.length)],
    ['under no given policy', String(s.unknownPolicy.length)],
    ['bad lines', String(s.badLines.length)],
    ['chain breaks', `${s.chainBreaks.length}${s.chained ? '' : ' (the log has no hash chain)'}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  const lines = [
    `${command}: ${logName} under ${s.policies.length} policies`,
    ...s.policies.map((p) => `  policy ${p.path} (policy hash ${p.policyHash.slice(0, 12)}…): ${p.events} event${p.events === 1 ? '' : 's'}`),
    ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(width)} ${v}`),
  ];
  for (const m of s.mismatched)
    lines.push(`mismatch: line ${m.line}, event ${m.event_id}: ${m.field} differs${m.fields.length > 1 ? ` (and ${m.fields.length - 1} other field${m.fields.length === 2 ? '' : 's'})` : ''}`);
  for (const u of s.unknownPolicy) lines.push(`unknown policy: line ${u.line}, event ${u.event_id}: recorded under ${u.policy_hash.slice(0, 12)}…, none of the ${s.policies.length} policies given`);
  for (const b of s.badLines) lines.push(`bad line: line ${b.line}: ${b.reason}`);
  for (const b of s.chainBreaks) lines.push(`chain break: line ${b.line}: ${b.reason}`);
  lines.push(s.ok ? `${command}: OK, all ${s.matched} events replay to the recorded decisions` : `${command}: FAILED`);
  return lines;
}

/**
 * The summary as wire JSON (snake_case). Differs from the one-policy summary in `policies` (instead
 * of `policy` and `policy_hash`) and `unknown_policy` (instead of `policy_hash_mismatches`).
 *
 * @example
 * ```ts
 * console.log(formatJson(multiToJson(summary, 'audit.jsonl', 1e-9)))
 * ```
 */
export function multiToJson(s: MultiReplaySummary, auditLog: string, tolerance: number): unknown {
  return {
    audit_log: auditLog,
    policies: s.policies.map((p) => ({ policy: p.path, policy_hash: p.policyHash, events: p.events })),
    tolerance,
    ok: s.ok,
    total: s.total,
    matched: s.matched,
    mismatched: s.mismatched.map((m) => ({ line: m.line, event_id: m.event_id, field: m.field, fields: m.fields })),
    unknown_policy: s.unknownPolicy.map((u) => ({ line: u.line, event_id: u.event_id, policy_hash: u.policy_hash })),
    bad_lines: s.badLines.map((b) => ({ line: b.line, reason: b.reason })),
    chained: s.chained,
    chain_breaks: s.chainBreaks.map((b) => ({ line: b.line, kind: b.kind, chain_id: b.chainId ?? null, previous_line: b.previousLine ?? null, reason: b.reason })),
  };
}

// policygate-replay: replays every event of a JSONL audit log under a policy — or under several,
// each event under the one whose hash it records — and reports what does not hold: mismatched
// decisions (with the first differing field), events recorded under another policy (or under none of
// those given), bad lines and hash-chain breaks. Exit 0 when everything matched, 1 when anything did not,
// 2 on errors (a missing file, a bad policy, a wrong option).
import type { Readable } from 'node:stream';
import { replayAuditLog, type ReplaySummary } from '../../audit/replay.js';
import type { AuditLogProblem } from '../../audit/reader.js';
import type { PolicyEngine } from '../../engine/policy-engine.js';
import { formatBytes, loadPolicyFile, MAX_FILE_BYTES, readFileBytes, tooLarge } from '../files.js';
import { formatHelp, UsageError, type OptionSpecs } from './args.js';
import { MAX_LOG_BYTES } from './limits.js';
import { describeMulti, multiToJson, replayUnderPolicies } from './replay-policies.js';
import type { CliIo } from './eval.js';
import { describeError, EXIT, formatJson, LineWriter, runCommand } from './output.js';

const COMMAND = 'policygate-replay';

/** Default relative tolerance: logs of the Python package differ in the last bits (it sums in hash order). */
const DEFAULT_TOLERANCE = 1e-9;

const OPTIONS = {
  policy: { type: 'string', value: 'FILE.yaml', help: 'the policy to replay under; give it again for a log of several policies (each event under the one whose hash it records)', multiple: true },
  'audit-log': { type: 'string', value: 'FILE.jsonl', help: "the audit log ('-' = standard input)" },
  tolerance: { type: 'string', value: 'REL', help: `relative tolerance for numbers (default ${DEFAULT_TOLERANCE}; 0 = exact)` },
  json: { type: 'boolean', help: 'print the summary as JSON (keys sorted)' },
  debug: { type: 'boolean', help: 'show stack traces on errors' },
  help: { type: 'boolean', help: 'show this help' },
  version: { type: 'boolean', help: 'show the version' },
} satisfies OptionSpecs;

const HELP = formatHelp(
  `${COMMAND} --policy FILE.yaml [--policy FILE.yaml …] --audit-log FILE.jsonl [--tolerance REL] [--json]`,
  [
    'Replays every audit event under the policy and compares the decision with the one recorded',
    '(decision, intent_id, violations, kill_switch_triggered, modified_intent). Events recorded under',
    'another policy hash are reported as such, not as engine mismatches. With several --policy files,',
    'each event is replayed under the one whose hash it records; events under none of them are reported as such.',
  ].join('\n'),
  OPTIONS,
  [
    `Limits: each policy file at most ${formatBytes(MAX_FILE_BYTES)}; the audit log at most ${formatBytes(MAX_LOG_BYTES)}.`,
    'Exit codes: 0 = everything matched, 1 = a mismatch, a policy-hash mismatch (an event under no given policy),',
    'a bad line or a chain break, 2 = error.',
  ].join('\n'),
);

/**
 * Runs `policygate-replay` with `argv` and resolves to the exit code. Never throws: errors are
 * printed to `io.stderr` and give exit code 2.
 *
 * @example
 * ```ts
 * process.exitCode = await runReplay(process.argv.slice(2), process)
 * ```
 */
export function runReplay(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand(argv, io, { name: COMMAND, specs: OPTIONS, help: HELP }, async (opts, debug) => {
    const missing = [(opts.policy === undefined || opts.policy.length === 0) && '--policy', opts['audit-log'] === undefined && '--audit-log'].filter(Boolean);
    if (missing.length) throw new UsageError(`missing ${missing.join(', ')}`);
    const tolerance = parseTolerance(opts.tolerance);
    const logPath = opts['audit-log']!;

    const policies = opts.policy!;
    const [loaded, log] = await Promise.all([Promise.allSettled(policies.map((p) => loadPolicyFile(p))), Promise.allSettled([readLog(logPath, io.stdin)])]);
    const failed = [...loaded, ...log].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      for (const r of failed) io.stderr.write(describeError(r.reason, COMMAND, debug));
      return EXIT.error;
    }
    const engines = loaded.map((r) => (r as PromiseFulfilledResult<PolicyEngine>).value);
    const { text, badUtf8 } = (log[0] as PromiseFulfilledResult<{ text: string; badUtf8: AuditLogProblem[] }>).value;
    const name = logPath === '-' ? '<stdin>' : logPath;
    const out = new LineWriter(io.stdout);
    let ok: boolean;
    if (engines.length === 1) {
      const engine = engines[0]!;
      const summary = await replayAuditLog(text, engine, { tolerance });
      // Lines that were not UTF-8 were blanked before reading; they are bad lines like any other.
      const badLines = [...summary.badLines, ...badUtf8].sort((a, b) => a.line - b.line);
      ok = summary.ok && badUtf8.length === 0;
      const report = { ...summary, badLines, ok };
      if (opts.json) await out.line(formatJson(toJson(report, { auditLog: name, policy: policies[0]!, policyHash: engine.policyHash, tolerance })));
      else for (const line of describeSummary(report, name, policies[0]!, engine.policyHash)) await out.line(line);
    } else {
      const summary = await replayUnderPolicies(
        text,
        policies.map((path, k) => ({ path, engine: engines[k]! })),
        { tolerance, badUtf8 },
      );
      ok = summary.ok;
      if (opts.json) await out.line(formatJson(multiToJson(summary, name, tolerance)));
      else for (const line of describeMulti(summary, name)) await out.line(line);
    }
    await out.end();
    if (out.failure) throw out.failure;
    return ok ? EXIT.ok : EXIT.deny;
  });
}

function parseTolerance(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TOLERANCE;
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || value < 0 || value >= 1) {
    throw new UsageError(`--tolerance must be a number ≥ 0 and < 1 (a relative tolerance such as 1e-9), got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * The log's text. A line that is not valid UTF-8 is blanked (so the reader skips it) and reported as
 * a bad line, instead of failing the whole replay or being silently repaired with U+FFFD.
 */
async function readLog(path: string, stdin: Readable): Promise<{ text: string; badUtf8: AuditLogProblem[] }> {
  let bytes: Uint8Array;
  if (path === '-') {
    // Counted as it comes: a log over the limit is refused before it is all in memory.
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of stdin) {
      const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
      total += bytes.length;
      if (total > MAX_LOG_BYTES) {
        stdin.destroy();
        throw tooLarge('<stdin>', MAX_LOG_BYTES);
      }
      chunks.push(bytes);
    }
    bytes = Buffer.concat(chunks);
  } else {
    bytes = await readFileBytes(path, MAX_LOG_BYTES);
  }
  const strict = new TextDecoder('utf-8', { fatal: true });
  try {
    return { text: strict.decode(bytes), badUtf8: [] };
  } catch {
    const lines: string[] = [];
    const badUtf8: AuditLogProblem[] = [];
    let start = 0;
    for (let n = 1; start <= bytes.length; n++) {
      let end = bytes.indexOf(0x0a, start);
      if (end === -1) end = bytes.length;
      try {
        lines.push(strict.decode(bytes.subarray(start, end)));
      } catch {
        lines.push('');
        badUtf8.push({ line: n, reason: 'not valid UTF-8 text' });
      }
      start = end + 1;
    }
    return { text: lines.join('\n'), badUtf8 };
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The human summary: counts, then one line per problem. */
function describeSummary(s: ReplaySummary, logName: string, policyName: string, policyHash: string): string[] {
  const rows: [string, string][] = [
    ['events', String(s.total)],
    ['matched', String(s.matched)],
    ['mismatched', String(s.mismatched.length)],
    ['policy-hash mismatches', String(s.policyHashMismatches.length)],
    ['bad lines', String(s.badLines.length)],
    ['chain breaks', `${s.chainBreaks.length}${s.chained ? '' : ' (the log has no hash chain)'}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  const lines = [`${COMMAND}: ${logName} under ${policyName} (policy hash ${policyHash.slice(0, 12)}…)`, ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(width)} ${v}`)];
  for (const m of s.mismatched) lines.push(`mismatch: line ${m.line}, event ${m.event_id}: ${m.field} differs${m.fields.length > 1 ? ` (and ${plural(m.fields.length - 1, 'other field')})` : ''}`);
  for (const m of s.policyHashMismatches) {
    lines.push(
      `policy-hash mismatch: line ${m.line}, event ${m.event_id}: recorded under ${m.policy_hash.slice(0, 12)}…, replayed under ${m.expected.slice(0, 12)}…${m.decisionsMatch ? ' (the decision replays the same)' : ''}`,
    );
  }
  for (const b of s.badLines) lines.push(`bad line: line ${b.line}: ${b.reason}`);
  for (const b of s.chainBreaks) lines.push(`chain break: line ${b.line}: ${b.reason}`);
  lines.push(s.ok ? `${COMMAND}: OK, all ${s.matched} events replay to the recorded decisions` : `${COMMAND}: FAILED`);
  return lines;
}

/** The summary as wire JSON (snake_case, like every other document of the package). */
function toJson(s: ReplaySummary, meta: { auditLog: string; policy: string; policyHash: string; tolerance: number }): unknown {
  return {
    audit_log: meta.auditLog,
    policy: meta.policy,
    policy_hash: meta.policyHash,
    tolerance: meta.tolerance,
    ok: s.ok,
    total: s.total,
    matched: s.matched,
    mismatched: s.mismatched.map((m) => ({ line: m.line, event_id: m.event_id, field: m.field, fields: m.fields })),
    policy_hash_mismatches: s.policyHashMismatches.map((m) => ({
      line: m.line,
      event_id: m.event_id,
      policy_hash: m.policy_hash,
      expected: m.expected,
      decisions_match: m.decisionsMatch,
    })),
    bad_lines: s.badLines.map((b) => ({ line: b.line, reason: b.reason })),
    chained: s.chained,
    chain_breaks: s.chainBreaks.map((b) => ({
      line: b.line,
      kind: b.kind,
      chain_id: b.chainId ?? null,
      previous_line: b.previousLine ?? null,
      reason: b.reason,
    })),
  };
}

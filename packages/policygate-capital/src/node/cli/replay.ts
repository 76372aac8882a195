// policygate-replay: replays every event of a JSONL audit log under a policy and reports what does
// not hold: mismatched decisions (with the first differing field), events recorded under another
// policy, bad lines and hash-chain breaks. Exit 0 when everything matched, 1 when anything did not,
// 2 on errors (a missing file, a bad policy, a wrong option).
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { replayAuditLog, type ReplaySummary } from '../../audit/replay.js';
import type { AuditLogProblem } from '../../audit/reader.js';
import { fileSystemError, loadPolicyFile } from '../files.js';
import { formatHelp, UsageError, type OptionSpecs } from './args.js';
import type { CliIo } from './eval.js';
import { describeError, EXIT, formatJson, LineWriter, runCommand } from './output.js';

const COMMAND = 'policygate-replay';

/** Default relative tolerance: logs of the Python package differ in the last bits (it sums in hash order). */
const DEFAULT_TOLERANCE = 1e-9;

const OPTIONS = {
  policy: { type: 'string', value: 'FILE.yaml', help: 'the policy to replay under' },
  'audit-log': { type: 'string', value: 'FILE.jsonl', help: "the audit log ('-' = standard input)" },
  tolerance: { type: 'string', value: 'REL', help: `relative tolerance for numbers (default ${DEFAULT_TOLERANCE}; 0 = exact)` },
  json: { type: 'boolean', help: 'print the summary as JSON (keys sorted)' },
  debug: { type: 'boolean', help: 'show stack traces on errors' },
  help: { type: 'boolean', help: 'show this help' },
  version: { type: 'boolean', help: 'show the version' },
} satisfies OptionSpecs;

const HELP = formatHelp(
  `${COMMAND} --policy FILE.yaml --audit-log FILE.jsonl [--tolerance REL] [--json]`,
  [
    'Replays every audit event under the policy and compares the decision with the one recorded',
    '(decision, intent_id, violations, kill_switch_triggered, modified_intent). Events recorded under',
    'another policy hash are reported as such, not as engine mismatches.',
  ].join('\n'),
  OPTIONS,
  'Exit codes: 0 = everything matched, 1 = a mismatch, a policy-hash mismatch, a bad line or a chain break, 2 = error.',
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
    const missing = [opts.policy === undefined && '--policy', opts['audit-log'] === undefined && '--audit-log'].filter(Boolean);
    if (missing.length) throw new UsageError(`missing ${missing.join(', ')}`);
    const tolerance = parseTolerance(opts.tolerance);
    const logPath = opts['audit-log']!;

    const [engine, log] = await Promise.allSettled([loadPolicyFile(opts.policy!), readLog(logPath, io.stdin)]);
    if (engine.status === 'rejected' || log.status === 'rejected') {
      for (const r of [engine, log]) if (r.status === 'rejected') io.stderr.write(describeError(r.reason, COMMAND, debug));
      return EXIT.error;
    }
    const summary = await replayAuditLog(log.value.text, engine.value, { tolerance });
    // Lines that were not UTF-8 were blanked before reading; they are bad lines like any other.
    const badLines = [...summary.badLines, ...log.value.badUtf8].sort((a, b) => a.line - b.line);
    const ok = summary.ok && log.value.badUtf8.length === 0;
    const report = { ...summary, badLines, ok };

    const out = new LineWriter(io.stdout);
    const name = logPath === '-' ? '<stdin>' : logPath;
    if (opts.json) await out.line(formatJson(toJson(report, { auditLog: name, policy: opts.policy!, policyHash: engine.value.policyHash, tolerance })));
    else for (const line of describeSummary(report, name, opts.policy!, engine.value.policyHash)) await out.line(line);
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
    const chunks: Uint8Array[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array));
    bytes = Buffer.concat(chunks);
  } else {
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw fileSystemError(path, e);
    }
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
  const lines = [
    `${COMMAND}: ${logName} under ${policyName} (policy hash ${policyHash.slice(0, 12)}…)`,
    ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(width)} ${v}`),
  ];
  for (const m of s.mismatched) lines.push(`mismatch: line ${m.line}, event ${m.event_id}: ${m.field} differs${m.fields.length > 1 ? ` (and ${plural(m.fields.length - 1, 'other field')})` : ''}`);
  for (const m of s.policyHashMismatches) {
    lines.push(`policy-hash mismatch: line ${m.line}, event ${m.event_id}: recorded under ${m.policy_hash.slice(0, 12)}…, replayed under ${m.expected.slice(0, 12)}…${m.decisionsMatch ? ' (the decision replays the same)' : ''}`);
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

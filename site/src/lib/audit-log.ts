// The playground's audit log: a hash-chained log (the SDK's MemoryAuditSink) plus the exact text of
// every policy its events were evaluated under, so that it can be replayed — in the page, or with
// `policygate-replay` from the files it downloads as. It survives a reload through a saved form
// (audit-store.ts) from which the same chain is rebuilt line for line.
import { MemoryAuditSink, type AuditEvent } from 'policygate-capital/audit';
import type { DecisionKind } from 'policygate-capital';

/** One event as the panel lists it. */
export interface AuditEntry {
  /** Null for a saved line that is not an audit event. */
  decision: DecisionKind | null;
  intentId: string;
  policyHash: string;
}

/** What is kept in the browser: wire-style snake_case JSON, versioned. */
export interface SavedAuditLog {
  version: 1;
  run_id: string;
  chain_id: string;
  /** The log's lines, exactly as written (no newlines). */
  lines: string[];
  /** Policy text by SHA-256 hash, for every hash the lines record. */
  policies: Record<string, string>;
}

/** File name of the downloaded log. */
export const AUDIT_FILE = 'policygate-audit.jsonl';
/** File name of the archive with the log, its policies and the command that replays them. */
export const AUDIT_ZIP = 'policygate-audit.zip';

const entryOf = (event: AuditEvent): AuditEntry => ({ decision: event.decision.decision, intentId: event.intent.intent_id, policyHash: event.policy_hash });

/**
 * An audit log of the playground's evaluations, with the policies they were evaluated under.
 *
 * @example
 * ```ts
 * const log = new PlaygroundAuditLog(`playground-${new Date().toISOString()}`)
 * log.append(buildAuditEvent(decision, intent, portfolio, market, execution, policyHash, { runId: log.runId }), policyText)
 * download(AUDIT_FILE, log.toJsonl())
 * ```
 */
export class PlaygroundAuditLog {
  readonly runId: string;
  // Lines kept verbatim because they could not be rebuilt as one chain (a damaged saved log): new
  // events then go into a chain of their own, as a second writer's would.
  readonly #kept: string[];
  readonly #sink: MemoryAuditSink;
  readonly #policies: Map<string, string>;
  readonly #entries: AuditEntry[];

  constructor(runId: string, init?: { kept: string[]; sink: MemoryAuditSink; policies: Map<string, string>; entries: AuditEntry[] }) {
    this.runId = runId;
    this.#kept = init?.kept ?? [];
    this.#sink = init?.sink ?? new MemoryAuditSink();
    this.#policies = init?.policies ?? new Map();
    this.#entries = init?.entries ?? [];
  }

  /**
   * Rebuilds a saved log. Its events are chained again under the saved chain id, which gives the
   * saved lines byte for byte; when a line does not (the stored text was changed), every saved line
   * is kept as it is, new events start a chain of their own, and `problem` says which line.
   */
  static restore(saved: SavedAuditLog): { log: PlaygroundAuditLog; problem: string | null } {
    const policies = new Map(Object.entries(saved.policies));
    const entries: AuditEntry[] = [];
    const sink = new MemoryAuditSink({ chainId: saved.chain_id });
    let problem: string | null = null;
    for (const [k, line] of saved.lines.entries()) {
      try {
        const event = JSON.parse(line) as AuditEvent;
        entries.push(entryOf(event));
        if (problem) continue;
        if (!policies.has(event.policy_hash)) problem = `line ${k + 1} was recorded under policy ${event.policy_hash.slice(0, 12)}…, whose text was not kept`;
        else {
          sink.append(event);
          if (sink.lines[k] !== line) problem = `the hash chain does not hold at line ${k + 1} (it or the line before it was changed)`;
        }
      } catch (e) {
        problem ??= `line ${k + 1} is not an audit event (${(e as Error).message})`;
        entries.push({ decision: null, intentId: '(not an audit event)', policyHash: '' });
      }
    }
    if (problem === null) return { log: new PlaygroundAuditLog(saved.run_id, { kept: [], sink, policies, entries }), problem };
    return { log: new PlaygroundAuditLog(saved.run_id, { kept: [...saved.lines], sink: new MemoryAuditSink(), policies, entries }), problem };
  }

  /** Chains and appends one event evaluated under `policyText` (whose hash the event records). */
  append(event: AuditEvent, policyText: string): void {
    this.#sink.append(event);
    if (!this.#policies.has(event.policy_hash)) this.#policies.set(event.policy_hash, policyText);
    this.#entries.push(entryOf(event));
  }

  /** Number of events. */
  get size(): number {
    return this.#entries.length;
  }

  /** The events, oldest first. */
  get entries(): readonly AuditEntry[] {
    return this.#entries;
  }

  /** Policy text by hash, in the order the log first used them. */
  get policies(): ReadonlyMap<string, string> {
    return this.#policies;
  }

  /** The log as JSONL: one line per event, each ending with `\n`. */
  toJsonl(): string {
    const lines = [...this.#kept, ...this.#sink.lines];
    return lines.length ? `${lines.join('\n')}\n` : '';
  }

  /** The form kept in the browser. */
  toSaved(): SavedAuditLog {
    return { version: 1, run_id: this.runId, chain_id: this.#sink.head.chainId, lines: [...this.#kept, ...this.#sink.lines], policies: Object.fromEntries(this.#policies) };
  }

  /** The file name a policy of this log downloads as: `policy.yaml` for a log of one policy, else by hash. */
  policyFileName(hash: string): string {
    return this.#policies.size > 1 ? `policy-${hash.slice(0, 12)}.yaml` : 'policy.yaml';
  }

  /** The command that replays the downloaded files: one `--policy` for each policy of the log. */
  replayCommand(): string {
    const hashes = this.#policies.size ? [...this.#policies.keys()] : [''];
    return `npx policygate-replay ${hashes.map((h) => `--policy ${this.policyFileName(h)}`).join(' ')} --audit-log ${AUDIT_FILE}`;
  }

  /** The files that replay: the log, each policy by its file name, and a README with the command. */
  files(): { name: string; text: string }[] {
    const readme = [
      'PolicyGate Capital playground: audit log',
      '',
      `${AUDIT_FILE}: ${this.size} event${this.size === 1 ? '' : 's'}, hash-chained.`,
      ...[...this.#policies.keys()].map((h) => `${this.policyFileName(h)}: the policy with SHA-256 ${h}.`),
      '',
      'Replay every event under the policy it was recorded with (exit code 0 when all match):',
      '',
      `  ${this.replayCommand()}`,
      '',
    ].join('\n');
    return [{ name: AUDIT_FILE, text: this.toJsonl() }, ...[...this.#policies].map(([h, text]) => ({ name: this.policyFileName(h), text })), { name: 'README.txt', text: readme }];
  }
}

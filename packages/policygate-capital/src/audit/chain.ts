// The hash chain: each line a writer appends names the SHA-256 of the exact text of the line that
// writer appended before it. Several writers (processes) may append to one file; each has its own
// chain, named by `chain_id`, so a chain never depends on how the writers' lines interleave.
import type { AuditEvent } from './schema.js';
import { CanonicalWriter, JsonText } from '../util/canonical-json.js';
import { DECISION_TEXT } from './event.js';
import { withMembers } from '../util/with-members.js';
import { sha256HexSync } from './sha256-sync.js';

/** Where a chain stands: its id, the number of lines written, and the hash of the last one. */
export interface ChainHead {
  /** The chain's id (UUID v4). */
  chainId: string;
  /** `chain_seq` of the last line (lines written − 1); −1 before the first line. */
  seq: number;
  /** SHA-256 hex of the last line's exact text; null before the first line. */
  hash: string | null;
}

/** Options of {@link AuditChain}. */
export interface AuditChainOptions {
  /** The chain's id; default a fresh `crypto.randomUUID()`. */
  chainId?: string;
  /**
   * Synchronous lowercase-hex SHA-256 of a string's UTF-8 bytes. Default: a JavaScript
   * implementation; Node's sink passes `node:crypto`, which is faster.
   */
  hash?: (text: string) => string;
}

/**
 * Turns audit events into chained lines: stamps `chain_id`, `chain_seq` (0, 1, 2, …) and `prev_hash`
 * (the SHA-256 hex of the exact text of this chain's previous line, null for the first) and returns
 * the canonical line (without its newline). Appending the lines in the order returned gives a chain
 * that {@link readAuditLog} verifies: an edited line (other than a chain's last), a dropped, inserted,
 * duplicated or reordered line is reported with its line number. What a chain cannot show by itself:
 * lines removed from, or forged onto, its *end* — compare {@link AuditChain.head} with a copy kept
 * elsewhere for that.
 *
 * The sinks ({@link MemoryAuditSink}, Node's `FileAuditSink`) use one chain each; use this class for a
 * sink of your own.
 *
 * @example
 * ```ts
 * const chain = new AuditChain()
 * const line = chain.next(buildAuditEvent(decision, intent, portfolio, market, execution, engine.policyHash))
 * await myStore.append(line + '\n')
 * console.log(chain.head) // { chainId: '…', seq: 0, hash: '…' }
 * ```
 */
export class AuditChain {
  /** The chain's id, written as `chain_id` on every line. */
  readonly chainId: string;
  readonly #hash: (text: string) => string;
  // One writer per chain: consecutive events share their shape and most of their content (the
  // portfolio, the prices), whose text it reuses once it has checked that nothing changed.
  readonly #writer = new CanonicalWriter();
  #seq = -1;
  #prev: string | null = null;

  constructor(options: AuditChainOptions = {}) {
    this.chainId = options.chainId ?? crypto.randomUUID();
    this.#hash = options.hash ?? sha256HexSync;
  }

  /**
   * Serializes the next event of the chain. The event's own chain fields, if any, are replaced.
   *
   * @throws {RangeError} when the event holds a non-finite number; the chain does not advance.
   */
  next(event: AuditEvent): string {
    const members: Record<string, unknown> = { chain_id: this.chainId, chain_seq: this.#seq + 1, prev_hash: this.#prev };
    const decisionText = (event as { [DECISION_TEXT]?: unknown })[DECISION_TEXT];
    if (typeof decisionText === 'string') members.decision = new JsonText(decisionText);
    const line = this.#writer.write(withMembers(event, members));
    this.#prev = this.#hash(line);
    this.#seq += 1;
    return line;
  }

  /** Where the chain stands; keep a copy elsewhere to detect truncation or forged lines at its end. */
  get head(): ChainHead {
    return { chainId: this.chainId, seq: this.#seq, hash: this.#prev };
  }
}

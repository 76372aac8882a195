import { AuditChain, type AuditChainOptions, type ChainHead } from './chain.js';
import { AuditWriteError } from './errors.js';
import type { AuditEvent } from './schema.js';
import type { AuditSink } from './sink.js';

/**
 * An in-memory, chained audit log for the browser, tests and short sessions. Each appended event is
 * serialized and chained at once (later changes to the caller's objects do not alter it);
 * `toJsonl()` gives the text a file would hold, which `readAuditLog`, `replayAuditLog` and the
 * `policygate-replay` CLI accept. Memory grows with every event; export and start a new sink to
 * bound it.
 *
 * @example
 * ```ts
 * const sink = new MemoryAuditSink()
 * const audited = createAuditedEvaluator(engine, sink)
 * await audited(intent, portfolio, market)
 * const url = URL.createObjectURL(new Blob([sink.toJsonl()], { type: 'application/x-ndjson' })) // a .jsonl download
 * ```
 */
export class MemoryAuditSink implements AuditSink {
  readonly #chain: AuditChain;
  readonly #lines: string[] = [];

  constructor(options: AuditChainOptions = {}) {
    this.#chain = new AuditChain(options);
  }

  /**
   * Serializes, chains and stores one event.
   *
   * @throws {AuditWriteError} when the event cannot be serialized (a non-finite number).
   */
  append(event: AuditEvent): void {
    let line: string;
    try {
      line = this.#chain.next(event);
    } catch (e) {
      throw new AuditWriteError(`audit write failed: event not serializable: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    this.#lines.push(line);
  }

  /** A copy of the lines stored so far, without newlines. */
  get lines(): string[] {
    return this.#lines.slice();
  }

  /** Number of events stored. */
  get size(): number {
    return this.#lines.length;
  }

  /** The chain's id and end (see {@link AuditChain.head}). */
  get head(): ChainHead {
    return this.#chain.head;
  }

  /** The log as JSONL text: one line per event, each ending with `\n`; empty for no events. */
  toJsonl(): string {
    return this.#lines.length ? this.#lines.join('\n') + '\n' : '';
  }
}

// The CLI's audit trail: one event per evaluation, appended to a JSONL file through the audit
// module's FileAuditSink (O_APPEND, hash-chained, durable or batched).
import { buildAuditEvent } from '../../audit/event.js';
import type { PolicyEngine } from '../../engine/policy-engine.js';
import type { Decision } from '../../engine/types.js';
import type { ExecutionState, MarketSnapshot, OrderIntent, PortfolioState } from '../../model/schemas.js';
import { FileAuditSink } from '../audit-file-sink.js';

/** Appends one audit event per evaluation; `close` writes what is buffered and syncs. */
export interface AuditWriter {
  append(decision: Decision, intent: OrderIntent, portfolio: PortfolioState, market: MarketSnapshot, execution: ExecutionState): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens `path` for appending audit events of `engine`'s decisions. `durable`: each append resolves
 * once the event is on disk (one order: the decision is printed only after that). Otherwise events
 * are written in batches and synced at `close` (a stream of orders).
 *
 * @throws {AuditWriteError} when the file cannot be opened, naming the path and the reason.
 * @example
 * ```ts
 * const audit = await openAuditWriter('audit.jsonl', engine, { durable: true, runId: undefined })
 * await audit.append(decision, intent, portfolio, market, execution)
 * await audit.close()
 * ```
 */
export async function openAuditWriter(path: string, engine: PolicyEngine, options: { durable: boolean; runId: string | undefined }): Promise<AuditWriter> {
  const sink = await FileAuditSink.open(path, { mode: options.durable ? 'durable' : 'batched' });
  const eventOptions = options.runId === undefined ? {} : { runId: options.runId };
  return {
    async append(decision, intent, portfolio, market, execution) {
      await sink.append(buildAuditEvent(decision, intent, portfolio, market, execution, engine.policyHash, eventOptions));
    },
    close: () => sink.close(),
  };
}

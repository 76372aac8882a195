// Audit events for the CLI: temporary until the audit module lands (wired in the next commit).
import type { PolicyEngine } from '../../engine/policy-engine.js';
import type { Decision } from '../../engine/types.js';
import type { ExecutionState, MarketSnapshot, OrderIntent, PortfolioState } from '../../model/schemas.js';
import { UsageError } from './args.js';

/** Appends one audit event per evaluation. */
export interface AuditWriter {
  append(decision: Decision, intent: OrderIntent, portfolio: PortfolioState, market: MarketSnapshot, execution: ExecutionState): Promise<void>;
  close(): Promise<void>;
}

export async function openAuditWriter(_path: string, _engine: PolicyEngine, _options: { durable: boolean; runId: string | undefined }): Promise<AuditWriter> {
  throw new UsageError('--audit-log is not available yet');
}

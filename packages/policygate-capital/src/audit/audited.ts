// Evaluate and audit in one step, so that no decision leaves without its event.
import type { PolicyEngine } from '../engine/policy-engine.js';
import type { Decision } from '../engine/types.js';
import type { ExecutionStateInput, MarketSnapshot, OrderIntent, PortfolioState } from '../model/schemas.js';
import { AuditWriteError } from './errors.js';
import { buildAuditEvent } from './event.js';
import type { AuditSink } from './sink.js';

/** Options of {@link createAuditedEvaluator}. */
export interface AuditedEvaluatorOptions {
  /**
   * When the event cannot be written: false (default) — throw an {@link AuditWriteError}; true —
   * return a DENY decision with the single violation SYS-002 CRIT `Evaluation error: audit write
   * failed: …`, whatever the policy's mode or default decision (an order must not go out unaudited).
   */
  failClosedOnAuditError?: boolean;
  /** Written as `run_id` on every event. */
  runId?: string;
}

/** Evaluates one order and records it; see {@link createAuditedEvaluator}. */
export type AuditedEvaluator = (intent: OrderIntent, portfolio: PortfolioState, market: MarketSnapshot, execution?: ExecutionStateInput) => Promise<Decision>;

function asAuditWriteError(e: unknown): AuditWriteError {
  if (e instanceof AuditWriteError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new AuditWriteError(`audit write failed: ${message}`, { cause: e });
}

/**
 * Wraps an engine and a sink: each call evaluates the order, builds its audit event and appends it,
 * and resolves with the decision only once the sink has taken the event (for a durable file sink:
 * once the line is on disk). If the append fails, the call rejects with an {@link AuditWriteError}
 * (`ERR_AUDIT_WRITE`, naming the file and the OS reason) — or, with `failClosedOnAuditError`,
 * resolves with a DENY whose only violation is SYS-002.
 *
 * @example
 * ```ts
 * const sink = await FileAuditSink.open('audit.jsonl', { mode: 'durable' }) // policygate-capital/node
 * const audited = createAuditedEvaluator(engine, sink, { failClosedOnAuditError: true, runId: 'live-1' })
 * const decision = await audited(intent, portfolio, market, execution)
 * ```
 */
export function createAuditedEvaluator(engine: PolicyEngine, sink: AuditSink, options: AuditedEvaluatorOptions = {}): AuditedEvaluator {
  const failClosed = options.failClosedOnAuditError ?? false;
  const eventOptions = options.runId === undefined ? {} : { runId: options.runId };
  const tripsOnAuditFailure = engine.policy.limits.kill_switch.trip_on_rules.includes('SYS-002');
  return async (intent, portfolio, market, execution) => {
    const decision = engine.evaluate(intent, portfolio, market, execution);
    try {
      await sink.append(buildAuditEvent(decision, intent, portfolio, market, execution, engine.policyHash, eventOptions));
      return decision;
    } catch (e) {
      const error = asAuditWriteError(e);
      if (!failClosed) throw error;
      return {
        decision: 'DENY',
        intent_id: decision.intent_id,
        modified_intent: null,
        violations: [{ rule_id: 'SYS-002', severity: 'CRIT', message: `Evaluation error: ${error.message}`, inputs: {}, computed: {} }],
        evidence: [],
        eval_ms: decision.eval_ms,
        kill_switch_triggered: tripsOnAuditFailure,
      };
    }
  };
}

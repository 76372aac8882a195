// RedisGate's fail-closed answers: what a check says when the state store cannot be trusted.
import type { Decision } from '../index.js';
import { roundMs } from '../util/py-round.js';

/** The intent's id, for a decision about any input (never throws). */
export function intentIdOf(intent: unknown): string {
  try {
    const id = (intent as { intent_id?: unknown } | null)?.intent_id;
    return typeof id === 'string' ? id : '';
  } catch {
    return '';
  }
}

/** A message for anything thrown. */
export function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The fail-closed answer: DENY whatever `defaults.decision` says; not counted anywhere (nothing was committed). */
export function unavailableDecision(intentId: string, why: string, started: number): Decision {
  return {
    decision: 'DENY',
    intent_id: intentId,
    modified_intent: null,
    violations: [{ rule_id: 'SYS-002', severity: 'CRIT', message: `Evaluation error: state store unavailable (${why}); the order is not approved.`, inputs: {}, computed: {} }],
    evidence: [],
    eval_ms: roundMs(performance.now() - started),
    kill_switch_triggered: false,
  };
}

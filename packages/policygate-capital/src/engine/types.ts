import type { OrderIntent } from '../model/schemas.js';

/** How serious a violation is. */
export type Severity = 'CRIT' | 'HIGH';

/** The engine's answer. */
export type DecisionKind = 'ALLOW' | 'DENY' | 'MODIFY';

/** One rule that fired: what it saw (`inputs`, the limits) and what it computed. */
export interface Violation {
  rule_id: string;
  severity: Severity;
  message: string;
  inputs: Record<string, unknown>;
  /** What the rule computed: numbers (unrounded), or an id such as EXEC-003's `duplicate_of`. */
  computed: Record<string, number | string>;
}

/** The metrics of the evidence: the five of v0.1, then the v0.2 order and market-data figures when their limit is set. */
export type EvidenceMetric = 'daily_return' | 'drawdown' | 'new_position_pct' | 'gross_exposure_x' | 'net_exposure_x' | 'order_qty' | 'order_notional' | 'limit_price_deviation' | 'price_age_seconds';

/**
 * One metric against its (resolved) limit, both rounded to 6 decimals. `limit` null = unchecked;
 * `value` null only for `limit_price_deviation` of an order that is not a priced limit order.
 */
export interface Evidence {
  metric: EvidenceMetric;
  value: number | null;
  limit: number | null;
}

/** What every decision carries, whatever its kind. */
export interface DecisionBase {
  intent_id: string;
  violations: Violation[];
  evidence: Evidence[];
  /** Wall time of the evaluation in ms (3 decimals): the only field that may differ between two evaluations of the same inputs. */
  eval_ms: number;
  kill_switch_triggered: boolean;
}

/** The order may be sent as it is. */
export interface AllowDecision extends DecisionBase {
  decision: 'ALLOW';
  modified_intent: null;
}

/** The order must not be sent. */
export interface DenyDecision extends DecisionBase {
  decision: 'DENY';
  modified_intent: null;
}

/** The order may be sent with the reduced quantity of `modified_intent` (EXP-001 alone fired). */
export interface ModifyDecision extends DecisionBase {
  decision: 'MODIFY';
  modified_intent: OrderIntent;
}

/**
 * The result of an evaluation (wire format of the Python package): a union on `decision`, so that
 * narrowing gives `modified_intent` its type without a `!`.
 *
 * @example
 * ```ts
 * const d = engine.evaluate(intent, portfolio, market)
 * if (d.decision === 'MODIFY') send(d.modified_intent) // an OrderIntent, not null
 * ```
 */
export type Decision = AllowDecision | DenyDecision | ModifyDecision;

/** The execution-state figures the rules read. */
export interface ExecutionCounts {
  killSwitchActive: boolean;
  globalCount: number;
  strategyCount: number;
  /** v0.2: the recent order this one duplicates (EXEC-003), or null. */
  duplicateOf?: string | null;
  /** v0.2: the market data's age in seconds when `max_price_age_seconds` is set, else null. */
  priceAge?: number | null;
}

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
export type EvidenceMetric =
  | 'daily_return'
  | 'drawdown'
  | 'new_position_pct'
  | 'gross_exposure_x'
  | 'net_exposure_x'
  | 'order_qty'
  | 'order_notional'
  | 'limit_price_deviation'
  | 'price_age_seconds';

/**
 * One metric against its (resolved) limit, both rounded to 6 decimals. `limit` null = unchecked;
 * `value` null only for `limit_price_deviation` of an order that is not a priced limit order.
 */
export interface Evidence {
  metric: EvidenceMetric;
  value: number | null;
  limit: number | null;
}

/**
 * The result of an evaluation (wire format of the Python package).
 *
 * `modified_intent` is set only for MODIFY (the intent with the reduced `qty`); `eval_ms` is the only
 * field that may differ between two evaluations of the same inputs.
 */
export interface Decision {
  decision: DecisionKind;
  intent_id: string;
  modified_intent: OrderIntent | null;
  violations: Violation[];
  evidence: Evidence[];
  eval_ms: number;
  kill_switch_triggered: boolean;
}

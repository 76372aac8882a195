// Policy DSL v0.1 (SPEC.md "Policy DSL"): the seed README's YAML, strict, with the ranges of the spec.
import * as v from 'valibot';
import { dataRecord, finiteNumber, str, strictObject } from '../model/fields.js';

/** Every rule id the engine can emit, in evaluation order. */
export const RULE_IDS = [
  'SYS-001',
  'SYS-002',
  'KILL-001',
  'LOSS-001',
  'LOSS-002',
  'EXEC-001',
  'EXEC-002',
  'EXP-001',
  'EXP-002',
  'EXP-003',
] as const;

/** A rule id such as `EXP-001`. */
export type RuleId = (typeof RULE_IDS)[number];

/** Exposure limits: position size, gross and net exposure as multiples of equity. */
export const ExposureLimitsSchema = strictObject({
  max_position_pct: finiteNumber({ gt: 0, le: 1 }),
  max_gross_exposure_x: finiteNumber({ gt: 0 }),
  // null or absent: net exposure is not checked (evidence limit null).
  max_net_exposure_x: v.optional(v.nullable(finiteNumber({ gt: 0 })), null),
});

/** Loss limits: daily loss and drawdown as fractions of equity. */
export const LossLimitsSchema = strictObject({
  daily_loss_limit_pct: finiteNumber({ gt: 0, le: 1 }),
  max_drawdown_pct: finiteNumber({ gt: 0, le: 1 }),
});

/** Execution throttles: orders per minute, globally and per strategy. */
export const ExecutionLimitsSchema = strictObject({
  max_orders_per_minute_global: finiteNumber({ int: true, ge: 1, le: 10000 }),
  max_orders_per_minute_by_strategy: finiteNumber({ int: true, ge: 1, le: 10000 }),
});

/** Kill switch: which rules trip it, and the violation-count trigger used by `PolicyGate`. */
export const KillSwitchSchema = strictObject({
  // A misspelt rule id would silently never trip: refuse it.
  trip_on_rules: v.optional(
    v.array(
      v.picklist(RULE_IDS, (i) => `must be a rule id (${RULE_IDS.join(', ')}), got ${i.received}`),
      (i) => `must be a list of rule ids, got ${i.received}`,
    ),
    () => [],
  ),
  trip_after_n_violations: finiteNumber({ int: true, ge: 1, le: 10000 }),
  violation_window_seconds: finiteNumber({ int: true, ge: 1, le: 31536000 }),
});

/** An override: any of the exposure, loss and execution sections, each complete. */
export const OverrideSchema = strictObject({
  exposure: v.optional(ExposureLimitsSchema),
  loss: v.optional(LossLimitsSchema),
  execution: v.optional(ExecutionLimitsSchema),
});

/**
 * Schema of a policy document (DSL v0.1), after YAML or JSON parsing.
 *
 * @example
 * ```ts
 * const policy = parsePolicy(YAML.parse(text)) // or await PolicyEngine.fromYaml(text)
 * ```
 */
export const PolicySchema = strictObject({
  // `version: 0.1` unquoted is a YAML number; accept it as the string it means.
  version: v.optional(
    v.pipe(
      v.union([v.literal('0.1'), v.literal(0.1)], (i) => `must be "0.1", got ${i.received}`),
      v.transform((): '0.1' => '0.1'),
    ),
    '0.1',
  ),
  timezone: v.optional(
    v.pipe(
      str(),
      v.toUpperCase(),
      v.literal('UTC', (i) => `must be UTC (the only supported timezone), got ${i.received}`),
    ),
    'UTC',
  ),
  defaults: v.optional(
    strictObject({
      mode: v.optional(v.picklist(['enforce', 'monitor'], (i) => `must be enforce or monitor, got ${i.received}`), 'enforce'),
      decision: v.optional(v.picklist(['deny', 'allow'], (i) => `must be deny or allow, got ${i.received}`), 'deny'),
    }),
    () => ({ mode: 'enforce' as const, decision: 'deny' as const }),
  ),
  limits: strictObject({
    exposure: ExposureLimitsSchema,
    loss: LossLimitsSchema,
    execution: ExecutionLimitsSchema,
    kill_switch: KillSwitchSchema,
  }),
  overrides: v.optional(
    strictObject({
      symbols: v.optional(dataRecord(OverrideSchema), () => ({})),
      strategies: v.optional(dataRecord(OverrideSchema), () => ({})),
    }),
    () => ({ symbols: {}, strategies: {} }),
  ),
});

/** A validated policy (DSL v0.1), defaults filled in. */
export type Policy = v.InferOutput<typeof PolicySchema>;
/** A policy as it may be written: optional fields may be left out. */
export type PolicyInput = v.InferInput<typeof PolicySchema>;
/** Exposure limits section. */
export type ExposureLimits = v.InferOutput<typeof ExposureLimitsSchema>;
/** Loss limits section. */
export type LossLimits = v.InferOutput<typeof LossLimitsSchema>;
/** Execution limits section. */
export type ExecutionLimits = v.InferOutput<typeof ExecutionLimitsSchema>;

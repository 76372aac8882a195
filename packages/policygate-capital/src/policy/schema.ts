// The policy DSL (docs: /docs/dsl/): v0.1 is the seed README's YAML, strict, with the ranges of the
// spec; v0.2 adds instruments, order controls, stale-data and duplicate checks and reduce-only halts.
// A v0.1 policy stays strict: a v0.2 key in it is an error that names it.
import * as v from 'valibot';
import { dataRecord, finiteNumber, str, strictObject } from '../model/fields.js';
import { pyRound } from '../util/py-round.js';

/** The rule ids of policy DSL v0.1, in evaluation order. */
export const RULE_IDS_V01 = ['SYS-001', 'SYS-002', 'KILL-001', 'LOSS-001', 'LOSS-002', 'EXEC-001', 'EXEC-002', 'EXP-001', 'EXP-002', 'EXP-003'] as const;

/** Every rule id the engine can emit (policy DSL v0.2), in evaluation order. */
export const RULE_IDS = [
  'SYS-001',
  'SYS-002',
  'SYS-003',
  'KILL-001',
  'LOSS-001',
  'LOSS-002',
  'EXEC-001',
  'EXEC-002',
  'EXEC-003',
  'ORD-001',
  'ORD-002',
  'ORD-003',
  'ORD-004',
  'ORD-005',
  'EXP-001',
  'EXP-002',
  'EXP-003',
] as const;

/** A rule id such as `EXP-001`. */
export type RuleId = (typeof RULE_IDS)[number];

/** The policy DSL versions this engine reads. */
export const POLICY_VERSIONS = ['0.1', '0.2'] as const;

/**
 * An optional section or field: absent, or given as null (a YAML key with nothing after it, such as
 * `loss:`) — both read as absent, as the Python package reads them.
 */
const absent = <T extends v.GenericSchema>(schema: T) => v.nullish(schema);

/** Drops the keys whose value is null or undefined: an `absent` section given as null is left out. */
function dropNulls<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], null> } {
  for (const k of Object.keys(o)) if ((o as Record<string, unknown>)[k] == null) delete (o as Record<string, unknown>)[k];
  return o as { [K in keyof T]: Exclude<T[K], null> };
}

/** A strict object whose `absent` members given as null are left out of the output. */
const sections = <E extends v.ObjectEntries>(entries: E) => v.pipe(strictObject(entries), v.transform(dropNulls));

/** An optional field with a default: absent or null gives the default. */
const withDefault = <T extends v.GenericSchema>(schema: T, fallback: () => v.InferInput<T>) => v.nullish(schema, fallback as never);

/** A limit that may be left unchecked: absent or null = unchecked (null). */
const unchecked = <T extends v.GenericSchema>(schema: T) => v.optional(v.nullable(schema), null);

/** A key of policy DSL v0.2 met in a v0.1 policy: refused with a message that names the fix. */
const v02Only = () => v.optional(v.custom<never>(() => false, 'is a policy DSL v0.2 key: set `version: "0.2"` to use it (a v0.1 policy stays strict)'));

/** Exposure limits: position size, gross and net exposure as multiples of equity. */
export const ExposureLimitsSchema = strictObject({
  max_position_pct: finiteNumber({ gt: 0, le: 1 }),
  max_gross_exposure_x: finiteNumber({ gt: 0 }),
  // null or absent: net exposure is not checked (evidence limit null).
  max_net_exposure_x: unchecked(finiteNumber({ gt: 0 })),
});

/** Loss limits: daily loss and drawdown as fractions of equity. */
export const LossLimitsSchema = strictObject({
  daily_loss_limit_pct: finiteNumber({ gt: 0, le: 1 }),
  max_drawdown_pct: finiteNumber({ gt: 0, le: 1 }),
});

const executionEntries = {
  max_orders_per_minute_global: finiteNumber({ int: true, ge: 1, le: 10000 }),
  max_orders_per_minute_by_strategy: finiteNumber({ int: true, ge: 1, le: 10000 }),
};

/** Execution throttles: orders per minute, globally and per strategy. */
export const ExecutionLimitsSchema = strictObject({ ...executionEntries, duplicate_window_seconds: v02Only() });

// A misspelt rule id would silently never trip: refuse it.
const tripOnRules = (ids: readonly string[]) =>
  withDefault(
    v.array(
      v.picklist(ids, (i) => `must be a rule id (${ids.join(', ')}), got ${i.received}`),
      (i) => `must be a list of rule ids, got ${i.received}`,
    ),
    (): string[] => [],
  );

const killSwitchEntries = {
  trip_after_n_violations: finiteNumber({ int: true, ge: 1, le: 10000 }),
  violation_window_seconds: finiteNumber({ int: true, ge: 1, le: 31536000 }),
};

/** Kill switch: which rules trip it, and the violation-count trigger used by `PolicyGate`. */
export const KillSwitchSchema = strictObject({ trip_on_rules: tripOnRules(RULE_IDS_V01), ...killSwitchEntries, reduce_only: v02Only() });

/** An override: any of the exposure, loss and execution sections, each complete. */
export const OverrideSchema = sections({
  exposure: absent(ExposureLimitsSchema),
  loss: absent(LossLimitsSchema),
  execution: absent(ExecutionLimitsSchema),
  order: v02Only(),
});

// ---- Policy DSL v0.2 sections ----

/** v0.2 execution limits: the v0.1 throttles plus the duplicate-order window. */
export const ExecutionLimitsV02Schema = strictObject({
  ...executionEntries,
  duplicate_window_seconds: unchecked(finiteNumber({ int: true, ge: 1, le: 3600 })),
});

/** v0.2 kill switch: any rule id may trip it; `reduce_only` lets orders that only reduce a position through the halts. */
export const KillSwitchV02Schema = strictObject({
  trip_on_rules: tripOnRules(RULE_IDS),
  ...killSwitchEntries,
  reduce_only: withDefault(
    v.boolean((i) => `must be true or false, got ${i.received}`),
    () => false,
  ),
});

/** v0.2 order controls (ORD-001..004): size, notional, price collar, restricted list. */
export const OrderLimitsSchema = strictObject({
  max_order_qty: unchecked(finiteNumber({ gt: 0 })),
  max_order_notional: unchecked(finiteNumber({ gt: 0 })),
  price_collar_pct: unchecked(finiteNumber({ gt: 0, le: 10 })),
  restricted_symbols: withDefault(
    v.array(str(), (i) => `must be a list of symbols, got ${i.received}`),
    (): string[] => [],
  ),
});

/** v0.2 market-data limits (SYS-003): the oldest price the engine decides on. */
export const MarketDataLimitsSchema = strictObject({
  max_price_age_seconds: unchecked(finiteNumber({ int: true, ge: 1, le: 86400 })),
});

/** v0.2 instrument: contract multiplier (default 1) and trading unit (default none). */
export const InstrumentSpecSchema = strictObject({
  multiplier: withDefault(finiteNumber({ gt: 0 }), () => 1),
  lot_size: unchecked(
    v.pipe(
      finiteNumber({ gt: 0 }),
      v.check(
        (x) => pyRound(x, 8) === x,
        (i) => `must have at most 8 decimals, got ${i.received}`,
      ),
    ),
  ),
});

/** A v0.2 override: any of the exposure, loss, execution and order sections, each complete. */
export const OverrideV02Schema = sections({
  exposure: absent(ExposureLimitsSchema),
  loss: absent(LossLimitsSchema),
  execution: absent(ExecutionLimitsV02Schema),
  order: absent(OrderLimitsSchema),
});

const timezone = () =>
  withDefault(
    v.pipe(
      str(),
      v.toUpperCase(),
      v.literal('UTC', (i) => `must be UTC (the only supported timezone), got ${i.received}`),
    ),
    (): 'UTC' => 'UTC',
  );

const defaults = () =>
  withDefault(
    strictObject({
      mode: withDefault(
        v.picklist(['enforce', 'monitor'], (i) => `must be enforce or monitor, got ${i.received}`),
        (): 'enforce' => 'enforce',
      ),
      decision: withDefault(
        v.picklist(['deny', 'allow'], (i) => `must be deny or allow, got ${i.received}`),
        (): 'deny' => 'deny',
      ),
    }),
    () => ({ mode: 'enforce' as const, decision: 'deny' as const }),
  );

const overrides = <T extends v.GenericSchema>(override: T) =>
  withDefault(
    strictObject({
      symbols: withDefault(dataRecord(override), (): Record<string, v.InferOutput<T>> => ({})),
      strategies: withDefault(dataRecord(override), (): Record<string, v.InferOutput<T>> => ({})),
    }),
    () => ({ symbols: {}, strategies: {} }),
  );

// `version: 0.1` unquoted is a YAML number; accept it as the string it means.
const version = <V extends '0.1' | '0.2'>(name: V) =>
  v.pipe(
    v.union([v.literal(name), v.literal(Number(name))], (i) => `must be "${name}", got ${i.received}`),
    v.transform((): V => name),
  );

/**
 * Schema of a policy document of DSL v0.1, after YAML or JSON parsing.
 *
 * @example
 * ```ts
 * const policy = parsePolicy(YAML.parse(text)) // or await PolicyEngine.fromYaml(text)
 * ```
 */
export const PolicyV01Schema = strictObject({
  version: withDefault(version('0.1'), (): '0.1' => '0.1'),
  timezone: timezone(),
  defaults: defaults(),
  limits: strictObject({
    exposure: ExposureLimitsSchema,
    loss: LossLimitsSchema,
    execution: ExecutionLimitsSchema,
    kill_switch: KillSwitchSchema,
    order: v02Only(),
    market_data: v02Only(),
  }),
  overrides: overrides(OverrideSchema),
  instruments: v02Only(),
});

/** Schema of a policy document of DSL v0.2 (`version: "0.2"`). */
export const PolicyV02Schema = strictObject({
  version: version('0.2'),
  timezone: timezone(),
  defaults: defaults(),
  limits: sections({
    exposure: ExposureLimitsSchema,
    loss: LossLimitsSchema,
    execution: ExecutionLimitsV02Schema,
    kill_switch: KillSwitchV02Schema,
    order: absent(OrderLimitsSchema),
    market_data: absent(MarketDataLimitsSchema),
  }),
  overrides: overrides(OverrideV02Schema),
  instruments: withDefault(dataRecord(InstrumentSpecSchema), (): Record<string, v.InferOutput<typeof InstrumentSpecSchema>> => ({})),
});

/**
 * Schema of a policy document (DSL v0.1 or v0.2, by its `version`), after YAML or JSON parsing. An
 * unknown version is an error that lists the known ones.
 *
 * @example
 * ```ts
 * const policy = parsePolicy(YAML.parse(text)) // or await PolicyEngine.fromYaml(text)
 * ```
 */
export const PolicySchema = v.variant('version', [PolicyV01Schema, PolicyV02Schema], (i) =>
  i.path
    ? `must be one of ${POLICY_VERSIONS.map((x) => `"${x}"`).join(', ')} (the policy DSL versions this engine reads), got ${i.received}`
    : `must be an object (a mapping of fields), got ${i.received}`,
);

/** A validated policy of DSL v0.1, defaults filled in. */
export type PolicyV01 = v.InferOutput<typeof PolicyV01Schema>;
/** A validated policy of DSL v0.2, defaults filled in. */
export type PolicyV02 = v.InferOutput<typeof PolicyV02Schema>;
/** A validated policy (DSL v0.1 or v0.2, told apart by `version`), defaults filled in. */
export type Policy = PolicyV01 | PolicyV02;
/** A policy as it may be written: optional fields may be left out. */
export type PolicyInput = v.InferInput<typeof PolicySchema>;
/** Exposure limits section. */
export type ExposureLimits = v.InferOutput<typeof ExposureLimitsSchema>;
/** Loss limits section. */
export type LossLimits = v.InferOutput<typeof LossLimitsSchema>;
/** Execution limits section. */
export type ExecutionLimits = v.InferOutput<typeof ExecutionLimitsSchema>;
/** v0.2 execution limits section (with the duplicate window). */
export type ExecutionLimitsV02 = v.InferOutput<typeof ExecutionLimitsV02Schema>;
/** v0.2 order controls section. */
export type OrderLimits = v.InferOutput<typeof OrderLimitsSchema>;
/** v0.2 instrument: multiplier and lot size. */
export type InstrumentSpec = v.InferOutput<typeof InstrumentSpecSchema>;

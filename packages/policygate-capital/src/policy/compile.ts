// A policy prepared for evaluation: override lookups in Maps (symbols and strategy ids are data,
// never object members), and the evidence limits rounded once instead of on every call.
import { pyRound } from '../util/py-round.js';
import { PolicySchema, type ExecutionLimitsV02, type ExposureLimits, type LossLimits, type OrderLimits, type Policy } from './schema.js';
import { safeParse } from '../util/safe-parse.js';

/** Exposure limits with their evidence values rounded once. */
export interface PreparedExposure extends ExposureLimits {
  readonly evidence: { position: number; gross: number; net: number | null };
}
/** Loss limits with their evidence values rounded once. */
export interface PreparedLoss extends LossLimits {
  readonly evidence: { dailyReturn: number; drawdown: number };
}

/** Execution limits; `duplicate_window_seconds` null when unchecked (always, under v0.1). */
export type PreparedExecution = Readonly<ExecutionLimitsV02>;

/** Order controls (v0.2) with the restricted list as a Set and the evidence limits rounded once. */
export interface PreparedOrder extends OrderLimits {
  readonly restricted: ReadonlySet<string>;
  readonly evidence: { qty: number | null; notional: number | null; collar: number | null };
}

/** An instrument's contract multiplier and lot size (v0.2). */
export interface PreparedInstrument {
  readonly multiplier: number;
  readonly lotSize: number | null;
}

interface PreparedOverride {
  exposure?: PreparedExposure;
  loss?: PreparedLoss;
  execution?: PreparedExecution;
  order?: PreparedOrder;
}

/** The limits that apply to one order, after override resolution. */
export interface ResolvedLimits {
  exposure: PreparedExposure;
  loss: PreparedLoss;
  execution: PreparedExecution;
  /** Order controls; null when no section applies (v0.1, or none given). */
  order: PreparedOrder | null;
}

/** A policy compiled for the evaluator. Internal. */
export interface CompiledPolicy {
  readonly policy: Policy;
  readonly enforce: boolean;
  readonly failDecision: 'ALLOW' | 'DENY';
  readonly base: ResolvedLimits;
  readonly symbols: ReadonlyMap<string, PreparedOverride>;
  readonly strategies: ReadonlyMap<string, PreparedOverride>;
  readonly tripOn: ReadonlySet<string>;
  /** Policy DSL v0.2 (its clock rules read timestamps). */
  readonly v02: boolean;
  /** v0.2: instruments by symbol (empty: every symbol has multiplier 1 and no lot size). */
  readonly instruments: ReadonlyMap<string, PreparedInstrument>;
  /** v0.2: some instrument has a multiplier other than 1. */
  readonly multiplied: boolean;
  /** v0.2 `limits.market_data.max_price_age_seconds`, null when unchecked. */
  readonly maxPriceAgeSeconds: number | null;
  /** Its evidence limit, rounded once. */
  readonly priceAgeEvidence: number | null;
  /** v0.2 `limits.kill_switch.reduce_only`. */
  readonly reduceOnly: boolean;
}

/** An instrument's multiplier (1 when the policy does not list it). */
export const multiplierOf = (c: CompiledPolicy, symbol: string): number => (c.multiplied ? (c.instruments.get(symbol)?.multiplier ?? 1) : 1);

const prepareExposure = (e: ExposureLimits): PreparedExposure => ({
  ...e,
  evidence: {
    position: pyRound(e.max_position_pct, 6),
    gross: pyRound(e.max_gross_exposure_x, 6),
    net: e.max_net_exposure_x == null ? null : pyRound(e.max_net_exposure_x, 6),
  },
});

const prepareLoss = (l: LossLimits): PreparedLoss => ({
  ...l,
  evidence: { dailyReturn: pyRound(-l.daily_loss_limit_pct, 6), drawdown: pyRound(l.max_drawdown_pct, 6) },
});

const prepareExecution = (e: Partial<ExecutionLimitsV02> & Omit<ExecutionLimitsV02, 'duplicate_window_seconds'>): PreparedExecution => ({
  max_orders_per_minute_global: e.max_orders_per_minute_global,
  max_orders_per_minute_by_strategy: e.max_orders_per_minute_by_strategy,
  duplicate_window_seconds: e.duplicate_window_seconds ?? null,
});

const r6 = (x: number | null) => (x == null ? null : pyRound(x, 6));

const prepareOrder = (o: OrderLimits): PreparedOrder => ({
  ...o,
  restricted: new Set(o.restricted_symbols),
  evidence: { qty: r6(o.max_order_qty), notional: r6(o.max_order_notional), collar: r6(o.price_collar_pct) },
});

type AnyOverride = { exposure?: ExposureLimits; loss?: LossLimits; execution?: Parameters<typeof prepareExecution>[0]; order?: OrderLimits | undefined };

function prepareOverrides(record: Record<string, AnyOverride>): Map<string, PreparedOverride> {
  const out = new Map<string, PreparedOverride>();
  for (const key of Object.keys(record)) {
    const o = record[key]!;
    out.set(key, {
      ...(o.exposure && { exposure: prepareExposure(o.exposure) }),
      ...(o.loss && { loss: prepareLoss(o.loss) }),
      ...(o.execution && { execution: prepareExecution(o.execution) }),
      ...(o.order && { order: prepareOrder(o.order) }),
    });
  }
  return out;
}

function prepareInstruments(p: Policy): Map<string, PreparedInstrument> {
  const out = new Map<string, PreparedInstrument>();
  if (p.version !== '0.2') return out;
  for (const key of Object.keys(p.instruments)) {
    const i = p.instruments[key]!;
    out.set(key, { multiplier: i.multiplier, lotSize: i.lot_size });
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

const cache = new WeakMap<object, CompiledPolicy | Error>();

/**
 * Compiles a policy object once (cached by identity). The object is validated (a hand-built policy
 * gets the same checks as a parsed one) and deep-frozen, so that a later mutation cannot make the
 * cache lie: it throws instead of being silently ignored. Returns an Error for an invalid policy.
 */
export function compilePolicy(policy: Policy): CompiledPolicy | Error {
  if (!policy || typeof policy !== 'object') return new Error('policy must be an object');
  const hit = cache.get(policy);
  if (hit) return hit;
  let compiled: CompiledPolicy | Error;
  const result = safeParse(PolicySchema, policy);
  if (!result.success) {
    compiled = new Error(`invalid policy: ${result.issues.map((i) => i.message).join('; ')}`);
  } else {
    const p = result.output;
    const v02 = p.version === '0.2' ? p : undefined;
    const instruments = prepareInstruments(p);
    const maxAge = v02?.limits.market_data?.max_price_age_seconds ?? null;
    compiled = {
      policy: deepFreeze(p),
      enforce: p.defaults.mode === 'enforce',
      failDecision: p.defaults.decision === 'allow' ? 'ALLOW' : 'DENY',
      base: {
        exposure: prepareExposure(p.limits.exposure),
        loss: prepareLoss(p.limits.loss),
        execution: prepareExecution(p.limits.execution),
        order: v02?.limits.order ? prepareOrder(v02.limits.order) : null,
      },
      symbols: prepareOverrides(p.overrides.symbols),
      strategies: prepareOverrides(p.overrides.strategies),
      tripOn: new Set(p.limits.kill_switch.trip_on_rules),
      v02: v02 !== undefined,
      instruments,
      multiplied: [...instruments.values()].some((i) => i.multiplier !== 1),
      maxPriceAgeSeconds: maxAge,
      priceAgeEvidence: r6(maxAge),
      reduceOnly: v02?.limits.kill_switch.reduce_only ?? false,
    };
    deepFreeze(policy);
  }
  cache.set(policy, compiled);
  return compiled;
}

/**
 * The limits for one order. Per section: symbol override > strategy override > limits.
 * (The Python package ignores loss overrides and symbol execution overrides; here they apply.)
 */
export function resolveLimits(c: CompiledPolicy, symbol: string, strategyId: string): ResolvedLimits {
  const sym = c.symbols.get(symbol);
  const strat = c.strategies.get(strategyId);
  if (!sym && !strat) return c.base;
  return {
    exposure: sym?.exposure ?? strat?.exposure ?? c.base.exposure,
    loss: sym?.loss ?? strat?.loss ?? c.base.loss,
    execution: sym?.execution ?? strat?.execution ?? c.base.execution,
    order: sym?.order ?? strat?.order ?? c.base.order,
  };
}

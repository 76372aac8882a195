// A policy prepared for evaluation: override lookups in Maps (symbols and strategy ids are data,
// never object members), and the evidence limits rounded once instead of on every call.
import { pyRound } from '../util/py-round.js';
import { PolicySchema, type ExecutionLimits, type ExposureLimits, type LossLimits, type Policy } from './schema.js';
import { safeParse } from '../util/safe-parse.js';

/** Exposure limits with their evidence values rounded once. */
export interface PreparedExposure extends ExposureLimits {
  readonly evidence: { position: number; gross: number; net: number | null };
}
/** Loss limits with their evidence values rounded once. */
export interface PreparedLoss extends LossLimits {
  readonly evidence: { dailyReturn: number; drawdown: number };
}

interface PreparedOverride {
  exposure?: PreparedExposure;
  loss?: PreparedLoss;
  execution?: ExecutionLimits;
}

/** The limits that apply to one order, after override resolution. */
export interface ResolvedLimits {
  exposure: PreparedExposure;
  loss: PreparedLoss;
  execution: ExecutionLimits;
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
}

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

function prepareOverrides(record: Policy['overrides']['symbols']): Map<string, PreparedOverride> {
  const out = new Map<string, PreparedOverride>();
  for (const key of Object.keys(record)) {
    const o = record[key]!;
    out.set(key, {
      ...(o.exposure && { exposure: prepareExposure(o.exposure) }),
      ...(o.loss && { loss: prepareLoss(o.loss) }),
      ...(o.execution && { execution: o.execution }),
    });
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
    compiled = {
      policy: deepFreeze(p),
      enforce: p.defaults.mode === 'enforce',
      failDecision: p.defaults.decision === 'allow' ? 'ALLOW' : 'DENY',
      base: {
        exposure: prepareExposure(p.limits.exposure),
        loss: prepareLoss(p.limits.loss),
        execution: p.limits.execution,
      },
      symbols: prepareOverrides(p.overrides.symbols),
      strategies: prepareOverrides(p.overrides.strategies),
      tripOn: new Set(p.limits.kill_switch.trip_on_rules),
    };
    deepFreeze(policy);
  }
  cache.set(policy, compiled);
  return compiled;
}

/**
 * The limits for one order. Per section: symbol override > strategy override > limits.
 * (The Python package ignores loss overrides and symbol execution overrides; SPEC applies them.)
 */
export function resolveLimits(c: CompiledPolicy, symbol: string, strategyId: string): ResolvedLimits {
  const sym = c.symbols.get(symbol);
  const strat = c.strategies.get(strategyId);
  if (!sym && !strat) return c.base;
  return {
    exposure: sym?.exposure ?? strat?.exposure ?? c.base.exposure,
    loss: sym?.loss ?? strat?.loss ?? c.base.loss,
    execution: sym?.execution ?? strat?.execution ?? c.base.execution,
  };
}

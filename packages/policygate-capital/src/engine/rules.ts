// The rules of SPEC.md "Evaluation" step 4, in their fixed order: each a small function with its
// id, severity and message in one place. SYS-001 (missing prices) and SYS-002 (evaluation errors)
// are not in this list: they short-circuit evaluation and live in evaluate.ts.
import type { ResolvedLimits } from '../policy/compile.js';
import type { OrderIntent } from '../model/schemas.js';
import { pyFixed, pyRound } from '../util/py-round.js';
import type { Metrics } from './metrics.js';
import type { Violation } from './types.js';

/** What every rule may look at. */
export interface RuleContext {
  intent: OrderIntent;
  limits: ResolvedLimits;
  metrics: Metrics;
  killSwitchActive: boolean;
  globalCount: number;
  strategyCount: number;
  equity: number;
}

/** A rule: returns its violation, or undefined when it does not fire. */
export type Rule = (ctx: RuleContext) => Violation | undefined;

const f4 = (x: number) => pyFixed(x, 4);

/** KILL-001: the kill switch is active; every order is denied. */
export const killSwitchActive: Rule = ({ killSwitchActive }) =>
  killSwitchActive
    ? {
        rule_id: 'KILL-001',
        severity: 'CRIT',
        message: 'Kill switch is active — all orders denied.',
        inputs: { kill_switch_active: true },
        computed: {},
      }
    : undefined;

/** LOSS-001: daily return at or below −daily_loss_limit_pct. */
export const dailyLoss: Rule = ({ metrics, limits }) => {
  const limit = limits.loss.daily_loss_limit_pct;
  const r = metrics.dailyReturn;
  return r <= -limit
    ? {
        rule_id: 'LOSS-001',
        severity: 'HIGH',
        message: `Daily loss ${f4(r)} breaches limit -${f4(limit)}.`,
        inputs: { daily_loss_limit_pct: limit },
        computed: { daily_return: r },
      }
    : undefined;
};

/** LOSS-002: drawdown from peak at or above max_drawdown_pct. */
export const drawdown: Rule = ({ metrics, limits }) => {
  const limit = limits.loss.max_drawdown_pct;
  const d = metrics.drawdown;
  return d >= limit
    ? {
        rule_id: 'LOSS-002',
        severity: 'CRIT',
        message: `Drawdown ${f4(d)} breaches limit ${f4(limit)}.`,
        inputs: { max_drawdown_pct: limit },
        computed: { drawdown: d },
      }
    : undefined;
};

/** EXEC-001: orders in the last 60 s, all strategies, at or above the limit. */
export const globalRate: Rule = ({ globalCount: n, limits }) => {
  const limit = limits.execution.max_orders_per_minute_global;
  return n >= limit
    ? {
        rule_id: 'EXEC-001',
        severity: 'HIGH',
        message: `Global rate ${n} orders/min exceeds limit ${limit}.`,
        inputs: { max_orders_per_minute_global: limit },
        computed: { orders_last_60s_global: n },
      }
    : undefined;
};

/** EXEC-002: this strategy's orders in the last 60 s at or above the limit. */
export const strategyRate: Rule = ({ intent, strategyCount, limits }) => {
  const limit = limits.execution.max_orders_per_minute_by_strategy;
  return strategyCount >= limit
    ? {
        rule_id: 'EXEC-002',
        severity: 'HIGH',
        message: `Strategy '${intent.strategy_id}' rate ${strategyCount} orders/min exceeds limit ${limit}.`,
        inputs: { strategy_id: intent.strategy_id, max_orders_per_minute_by_strategy: limit },
        computed: { orders_last_60s_strategy: strategyCount },
      }
    : undefined;
};

/**
 * The largest quantity of this order that keeps the position within `cap` (SPEC EXP-001):
 * buy: cap_qty − current; sell: current + cap_qty (symmetric for shorts); never more than asked.
 */
export function allowedQty(cap: number, equity: number, price: number, current: number, side: 'buy' | 'sell', qty: number): number {
  const capQty = (cap * equity) / price;
  const allowed = side === 'buy' ? capQty - current : current + capQty;
  return Math.min(pyRound(Math.max(allowed, 0), 8), qty);
}

/**
 * EXP-001: the position after the trade is over max_position_pct *and* larger than before. An
 * order that shrinks the position is never blocked (the Python package blocks it, and its MODIFY
 * can even raise the quantity).
 */
export const positionSize: Rule = ({ intent, metrics, limits, equity }) => {
  const cap = limits.exposure.max_position_pct;
  const p = metrics.newPositionPct;
  if (!(p > cap && Math.abs(metrics.newQty) > Math.abs(metrics.currentQty))) return undefined;
  return {
    rule_id: 'EXP-001',
    severity: 'HIGH',
    message: `Position ${f4(p)} breaches limit ${f4(cap)}.`,
    inputs: { max_position_pct: cap },
    computed: { new_position_pct: p, requested_qty: intent.qty, allowed_qty: allowedQty(cap, equity, metrics.price, metrics.currentQty, intent.side, intent.qty) },
  };
};

/** EXP-002: gross exposure after the trade over the limit *and* higher than before. */
export const grossExposure: Rule = ({ metrics, limits }) => {
  const limit = limits.exposure.max_gross_exposure_x;
  const g = metrics.grossExposureX;
  return g > limit && metrics.grossAfter > metrics.grossBefore
    ? {
        rule_id: 'EXP-002',
        severity: 'HIGH',
        message: `Gross exposure ${f4(g)}x breaches limit ${f4(limit)}x.`,
        inputs: { max_gross_exposure_x: limit },
        computed: { gross_exposure_x: g },
      }
    : undefined;
};

/** EXP-003: net exposure after the trade over the limit (when set) *and* higher than before. */
export const netExposure: Rule = ({ metrics, limits }) => {
  const limit = limits.exposure.max_net_exposure_x;
  const n = metrics.netExposureX;
  return limit != null && n > limit && metrics.netAfter > metrics.netBefore
    ? {
        rule_id: 'EXP-003',
        severity: 'HIGH',
        message: `Net exposure ${f4(n)}x breaches limit ${f4(limit)}x.`,
        inputs: { max_net_exposure_x: limit },
        computed: { net_exposure_x: n },
      }
    : undefined;
};

/** The rules in SPEC's fixed evaluation order. */
export const RULES: readonly Rule[] = [
  killSwitchActive,
  dailyLoss,
  drawdown,
  globalRate,
  strategyRate,
  positionSize,
  grossExposure,
  netExposure,
];

// The rules (docs: /docs/semantics/#rules-and-boundaries), in their fixed order: each a small function with its id,
// severity and message in one place. SYS-001 (missing prices), SYS-002 (evaluation errors) and
// SYS-003 (stale market data) are not in this list: they deny at once and live in evaluate.ts.
import type { ResolvedLimits } from '../policy/compile.js';
import type { OrderIntent } from '../model/schemas.js';
import { pyFixed, pyRound } from '../util/py-round.js';
import type { Metrics } from './metrics.js';
import type { Violation } from './types.js';

/** The order's own figures for the order controls (policy DSL v0.2). */
export interface OrderFigures {
  /** Per unit: for a priced limit order the larger of the market and the limit price, else the market price. */
  price: number;
  /** `(qty × price) × multiplier`. */
  notional: number;
  /** How far a priced limit order reaches past the market (negative = passive); null otherwise. */
  deviation: number | null;
}

/** What every rule may look at. */
export interface RuleContext {
  intent: OrderIntent;
  limits: ResolvedLimits;
  metrics: Metrics;
  killSwitchActive: boolean;
  globalCount: number;
  strategyCount: number;
  equity: number;
  /** False when `reduce_only` lets this order (one that only reduces its position) through the halts KILL-001, LOSS-001, LOSS-002. */
  halts: boolean;
  /** The id of the recent order this one duplicates (EXEC-003), or null. */
  duplicateOf: string | null;
  /** The order's figures when order controls apply, or null. */
  order: OrderFigures | null;
  /** The instrument's lot size, or null when it has none. */
  lotSize: number | null;
}

/**
 * A rule context to fill in per decision, owned by whoever decides (an `evaluate` scratch, a gate's
 * check pipeline): one object per owner instead of one per decision. The rules read it during the
 * call only; a violation copies what it keeps. Until filled, `intent`, `limits` and `metrics` are
 * placeholders that no rule reads.
 */
export function newRuleContext(): RuleContext {
  return {
    intent: undefined as unknown as OrderIntent,
    limits: undefined as unknown as ResolvedLimits,
    metrics: undefined as unknown as Metrics,
    killSwitchActive: false,
    globalCount: 0,
    strategyCount: 0,
    equity: 0,
    halts: true,
    duplicateOf: null,
    order: null,
    lotSize: null,
  };
}

/** A priced limit order: `order_type` limit with a `limit_price` (a market order carrying one is not). */
export const isPricedLimit = (intent: OrderIntent): boolean => intent.order_type === 'limit' && intent.limit_price != null;

/** The order figures of ORD-002/003 and their evidence. */
export function orderFigures(intent: OrderIntent, price: number, multiplier: number): OrderFigures {
  if (!isPricedLimit(intent)) return { price, notional: intent.qty * price * multiplier, deviation: null };
  const limit = intent.limit_price!;
  // A limit price the schema would refuse must not pass the collar unnoticed (NaN compares false).
  if (!(limit >= 0 && limit < Infinity)) throw new Error(`intent.limit_price must be a finite number >= 0, got ${String(limit)}`);
  const orderPrice = Math.max(limit, price);
  return {
    price: orderPrice,
    notional: intent.qty * orderPrice * multiplier,
    deviation: intent.side === 'buy' ? (limit - price) / price : (price - limit) / price,
  };
}

/**
 * True when a position moves from `current` to `next` only by shrinking: not flat before, smaller
 * after, and not across zero (reduce-only halts).
 */
export const onlyReduces = (current: number, next: number): boolean => current !== 0 && Math.abs(next) < Math.abs(current) && (next === 0 || next > 0 === current > 0);

/** `x` is a whole number of `lot`s, within the tolerance that absorbs binary rounding (never half a lot). */
export function wholeLots(x: number, lot: number): boolean {
  const n = x / lot;
  return Math.abs(n - Math.round(n)) <= Math.min(1e-9 * Math.abs(n), 1e-6);
}

/** A quantity as the messages write it: Python `f"{x:.8f}"` without trailing zeros or a trailing point. */
export function quantityText(x: number): string {
  const s = pyFixed(x, 8);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** A rule: returns its violation, or undefined when it does not fire. */
export type Rule = (ctx: RuleContext) => Violation | undefined;

const f4 = (x: number) => pyFixed(x, 4);

/** KILL-001: the kill switch is active; every order is denied. */
export const killSwitchActive: Rule = ({ killSwitchActive, halts }) =>
  killSwitchActive && halts !== false
    ? {
        rule_id: 'KILL-001',
        severity: 'CRIT',
        message: 'Kill switch is active — all orders denied.',
        inputs: { kill_switch_active: true },
        computed: {},
      }
    : undefined;

/** LOSS-001: daily return at or below −daily_loss_limit_pct. */
export const dailyLoss: Rule = ({ metrics, limits, halts }) => {
  const limit = limits.loss.daily_loss_limit_pct;
  const r = metrics.dailyReturn;
  return r <= -limit && halts !== false
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
export const drawdown: Rule = ({ metrics, limits, halts }) => {
  const limit = limits.loss.max_drawdown_pct;
  const d = metrics.drawdown;
  return d >= limit && halts !== false
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

/** EXEC-003 (v0.2): the same order was sent within the duplicate window. */
export const duplicateOrder: Rule = ({ duplicateOf, limits }) =>
  duplicateOf == null
    ? undefined
    : {
        rule_id: 'EXEC-003',
        severity: 'HIGH',
        message: `Duplicate of order '${duplicateOf}' within ${limits.execution.duplicate_window_seconds}s.`,
        inputs: { duplicate_window_seconds: limits.execution.duplicate_window_seconds },
        computed: { duplicate_of: duplicateOf },
      };

/** ORD-001 (v0.2): the order's qty over max_order_qty (fat finger). */
export const orderQty: Rule = ({ intent, limits }) => {
  const max = limits.order?.max_order_qty;
  return max != null && intent.qty > max
    ? {
        rule_id: 'ORD-001',
        severity: 'HIGH',
        message: `Order qty ${quantityText(intent.qty)} exceeds limit ${quantityText(max)}.`,
        inputs: { max_order_qty: max },
        computed: { qty: intent.qty },
      }
    : undefined;
};

/** ORD-002 (v0.2): the order's notional, `(qty × order price) × multiplier`, over max_order_notional. */
export const orderNotional: Rule = ({ order, limits }) => {
  const max = limits.order?.max_order_notional;
  return max != null && order && order.notional > max
    ? {
        rule_id: 'ORD-002',
        severity: 'HIGH',
        message: `Order notional ${pyFixed(order.notional, 2)} exceeds limit ${pyFixed(max, 2)}.`,
        inputs: { max_order_notional: max },
        computed: { order_notional: order.notional, order_price: order.price },
      }
    : undefined;
};

/** ORD-003 (v0.2): a priced limit order reaching past the market by more than price_collar_pct. */
export const priceCollar: Rule = ({ intent, order, metrics, limits }) => {
  const collar = limits.order?.price_collar_pct;
  const d = order?.deviation;
  return collar != null && d != null && d > collar
    ? {
        rule_id: 'ORD-003',
        severity: 'HIGH',
        message: `Limit price ${quantityText(intent.limit_price!)} is ${f4(d)} beyond the market price ${quantityText(metrics.price)} (collar ${f4(collar)}).`,
        inputs: { price_collar_pct: collar },
        computed: { limit_price: intent.limit_price!, market_price: metrics.price, deviation: d },
      }
    : undefined;
};

/** ORD-004 (v0.2): the symbol is on the restricted list (exact, case-sensitive). */
export const restrictedSymbol: Rule = ({ intent, limits }) => {
  const symbol = intent.instrument.symbol;
  return limits.order?.restricted.has(symbol) ? { rule_id: 'ORD-004', severity: 'CRIT', message: `Symbol '${symbol}' is restricted.`, inputs: { symbol }, computed: {} } : undefined;
};

/** ORD-005 (v0.2): the qty is not a whole number of the instrument's lots. */
export const oddLot: Rule = ({ intent, lotSize }) =>
  lotSize != null && !wholeLots(intent.qty, lotSize)
    ? {
        rule_id: 'ORD-005',
        severity: 'HIGH',
        message: `Order qty ${quantityText(intent.qty)} is not a multiple of the lot size ${quantityText(lotSize)}.`,
        inputs: { lot_size: lotSize },
        computed: { qty: intent.qty },
      }
    : undefined;

/**
 * The largest quantity of this order that keeps the position within `cap` (EXP-001):
 * buy: cap_qty − current; sell: current + cap_qty (symmetric for shorts); never more than asked.
 * With a lot size, rounded down to whole lots (within the whole-lot tolerance), so that a MODIFY is
 * an order a broker accepts.
 */
export function allowedQty(cap: number, equity: number, price: number, current: number, side: 'buy' | 'sell', qty: number, multiplier = 1, lot: number | null = null): number {
  const capQty = (cap * equity) / (price * multiplier);
  const allowed = Math.max(side === 'buy' ? capQty - current : current + capQty, 0);
  if (lot === null) return Math.min(pyRound(allowed, 8), qty);
  const n = allowed / lot;
  const up = Math.ceil(n);
  const k = up - n <= Math.min(1e-9 * Math.abs(n), 1e-6) ? up : Math.floor(n);
  return Math.min(pyRound(k * lot, 8), qty);
}

/**
 * EXP-001: the position after the trade is over max_position_pct *and* larger than before. An
 * order that shrinks the position is never blocked (the Python package blocks it, and its MODIFY
 * can even raise the quantity).
 */
export const positionSize: Rule = ({ intent, metrics, limits, equity, lotSize }) => {
  const cap = limits.exposure.max_position_pct;
  const p = metrics.newPositionPct;
  if (!(p > cap && Math.abs(metrics.newQty) > Math.abs(metrics.currentQty))) return undefined;
  return {
    rule_id: 'EXP-001',
    severity: 'HIGH',
    message: `Position ${f4(p)} breaches limit ${f4(cap)}.`,
    inputs: { max_position_pct: cap },
    computed: {
      new_position_pct: p,
      requested_qty: intent.qty,
      allowed_qty: allowedQty(cap, equity, metrics.price, metrics.currentQty, intent.side, intent.qty, metrics.multiplier, lotSize ?? null),
    },
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

/** The rules of policy DSL v0.1 in their fixed order (a v0.1 policy has none of the others to apply). */
export const RULES_V01: readonly Rule[] = [killSwitchActive, dailyLoss, drawdown, globalRate, strategyRate, positionSize, grossExposure, netExposure];

/** The rules in their fixed evaluation order. */
export const RULES: readonly Rule[] = [
  killSwitchActive,
  dailyLoss,
  drawdown,
  globalRate,
  strategyRate,
  duplicateOrder,
  orderQty,
  orderNotional,
  priceCollar,
  restrictedSymbol,
  oddLot,
  positionSize,
  grossExposure,
  netExposure,
];

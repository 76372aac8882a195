// The largest order the exposure rules allow now: a closed-form estimate per rule, confirmed and
// adjusted with the rules themselves on the lot grid. A pure function of what it is given.
import type { ExecutionCounts } from '../engine/evaluate.js';
import { emptyMetrics, type Metrics } from '../engine/metrics.js';
import {
  dailyLoss,
  drawdown,
  duplicateOrder,
  globalRate,
  grossExposure,
  killSwitchActive,
  netExposure,
  oddLot,
  onlyReduces,
  orderFigures,
  orderNotional,
  orderQty,
  positionSize,
  priceCollar,
  restrictedSymbol,
  strategyRate,
  type Rule,
  type RuleContext,
} from '../engine/rules.js';
import type { OrderIntent } from '../model/schemas.js';
import { resolveLimits, type CompiledPolicy, type ResolvedLimits } from '../policy/compile.js';
import type { RuleId } from '../policy/schema.js';
import type { MaxQty } from './types.js';

/**
 * The exposure figures the solver reads (an {@link ExposureBook} provides them); reading must not
 * change what later reads return.
 *
 * @example
 * ```ts
 * const view: ExposureView = new ExposureBook()
 * ```
 */
export interface ExposureView {
  /** The signed quantity held of `symbol`. */
  qty(symbol: string): number;
  /** Σ|q·p| over held symbols. */
  grossBefore(): number;
  /** Σq·p over held symbols. */
  netBefore(): number;
  /** The contract multiplier of `symbol` (1 unless the policy lists one). */
  multiplier(symbol: string): number;
  /** The position and exposure metrics of an order, written into `m`. */
  exposureInto(m: Metrics, symbol: string, side: 'buy' | 'sell', qty: number, price: number, equity: number): Metrics;
}

/**
 * Everything {@link solveMaxQty} depends on.
 *
 * @example
 * ```ts
 * solveMaxQty({ symbol: 'AAPL', side: 'buy', lot: 1, price: 200, unpriced: false, compiled, exposure: book,
 *   equity: 1e5, dailyReturn: 0, drawdown: 0, counts, timestamp: '2026-02-18T14:30:00Z' })
 * ```
 */
export interface MaxQtyInput {
  symbol: string;
  side: 'buy' | 'sell';
  /** The strategy that would send the order (selects EXEC-002); undefined: none. */
  strategyId?: string | undefined;
  /** The quantity step, > 0. */
  lot: number;
  /** The symbol's mark (anything but a finite number > 0 counts as missing). */
  price: number | undefined;
  /** Whether some held symbol has no valid mark (SYS-001 for any order). */
  unpriced: boolean;
  /** The policy: the limits of the symbol (and strategy) are resolved from it. */
  compiled: CompiledPolicy;
  exposure: ExposureView;
  equity: number;
  dailyReturn: number;
  drawdown: number;
  /** The kill switch and the order counts now. */
  counts: ExecutionCounts;
  /** The time the probe orders carry (the gate's clock). */
  timestamp: string;
  /** A limit price: the probe orders are limit orders at it (ORD-002's order price, ORD-003); undefined: market orders. */
  limitPrice?: number | undefined;
  /** The account the probe orders carry (EXEC-003 compares it); default ''. */
  accountId?: string | undefined;
  /** A rule that denies any order at once now: SYS-003 (stale market data) or SYS-002 (an unreadable market timestamp). */
  early?: RuleId | null | undefined;
  /** EXEC-003: the recent order an order of `qty` (the probe) would duplicate, or null. */
  duplicateOf?: ((probe: OrderIntent, windowSeconds: number | null) => string | null) | undefined;
}

const isValidPrice = (p: unknown): p is number => typeof p === 'number' && p > 0 && p < Infinity;

/**
 * Rules that deny an order whatever its size (checked at the answer: a reduce-only exit, the lot
 * grid and a duplicate depend on it), in the order {@link MaxQty.blockedBy} lists them.
 */
const BLOCKERS: readonly (readonly [RuleId, Rule])[] = [
  ['KILL-001', killSwitchActive],
  ['LOSS-001', dailyLoss],
  ['LOSS-002', drawdown],
  ['EXEC-001', globalRate],
  ['EXEC-002', strategyRate],
  ['EXEC-003', duplicateOrder],
  ['ORD-003', priceCollar],
  ['ORD-004', restrictedSymbol],
  ['ORD-005', oddLot],
];

/** Size limits, in rule order: the first that an order of some size breaks binds. */
const BOUNDS: readonly (readonly ['ORD-001' | 'ORD-002' | 'EXP-001' | 'EXP-002' | 'EXP-003', Rule])[] = [
  ['ORD-001', orderQty],
  ['ORD-002', orderNotional],
  ['EXP-001', positionSize],
  ['EXP-002', grossExposure],
  ['EXP-003', netExposure],
];

/**
 * The largest multiple of `lot` that no size rule (ORD-001/002 order size and notional, EXP-001/002/003
 * exposure) would block, the rule that blocks one lot more, and the rules that would deny it
 * whatever its size (see {@link MaxQty}). Consistent with the rules: an order of exactly `qty` gets
 * no size violation and the next multiple of `lot` gets the binding one (or `qty + lot`, which can
 * differ from it by an ulp).
 *
 * @example
 * ```ts
 * const { qty, binding } = solveMaxQty(input) // e.g. { qty: 25, binding: 'EXP-001', ... }
 * ```
 */
export function solveMaxQty(input: MaxQtyInput): MaxQty {
  const { symbol, side, strategyId, lot, price, exposure, equity: e, counts } = input;
  if (!isValidPrice(price) || input.unpriced) return { qty: 0, binding: null, limit: null, lot, blockedBy: ['SYS-001'] };
  if (input.early) return { qty: 0, binding: null, limit: null, lot, blockedBy: [input.early] };

  const compiled = input.compiled;
  const limits = strategyId === undefined ? limitsWithoutStrategy(compiled, symbol) : resolveLimits(compiled, symbol, strategyId);
  const limitPrice = input.limitPrice;
  const probe: OrderIntent = {
    intent_id: '',
    timestamp: input.timestamp,
    strategy_id: strategyId ?? '',
    account_id: input.accountId ?? '',
    instrument: { symbol, asset_class: 'equity' },
    side,
    order_type: limitPrice === undefined ? 'market' : 'limit',
    qty: 0,
    limit_price: limitPrice ?? null,
  };
  const metrics = emptyMetrics(input.dailyReturn, input.drawdown);
  const lotSize = compiled.instruments.get(symbol)?.lotSize ?? null;
  const ctx = (qty: number): RuleContext => {
    probe.qty = qty;
    exposure.exposureInto(metrics, symbol, side, qty, price, e);
    return {
      intent: probe,
      limits,
      metrics,
      equity: e,
      killSwitchActive: counts.killSwitchActive,
      globalCount: counts.globalCount,
      strategyCount: counts.strategyCount,
      halts: !(compiled.reduceOnly && onlyReduces(metrics.currentQty, metrics.newQty)),
      duplicateOf: null,
      order: limits.order === null ? null : orderFigures(probe, price, metrics.multiplier),
      lotSize,
    };
  };
  const fires = (qty: number): (typeof BOUNDS)[number][0] | undefined => {
    const c = ctx(qty);
    const m = c.metrics;
    if (!Number.isFinite(m.newPositionPct) || !Number.isFinite(m.grossExposureX) || !Number.isFinite(m.netExposureX)) return 'EXP-001';
    if (c.order && !Number.isFinite(c.order.notional)) return 'ORD-002';
    for (const [id, rule] of BOUNDS) if (rule(c)) return id;
    return undefined;
  };

  // Closed form, per rule: an order is allowed when it does not increase what the rule measures,
  // or stays within the limit. In |new position| terms: |c + s·q| ≤ max(|c|, bound). Values are
  // (q × p) × multiplier; the order controls bound the qty and the notional directly.
  const c = exposure.qty(symbol);
  const sgn = side === 'buy' ? 1 : -1;
  const unit = price * exposure.multiplier(symbol);
  const ex = limits.exposure;
  const q1 = Math.max(Math.abs(c), (ex.max_position_pct * e) / unit) - sgn * c;
  const othersGross = exposure.grossBefore() - Math.abs(c * unit);
  const q2 = Math.max(Math.abs(c), (ex.max_gross_exposure_x * e - othersGross) / unit) - sgn * c;
  const net = exposure.netBefore();
  const q3 = ex.max_net_exposure_x == null ? Infinity : (Math.max(Math.abs(net), ex.max_net_exposure_x * e) - sgn * net) / unit;
  const o = limits.order;
  const q4 = o?.max_order_qty ?? Infinity;
  const orderPrice = limitPrice !== undefined && limitPrice > price ? limitPrice : price;
  const q5 = o?.max_order_notional == null ? Infinity : o.max_order_notional / (orderPrice * exposure.multiplier(symbol));
  const estimate = Math.max(0, Math.min(q1, q2, q3, q4, q5));

  const inv = Math.round(1 / lot);
  const grid = inv >= 1 && Math.abs(inv * lot - 1) < 1e-12 ? (k: number) => k / inv : (k: number) => k * lot;
  const k = largestAllowed((k) => fires(grid(k)) !== undefined, Math.floor(estimate / lot));
  const qty = grid(k);
  // The rule that `qty + lot` (the order a user would send next) breaks; the grid point k + 1 can differ
  // from it by an ulp, and at a knife edge between two limits that picks another rule.
  const binding = fires(qty + lot) ?? fires(grid(k + 1)) ?? null;
  const limit =
    binding === 'ORD-001'
      ? o!.max_order_qty
      : binding === 'ORD-002'
        ? o!.max_order_notional
        : binding === 'EXP-001'
          ? ex.max_position_pct
          : binding === 'EXP-002'
            ? ex.max_gross_exposure_x
            : binding === 'EXP-003'
              ? ex.max_net_exposure_x
              : null;

  // The rules that deny the answer whatever its size, as a check of it (of one lot when it is 0) would.
  const at = qty > 0 ? qty : lot;
  const c0 = ctx(at);
  c0.duplicateOf = input.duplicateOf ? input.duplicateOf(probe, limits.execution.duplicate_window_seconds) : null;
  const blockedBy: RuleId[] = [];
  for (const [id, r] of BLOCKERS) {
    if (id === 'EXEC-002' && strategyId === undefined) continue;
    if (r(c0)) blockedBy.push(id);
  }
  return { qty, binding, limit: limit ?? null, lot, blockedBy };
}

/** The limits of `symbol` when no strategy is named: symbol overrides over the base, no strategy's. */
function limitsWithoutStrategy(c: CompiledPolicy, symbol: string): ResolvedLimits {
  const sym = c.symbols.get(symbol);
  return sym ? { exposure: sym.exposure ?? c.base.exposure, loss: sym.loss ?? c.base.loss, execution: sym.execution ?? c.base.execution, order: sym.order ?? c.base.order } : c.base;
}

/**
 * The largest k ≥ 0 with `blocked(k)` false, starting from a guess; `blocked(0)` must be false.
 * Gallops from the guess then bisects, so a good guess costs two or three probes.
 *
 * @example
 * ```ts
 * largestAllowed((k) => k > 41, 40) // 41
 * ```
 */
export function largestAllowed(blocked: (k: number) => boolean, guess: number): number {
  let lo: number;
  let hi: number;
  const k = Number.isFinite(guess) && guess > 0 ? Math.min(guess, Number.MAX_SAFE_INTEGER) : 0;
  let step = 1;
  if (!blocked(k)) {
    lo = k;
    for (;;) {
      const next = Math.min(lo + step, Number.MAX_SAFE_INTEGER);
      if (next === lo) return lo;
      if (blocked(next)) {
        hi = next;
        break;
      }
      lo = next;
      step *= 2;
    }
  } else {
    hi = k;
    for (;;) {
      const next = Math.max(hi - step, 0);
      if (next === 0 || !blocked(next)) {
        lo = next;
        break;
      }
      hi = next;
      step *= 2;
    }
  }
  while (hi - lo > 1) {
    const mid = Math.floor(lo + (hi - lo) / 2);
    if (mid <= lo || mid >= hi) break;
    if (blocked(mid)) hi = mid;
    else lo = mid;
  }
  return lo;
}

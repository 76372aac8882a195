// The largest order the exposure rules allow now: a closed-form estimate per rule, confirmed and
// adjusted with the rules themselves on the lot grid. A pure function of what it is given.
import type { ExecutionCounts } from '../engine/evaluate.js';
import type { Metrics } from '../engine/metrics.js';
import { dailyLoss, drawdown, globalRate, grossExposure, killSwitchActive, netExposure, positionSize, strategyRate, type Rule, type RuleContext } from '../engine/rules.js';
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
}

const isValidPrice = (p: unknown): p is number => typeof p === 'number' && p > 0 && p < Infinity;

/** Rules that deny an order of any size, in the order {@link MaxQty.blockedBy} lists them. */
const BLOCKERS: readonly (readonly [RuleId, Rule])[] = [
  ['KILL-001', killSwitchActive],
  ['LOSS-001', dailyLoss],
  ['LOSS-002', drawdown],
  ['EXEC-001', globalRate],
  ['EXEC-002', strategyRate],
];

/**
 * The largest multiple of `lot` that no exposure rule (EXP-001/002/003) would block, the rule that
 * blocks one lot more, and the rules that would deny any size (see {@link MaxQty}). Consistent
 * with the rules: an order of exactly `qty` gets no exposure violation and `qty + lot` gets the
 * binding one.
 *
 * @example
 * ```ts
 * const { qty, binding } = solveMaxQty(input) // e.g. { qty: 25, binding: 'EXP-001', ... }
 * ```
 */
export function solveMaxQty(input: MaxQtyInput): MaxQty {
  const { symbol, side, strategyId, lot, price, exposure, equity: e, counts } = input;
  if (!isValidPrice(price) || input.unpriced) return { qty: 0, binding: null, limit: null, lot, blockedBy: ['SYS-001'] };

  const limits = strategyId === undefined ? limitsWithoutStrategy(input.compiled, symbol) : resolveLimits(input.compiled, symbol, strategyId);
  const probe: OrderIntent = {
    intent_id: '',
    timestamp: input.timestamp,
    strategy_id: strategyId ?? '',
    account_id: '',
    instrument: { symbol, asset_class: 'equity' },
    side,
    order_type: 'market',
    qty: 0,
    limit_price: null,
  };
  const metrics = {
    dailyReturn: input.dailyReturn, drawdown: input.drawdown, price: 0, multiplier: 1, currentQty: 0, newQty: 0, newPositionPct: 0,
    grossBefore: 0, grossAfter: 0, netBefore: 0, netAfter: 0, grossExposureX: 0, netExposureX: 0,
  } satisfies Metrics;
  const ctx = (qty: number): RuleContext => {
    probe.qty = qty;
    exposure.exposureInto(metrics, symbol, side, qty, price, e);
    return { intent: probe, limits, metrics, equity: e, killSwitchActive: counts.killSwitchActive, globalCount: counts.globalCount, strategyCount: counts.strategyCount };
  };
  const fires = (qty: number): Rule | undefined => {
    const c = ctx(qty);
    const m = c.metrics;
    if (!Number.isFinite(m.newPositionPct) || !Number.isFinite(m.grossExposureX) || !Number.isFinite(m.netExposureX)) return positionSize;
    return positionSize(c) ? positionSize : grossExposure(c) ? grossExposure : netExposure(c) ? netExposure : undefined;
  };

  // Closed form, per rule: an order is allowed when it does not increase what the rule measures,
  // or stays within the limit. In |new position| terms: |c + s·q| ≤ max(|c|, bound).
  const c = exposure.qty(symbol);
  const sgn = side === 'buy' ? 1 : -1;
  const ex = limits.exposure;
  const q1 = Math.max(Math.abs(c), (ex.max_position_pct * e) / price) - sgn * c;
  const othersGross = exposure.grossBefore() - Math.abs(c * price);
  const q2 = Math.max(Math.abs(c), (ex.max_gross_exposure_x * e - othersGross) / price) - sgn * c;
  const net = exposure.netBefore();
  const q3 = ex.max_net_exposure_x == null ? Infinity : (Math.max(Math.abs(net), ex.max_net_exposure_x * e) - sgn * net) / price;
  const estimate = Math.max(0, Math.min(q1, q2, q3));

  const inv = Math.round(1 / lot);
  const grid = inv >= 1 && Math.abs(inv * lot - 1) < 1e-12 ? (k: number) => k / inv : (k: number) => k * lot;
  const k = largestAllowed((k) => fires(grid(k)) !== undefined, Math.floor(estimate / lot));
  const qty = grid(k);
  const rule = fires(grid(k + 1)) ?? fires(qty + lot);
  const binding = rule === positionSize ? 'EXP-001' : rule === grossExposure ? 'EXP-002' : rule === netExposure ? 'EXP-003' : null;
  const limit =
    binding === 'EXP-001' ? ex.max_position_pct : binding === 'EXP-002' ? ex.max_gross_exposure_x : binding === 'EXP-003' ? ex.max_net_exposure_x : null;

  const c0 = ctx(qty);
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

// The public shapes of the gate's options, inputs and results (re-exported by policy-gate.ts).
import type { Decision } from '../engine/types.js';
import type { ExecutionState, MarketSnapshot, OrderIntent, PortfolioState } from '../model/schemas.js';
import type { RuleId } from '../policy/schema.js';

/**
 * Options of a {@link PolicyGate}.
 *
 * @example
 * ```ts
 * const gate = new PolicyGate(engine, { portfolio, market, autoRecord: false })
 * ```
 */
export interface PolicyGateOptions {
  /** The starting portfolio (validated like `parsePortfolioState`). Without one every check is SYS-002 until `setPortfolio`. */
  portfolio?: PortfolioState;
  /** The starting market snapshot (validated like `parseMarketSnapshot`). */
  market?: MarketSnapshot;
  /**
   * Count every ALLOW/MODIFY in the order windows as soon as it is decided (default true). Set
   * false when checks are previews and only some orders are sent: then call `record(decision)` for
   * each order actually sent. Forgetting `record` under-counts, so the default counts.
   */
  autoRecord?: boolean;
}

/**
 * A fill reported by the broker: `qty` > 0 bought or sold at `price` > 0.
 *
 * @example
 * ```ts
 * const fill: Fill = { symbol: 'AAPL', side: 'buy', qty: 25, price: 200.05 }
 * gate.applyFill(fill)
 * ```
 */
export interface Fill {
  symbol: string;
  side: 'buy' | 'sell';
  qty: number;
  price: number;
}

/**
 * Changes to the portfolio's equity figures; fields left out keep their value.
 *
 * @example
 * ```ts
 * gate.updateEquity({ equity: 98_250, unrealized_pnl: -1_750 })
 * ```
 */
export interface EquityUpdate {
  equity?: number;
  start_of_day_equity?: number;
  peak_equity?: number;
  realized_pnl_today?: number;
  unrealized_pnl?: number;
}

/**
 * One check with the exact state it was decided on: `evaluate(intent, policy, portfolio, market,
 * execution)` returns the same decision (up to `eval_ms`). `execution` is the gate's execution state
 * *as it was at the check*, before this order was counted. `portfolio.positions` and `market.prices`
 * are frozen, and shared by the checks made while they do not change.
 *
 * @example
 * ```ts
 * const c: GateCheck = gate.checkDetailed(intent, market)
 * evaluate(c.intent, engine.policy, c.portfolio, c.market, c.execution) // same decision as c.decision
 * ```
 */
export interface GateCheck {
  decision: Decision;
  intent: OrderIntent;
  portfolio: PortfolioState;
  market: MarketSnapshot;
  execution: ExecutionState;
}

/**
 * Options of {@link PolicyGate.maxQty}.
 *
 * @example
 * ```ts
 * gate.maxQty('BTC-USD', 'buy', market, { strategyId: 'momentum_v1', lot: 0.0001 })
 * ```
 */
export interface MaxQtyOptions {
  /** The strategy that would send the order: selects strategy overrides and EXEC-002 (default: none). */
  strategyId?: string;
  /**
   * The quantity step (default: the instrument's `lot_size` under a v0.2 policy that lists one, else
   * 1e-8, the engine's quantity resolution; use 1 for whole shares).
   */
  lot?: number;
  /** A limit price: the answer is for limit orders at it (ORD-002 values it at the larger of it and the mark; ORD-003 checks it). Default: market orders. */
  limitPrice?: number;
  /** The account that would send the order (EXEC-003 compares it with the recent orders'); default ''. */
  accountId?: string;
}

/**
 * What {@link PolicyGate.maxQty} found.
 *
 * @example
 * ```ts
 * const m: MaxQty = gate.maxQty('AAPL', 'buy', market, { lot: 1 })
 * // { qty: 25, binding: 'EXP-001', limit: 0.05, lot: 1, blockedBy: [] }
 * ```
 */
export interface MaxQty {
  /** The largest multiple of `lot` that no size rule (ORD-001/002, EXP-001/002/003) would block now; 0 if none. */
  qty: number;
  /** The size rule that blocks one lot more (the next multiple of `lot`), or null when no answer is possible (see `blockedBy`). */
  binding: 'ORD-001' | 'ORD-002' | 'EXP-001' | 'EXP-002' | 'EXP-003' | null;
  /** The binding rule's resolved limit (max_order_qty, max_order_notional, max_position_pct, max_gross_exposure_x or max_net_exposure_x). */
  limit: number | null;
  /** The step used. */
  lot: number;
  /**
   * Rules that would deny the order whatever its size right now: SYS-001 (missing prices), SYS-003
   * (stale market data; SYS-002 for an unreadable market timestamp), KILL-001, LOSS-001, LOSS-002
   * (not for a reduce-only exit), EXEC-001, (with `strategyId`) EXEC-002, and under a v0.2 policy
   * EXEC-003 (an order of `qty` would duplicate a recent one), ORD-003 (the `limitPrice` is past the
   * collar), ORD-004 (restricted symbol) and ORD-005 (`qty` is not whole lots of the instrument).
   * Checked at `qty` (at one lot when `qty` is 0). Empty when only size matters.
   */
  blockedBy: RuleId[];
}

/**
 * Options of {@link PolicyGate.restore}.
 *
 * @example
 * ```ts
 * PolicyGate.restore(newEngine, saved, { allowPolicyChange: true }) // carry state over a policy update
 * ```
 */
export interface RestoreOptions {
  /** As in {@link PolicyGateOptions}; default true. */
  autoRecord?: boolean;
  /**
   * Restore a snapshot taken under a different policy (its `policy_hash` differs from the
   * engine's). Default false: a mismatch throws, because windows and a latched kill switch were
   * accumulated under other limits.
   */
  allowPolicyChange?: boolean;
}

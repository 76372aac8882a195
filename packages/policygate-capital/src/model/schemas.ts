// The wire formats (docs: /docs/semantics/#inputs-and-output): the Python package's snake_case JSON, strict (unknown keys
// rejected, with their path), numbers finite. Defaults are those of the Python models.
import * as v from 'valibot';
import { dataRecord, finiteNumber, str, strictObject, timestamp } from './fields.js';

/** Schema of an instrument: `{symbol, asset_class}`. */
export const InstrumentSchema = strictObject({
  symbol: v.pipe(str(), v.minLength(1, 'must not be empty')),
  asset_class: v.picklist(['equity', 'crypto', 'fx', 'futures'], (i) => `must be one of equity, crypto, fx, futures, got ${i.received}`),
});

/**
 * Schema of an OrderIntent: the order a trading system proposes.
 *
 * @example
 * ```ts
 * const intent = v.parse(OrderIntentSchema, json) // or parseOrderIntent(json)
 * ```
 */
export const OrderIntentSchema = strictObject({
  intent_id: str(),
  timestamp: timestamp(),
  strategy_id: str(),
  account_id: str(),
  instrument: InstrumentSchema,
  side: v.picklist(['buy', 'sell'], (i) => `must be buy or sell, got ${i.received}`),
  order_type: v.picklist(['market', 'limit'], (i) => `must be market or limit, got ${i.received}`),
  qty: finiteNumber({ gt: 0 }),
  limit_price: v.optional(v.nullable(finiteNumber({ ge: 0 })), null),
});

/** Schema of a PortfolioState: equity figures and signed positions by symbol. */
export const PortfolioStateSchema = strictObject({
  equity: finiteNumber({ gt: 0 }),
  start_of_day_equity: finiteNumber({ gt: 0 }),
  peak_equity: finiteNumber({ gt: 0 }),
  positions: v.optional(dataRecord(finiteNumber()), () => ({})),
  realized_pnl_today: v.optional(finiteNumber(), 0),
  unrealized_pnl: v.optional(finiteNumber(), 0),
});

/**
 * Schema of a MarketSnapshot. Prices are any finite number here: a zero or negative price is not a
 * parse error but a missing price, which the engine denies with SYS-001 (fail closed).
 */
export const MarketSnapshotSchema = strictObject({
  timestamp: timestamp(),
  prices: dataRecord(finiteNumber()),
});

/**
 * Schema of a recent order (policy DSL v0.2 duplicate detection, EXEC-003): an order sent (ALLOW or
 * MODIFY; a MODIFY with its reduced qty). Timestamps are checked when a rule reads them.
 */
export const RecentOrderSchema = strictObject({
  intent_id: str(),
  timestamp: timestamp(),
  account_id: str(),
  strategy_id: str(),
  symbol: str(),
  side: v.picklist(['buy', 'sell'], (i) => `must be buy or sell, got ${i.received}`),
  order_type: v.picklist(['market', 'limit'], (i) => `must be market or limit, got ${i.received}`),
  qty: finiteNumber({ gt: 0 }),
  limit_price: v.nullable(finiteNumber({ ge: 0 })),
});

/** Schema of an ExecutionState: order counts, recent violations, the kill switch and recent orders (all optional). */
export const ExecutionStateSchema = strictObject({
  orders_last_60s_global: v.optional(finiteNumber({ int: true, ge: 0 }), 0),
  orders_last_60s_by_strategy: v.optional(dataRecord(finiteNumber({ int: true, ge: 0 })), () => ({})),
  violations_last_window: v.optional(
    v.array(
      v.strictTuple([str(), str()], (i) => `must be a [timestamp, rule_id] pair, got ${i.received}`),
      (i) => `must be an array, got ${i.received}`,
    ),
    () => [],
  ),
  kill_switch_active: v.optional(
    v.boolean((i) => `must be true or false, got ${i.received}`),
    false,
  ),
  // No default: state written without it (every v0.1 producer, the Python package) reads back unchanged.
  recent_orders: v.optional(v.array(RecentOrderSchema, (i) => `must be an array, got ${i.received}`)),
});

/** An order proposed by a trading system (wire format, snake_case). */
export type OrderIntent = v.InferOutput<typeof OrderIntentSchema>;
/** Portfolio equity figures and signed positions (wire format). */
export type PortfolioState = v.InferOutput<typeof PortfolioStateSchema>;
/** Prices by symbol at a moment (wire format). */
export type MarketSnapshot = v.InferOutput<typeof MarketSnapshotSchema>;
/** Order rates, recent violations and the kill switch (wire format). */
export type ExecutionState = v.InferOutput<typeof ExecutionStateSchema>;
/** A recent order (wire format), for duplicate detection. */
export type RecentOrder = v.InferOutput<typeof RecentOrderSchema>;
/** An ExecutionState as callers may write it: every field optional. */
export type ExecutionStateInput = v.InferInput<typeof ExecutionStateSchema>;

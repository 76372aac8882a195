// The request bodies of the HTTP service as valibot schemas. They validate every request and are
// the source of the OpenAPI document's schemas (scripts/openapi.mjs), so the two cannot disagree.
import * as v from 'valibot';
import { MarketSnapshotSchema, OrderIntentSchema } from '../schemas.js';

const finite = (message: string) => v.pipe(v.number(message), v.finite(message));
const positive = (what: string) => v.pipe(finite(`${what} must be a finite number`), v.gtValue(0, `${what} must be > 0`));
const nonEmpty = (what: string) => v.pipe(v.string(`${what} must be a string`), v.minLength(1, `${what} must not be empty`));
const side = v.picklist(['buy', 'sell'], 'must be buy or sell');

/**
 * `POST /intent` and `POST /v1/check`: the order and, optionally, a market snapshot that becomes
 * the gate's marks (the Python service's body).
 *
 * @example
 * ```ts
 * v.parse(IntentRequestSchema, { intent, market_snapshot: { timestamp, prices: { AAPL: 200 } } })
 * ```
 */
export const IntentRequestSchema = v.strictObject({ intent: OrderIntentSchema, market_snapshot: v.optional(v.nullable(MarketSnapshotSchema)) }, 'unknown field');

/**
 * `POST /v1/max-qty`: the largest order the exposure rules allow now (see `PolicyGate.maxQty`):
 * for a market order, or for a limit order at `limit_price` (null or absent: a market order);
 * `account_id` is the account that would send it (EXEC-003's duplicate check), default `''`.
 *
 * @example
 * ```ts
 * v.parse(MaxQtyRequestSchema, { symbol: 'AAPL', side: 'buy', lot: 1, limit_price: 201.5, account_id: 'acct_1' })
 * ```
 */
export const MaxQtyRequestSchema = v.strictObject(
  {
    symbol: nonEmpty('symbol'),
    side,
    strategy_id: v.optional(v.string('must be a string')),
    lot: v.optional(positive('lot')),
    limit_price: v.optional(v.nullable(v.pipe(finite('limit_price must be a finite number'), v.minValue(0, 'limit_price must be ≥ 0')))),
    account_id: v.optional(v.string('must be a string')),
    market_snapshot: v.optional(v.nullable(MarketSnapshotSchema)),
  },
  'unknown field',
);

/** One broker fill: `qty` > 0 bought or sold at `price` > 0. */
export const FillSchema = v.strictObject({ symbol: nonEmpty('symbol'), side, qty: positive('qty'), price: positive('price') }, 'unknown field');

/**
 * `POST /v1/fills`: fills applied in order, all or none (every fill is validated first).
 *
 * @example
 * ```ts
 * v.parse(FillsRequestSchema, { fills: [{ symbol: 'AAPL', side: 'buy', qty: 25, price: 200.05 }] })
 * ```
 */
export const FillsRequestSchema = v.strictObject(
  { fills: v.pipe(v.array(FillSchema, 'must be an array of fills'), v.minLength(1, 'must hold at least one fill'), v.maxLength(1000, 'at most 1000 fills a request')) },
  'unknown field',
);

/**
 * `POST /v1/prices`: marks to change (the others are kept) and, optionally, the snapshot's new timestamp.
 *
 * @example
 * ```ts
 * v.parse(PricesRequestSchema, { prices: { AAPL: 201.25 }, timestamp: '2026-02-18T14:30:01Z' })
 * ```
 */
export const PricesRequestSchema = v.strictObject(
  { prices: v.record(v.string(), finite('must be a finite number'), 'must be an object of prices'), timestamp: v.optional(v.string('must be a string')) },
  'unknown field',
);

/**
 * `POST /v1/equity`: equity figures to change; fields left out keep their value.
 *
 * @example
 * ```ts
 * v.parse(EquityRequestSchema, { equity: 98_250 })
 * ```
 */
export const EquityRequestSchema = v.strictObject(
  {
    equity: v.optional(positive('equity')),
    start_of_day_equity: v.optional(positive('start_of_day_equity')),
    peak_equity: v.optional(positive('peak_equity')),
    realized_pnl_today: v.optional(finite('must be a finite number')),
    unrealized_pnl: v.optional(finite('must be a finite number')),
  },
  'unknown field',
);

/**
 * `POST /v1/kill-switch/reset`: who reset the switch and why (required), and optionally when.
 *
 * @example
 * ```ts
 * v.parse(KillSwitchResetRequestSchema, { reason: 'risk desk: drawdown reviewed (J. Doe)' })
 * ```
 */
export const KillSwitchResetRequestSchema = v.strictObject(
  { reason: v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must say who reset the switch and why')), at: v.optional(v.string('must be a string')) },
  'unknown field',
);

/** Every request body schema, by the name the OpenAPI document gives it. */
export const REQUEST_SCHEMAS = {
  IntentRequest: IntentRequestSchema,
  MaxQtyRequest: MaxQtyRequestSchema,
  FillsRequest: FillsRequestSchema,
  PricesRequest: PricesRequestSchema,
  EquityRequest: EquityRequestSchema,
  KillSwitchResetRequest: KillSwitchResetRequestSchema,
} as const;

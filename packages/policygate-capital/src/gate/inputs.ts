// Validation of what callers hand the gate's mutators and queries (fills, equity updates, price
// ticks, maxQty arguments, reset times). Each function returns the typed value or throws a
// ValidationError naming the field; none changes any state.
import * as v from 'valibot';
import { ValidationError } from '../errors.js';
import { dataRecord, finiteNumber, str, strictObject, timestamp } from '../model/fields.js';
import { toIssues } from '../model/issues.js';
import { safeParse } from '../util/safe-parse.js';
import { parseTimestampUs } from './time.js';
import type { EquityUpdate, Fill, MaxQtyOptions } from './types.js';

const symbol = () => v.pipe(str(), v.minLength(1, 'must not be empty'));
const side = () => v.picklist(['buy', 'sell'], (i) => `must be buy or sell, got ${i.received}`);

const FillSchema = strictObject({
  symbol: symbol(),
  side: side(),
  qty: finiteNumber({ gt: 0 }),
  price: finiteNumber({ gt: 0 }),
});

const EquityUpdateSchema = strictObject({
  equity: v.optional(finiteNumber({ gt: 0 })),
  start_of_day_equity: v.optional(finiteNumber({ gt: 0 })),
  peak_equity: v.optional(finiteNumber({ gt: 0 })),
  realized_pnl_today: v.optional(finiteNumber()),
  unrealized_pnl: v.optional(finiteNumber()),
});

const PricesSchema = dataRecord(finiteNumber());
const MarketTimestampSchema = v.object({ timestamp: timestamp() });

const MaxQtySchema = strictObject({
  symbol: symbol(),
  side: side(),
  strategyId: v.optional(str()),
  lot: v.optional(finiteNumber({ gt: 0 })),
  limitPrice: v.optional(finiteNumber({ ge: 0 })),
  accountId: v.optional(str()),
});

function validate<T>(subject: string, schema: v.GenericSchema<unknown, T>, value: unknown): T {
  const result = safeParse(schema, value);
  if (!result.success) throw new ValidationError(subject, toIssues(result.issues));
  return result.output;
}

/**
 * A validated fill.
 *
 * @throws {ValidationError} naming each malformed field.
 * @example
 * ```ts
 * const f = parseFill({ symbol: 'AAPL', side: 'buy', qty: 25, price: 200.05 })
 * ```
 */
export const parseFill = (fill: unknown): Fill => validate('fill', FillSchema, fill);

/**
 * A validated equity update (fields left out stay undefined).
 *
 * @throws {ValidationError} for a malformed or unknown field.
 * @example
 * ```ts
 * const u = parseEquityUpdate({ equity: 98_250 })
 * ```
 */
export const parseEquityUpdate = (update: unknown): EquityUpdate => validate('equity update', EquityUpdateSchema, update);

/**
 * Validated price ticks and the optional market timestamp that comes with them.
 *
 * @throws {ValidationError} naming each malformed price, or the timestamp.
 * @example
 * ```ts
 * const p = parsePriceUpdate({ AAPL: 201.25 }, '2026-02-18T14:30:01Z')
 * ```
 */
export function parsePriceUpdate(prices: unknown, at: unknown): Record<string, number> {
  const p = validate('prices', PricesSchema, prices);
  if (at !== undefined) validate('market', MarketTimestampSchema, { timestamp: at });
  return p;
}

/**
 * Validated arguments of `PolicyGate.maxQty`.
 *
 * @throws {ValidationError} naming each malformed argument.
 * @example
 * ```ts
 * const a = parseMaxQtyArgs('AAPL', 'buy', { lot: 1 })
 * ```
 */
export function parseMaxQtyArgs(sym: unknown, sd: unknown, options: MaxQtyOptions): { symbol: string; side: 'buy' | 'sell' } & MaxQtyOptions {
  const value = {
    symbol: sym,
    side: sd,
    ...(options.strategyId !== undefined && { strategyId: options.strategyId }),
    ...(options.lot !== undefined && { lot: options.lot }),
    ...(options.limitPrice !== undefined && { limitPrice: options.limitPrice }),
    ...(options.accountId !== undefined && { accountId: options.accountId }),
  };
  return validate('maxQty', MaxQtySchema, value);
}

/**
 * A validated RFC 3339 instant in microseconds.
 *
 * @throws {ValidationError} naming `path` in `subject` when `value` is not an RFC 3339 timestamp.
 * @example
 * ```ts
 * const us = parseInstant('kill switch reset', 'at', '2026-02-18T14:30:00Z')
 * ```
 */
export function parseInstant(subject: string, path: string, value: unknown): number {
  const us = parseTimestampUs(value);
  if (Number.isNaN(us)) {
    throw new ValidationError(subject, [{ path, message: `must be an RFC 3339 timestamp such as 2026-02-18T14:30:00Z, got ${String(value)}` }]);
  }
  return us;
}

import type * as v from 'valibot';
import { ValidationError } from '../errors.js';
import { toIssues } from './issues.js';
import { ExecutionStateSchema, MarketSnapshotSchema, OrderIntentSchema, PortfolioStateSchema, type ExecutionState, type MarketSnapshot, type OrderIntent, type PortfolioState } from './schemas.js';
import { safeParse } from '../util/safe-parse.js';

function parser<T>(subject: string, schema: v.GenericSchema<unknown, T>) {
  return (value: unknown): T => {
    const result = safeParse(schema, value);
    if (result.success) return result.output;
    throw new ValidationError(subject, toIssues(result.issues));
  };
}

/**
 * Validates untrusted data as an OrderIntent (strict: unknown keys, wrong types, out-of-range or
 * non-finite numbers are errors) and returns a typed copy with defaults filled in.
 *
 * @throws {ValidationError} listing every problem with its path, e.g. `qty: must be > 0, got -5`.
 * @example
 * ```ts
 * const intent = parseOrderIntent(JSON.parse(text))
 * ```
 */
export const parseOrderIntent: (value: unknown) => OrderIntent = parser('intent', OrderIntentSchema);

/**
 * Validates untrusted data as a PortfolioState. `positions` defaults to `{}`, the P&L figures to 0.
 *
 * @throws {ValidationError} listing every problem with its path, e.g. `positions.AAPL: must be a number, got "10"`.
 * @example
 * ```ts
 * const portfolio = parsePortfolioState({ equity: 1e5, start_of_day_equity: 1e5, peak_equity: 1e5 })
 * ```
 */
export const parsePortfolioState: (value: unknown) => PortfolioState = parser('portfolio', PortfolioStateSchema);

/**
 * Validates untrusted data as a MarketSnapshot.
 *
 * @throws {ValidationError} listing every problem with its path.
 * @example
 * ```ts
 * const market = parseMarketSnapshot({ timestamp: '2026-02-18T00:00:00Z', prices: { AAPL: 200 } })
 * ```
 */
export const parseMarketSnapshot: (value: unknown) => MarketSnapshot = parser('market', MarketSnapshotSchema);

/**
 * Validates untrusted data as an ExecutionState; every field is optional (`{}` is the empty state).
 *
 * @throws {ValidationError} listing every problem with its path.
 * @example
 * ```ts
 * const execution = parseExecutionState({ orders_last_60s_global: 3 })
 * ```
 */
export const parseExecutionState: (value: unknown) => ExecutionState = parser('execution', ExecutionStateSchema);

// policygate-serve --redis: the gate is a RedisGate on a shared book, so that several serve
// processes (replicas behind a load balancer, or on several hosts) share one order-rate budget,
// one kill switch and one view of positions. The book's state lives in Redis; --state does not
// apply (the book is the saved state) and neither does a policy reload (a book is bound to one policy).
import { parseMarketSnapshot, parsePortfolioState, type PolicyEngine } from '../../index.js';
import type { ServiceGate } from '../../server/index.js';
import { UsageError } from '../cli/args.js';
import { readJsonFile } from '../files.js';

/** What `--redis`, `--book`, `--redis-prefix` and `--redis-timeout-ms` ask for. */
export interface SharedGateOptions {
  url: string;
  book: string;
  prefix?: string;
  timeoutMs?: number;
}

/**
 * Reads the Redis options, or null when `--redis` is not given.
 *
 * @throws {UsageError} for `--book` without `--redis` (and the reverse), a bad timeout, or
 *   `--state`/`--execution` with `--redis`.
 */
export function sharedOptions(opts: { redis?: string; book?: string; 'redis-prefix'?: string; 'redis-timeout-ms'?: string; state?: string; execution?: string }): SharedGateOptions | null {
  if (opts.redis === undefined) {
    const stray = (['book', 'redis-prefix', 'redis-timeout-ms'] as const).filter((k) => opts[k] !== undefined);
    if (stray.length > 0) throw new UsageError(`${stray.map((k) => `--${k}`).join(', ')} need --redis`);
    return null;
  }
  if (!/^rediss?:\/\//.test(opts.redis)) throw new UsageError(`--redis must be a redis:// or rediss:// URL, got ${opts.redis}`);
  if (opts.book === undefined) throw new UsageError('--redis needs --book NAME (the processes serving the same book share its state)');
  if (opts.book === '' || /[{}]/.test(opts.book)) throw new UsageError(`--book must be a non-empty name without braces, got ${JSON.stringify(opts.book)}`);
  if (opts.state !== undefined) throw new UsageError('--state does not apply with --redis: the book in Redis is the saved state');
  if (opts.execution !== undefined) throw new UsageError('--execution does not apply with --redis: the book keeps its own order windows');
  let timeoutMs: number | undefined;
  if (opts['redis-timeout-ms'] !== undefined) {
    timeoutMs = Number(opts['redis-timeout-ms']);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000) throw new UsageError(`--redis-timeout-ms must be an integer from 1 to 60000, got ${opts['redis-timeout-ms']}`);
  }
  return { url: opts.redis, book: opts.book, ...(opts['redis-prefix'] !== undefined && { prefix: opts['redis-prefix'] }), ...(timeoutMs !== undefined && { timeoutMs }) };
}

/**
 * Opens (or creates, from the portfolio and market files) the shared book.
 *
 * @throws {PolicyGateError} `ERR_STATE_STORE` when Redis cannot be reached at start,
 *   `ERR_GATE_POLICY_MISMATCH` when the book was created under another policy.
 */
export async function openSharedGate(engine: PolicyEngine, opts: { portfolio?: string; market?: string }, shared: SharedGateOptions): Promise<ServiceGate & { close(): Promise<void> }> {
  const [portfolio, market] = await Promise.all([readJsonFile(opts.portfolio!, parsePortfolioState), opts.market === undefined ? undefined : readJsonFile(opts.market, parseMarketSnapshot)]);
  const { RedisGate } = await import('../../redis/index.js');
  return RedisGate.open(engine, { ...shared, portfolio, ...(market && { market }) });
}

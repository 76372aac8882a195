// The options of RedisGate.open.
import type { MarketSnapshot, PortfolioState } from '../index.js';
import type { transportFor } from './store.js';

/**
 * Options of {@link RedisGate.open}.
 *
 * @example
 * ```ts
 * const options: RedisGateOptions = { url: 'redis://127.0.0.1:6379', book: 'desk-1', portfolio, timeoutMs: 250 }
 * ```
 */
export interface RedisGateOptions {
  /** The book's name: every process that opens it shares its state. No braces (it is the key's hash tag). */
  book: string;
  /** The portfolio a new book starts from; ignored when the book exists (its stored state wins). */
  portfolio: PortfolioState;
  /** The market a new book starts from; ignored when the book exists. */
  market?: MarketSnapshot;
  /** Redis URL for a client the gate creates and closes (default `redis://127.0.0.1:6379`). */
  url?: string;
  /**
   * A connected node-redis client or cluster to use instead of `url` (not closed by `close`). Create
   * it with `disableOfflineQueue: true`: a command queued while disconnected must fail, not be sent later.
   */
  client?: Parameters<typeof transportFor>[0];
  /** Key prefix (default `policygate:`); keys are `<prefix>{<book>}:head|ops|snap`. */
  prefix?: string;
  /** The bound of every call in ms, waiting included (default 250). Past it: DENY SYS-002 / ERR_STATE_STORE. */
  timeoutMs?: number;
  /** Save a snapshot to Redis every this many versions (default 1000): new processes replay at most that many. */
  snapshotEvery?: number;
  /**
   * The most operations one commit carries (default 256). Calls made while a commit is in flight
   * wait and go together in the next one: one round trip for many checks.
   */
  maxBatch?: number;
  /** Operations kept in the stream below the latest snapshot (default 10000; -1 keeps the whole history). */
  keepHistory?: number;
}

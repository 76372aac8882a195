// RedisGate: a PolicyGate whose state is shared by every process that opens the same book.
//
// Design (docs: site/src/content/docs/docs/redis.md):
// - The book is a versioned history in Redis: a head (version, last op id), a stream of committed
//   operations (checks with their intent and market, fills, prices, equity, resets) and a snapshot
//   at some version. Each process holds a Replica: a local PolicyGate = snapshot + ops in order.
// - Calls are applied to the replica tentatively (the same TypeScript engine decides) and committed
//   in batches by one Lua script that checks the head is still the one the replica holds and
//   appends them all (pipeline.ts). Concurrent calls of one process share a round trip. On a
//   conflict the replica takes the batch back, applies the missed ones and decides again. So every
//   decision is what one in-memory gate says for the operation at its committed position:
//   replaying the stream reproduces them all (linearizable).
// - Fail closed: no answer within the bound (default 250 ms, waiting for this process's earlier
//   calls included), an error, or a reply that may have been lost → DENY SYS-002 (checks) or
//   ERR_STATE_STORE (updates), nothing applied locally. After an unknown outcome the next batch
//   reads the stream first: if an operation did commit it is applied once, from the stream.
import {
  PolicyGate,
  PolicyGateError,
  type Decision,
  type EquityUpdate,
  type Fill,
  type GateCheck,
  type GateSnapshot,
  type KillSwitchState,
  type MarketSnapshot,
  type MaxQty,
  type MaxQtyOptions,
  type OrderIntent,
  type PolicyEngine,
  type PortfolioState,
} from '../index.js';
import { BookKeys } from './keys.js';
import type { BookOp } from './ops.js';
import { loadReplica } from './replica.js';
import { describe, intentIdOf, unavailableDecision } from './fail-closed.js';
import { CommitPipeline } from './pipeline.js';
import { BookStore, transportFor, type RedisTransport } from './store.js';
import type { RedisGateOptions } from './options.js';

export type { RedisGateOptions } from './options.js';

type Unavailable = { unavailable: string };

/**
 * A stateful gate shared through Redis: the same `check`, fills, prices, equity and kill-switch
 * resets as {@link PolicyGate}, asynchronous, and every process that opens the same book shares
 * one state — order windows, kill switch, positions, marks, equity. Every decision equals the one
 * a single in-memory PolicyGate makes given the book's committed operations in order.
 *
 * @example
 * ```ts
 * const gate = await RedisGate.open(engine, { url: 'redis://127.0.0.1:6379', book: 'desk-1', portfolio })
 * const d = await gate.check(intent, market)
 * if (d.decision !== 'DENY') broker.send(d.modified_intent ?? intent)
 * await gate.close()
 * ```
 */
export class RedisGate {
  private lastMarket: MarketSnapshot | undefined;

  private constructor(
    /** The engine (policy) every process of the book must share. */
    readonly engine: PolicyEngine,
    private readonly pipeline: CommitPipeline,
    private readonly timeoutMs: number,
    private readonly closeClient: (() => Promise<unknown>) | null,
  ) {}

  /**
   * Connects, creates the book from `portfolio` (and `market`) if it does not exist, and loads its
   * state (the saved snapshot plus the operations after it).
   *
   * @throws {PolicyGateError} `ERR_GATE_POLICY_MISMATCH` when the book was created under another
   *   policy; `ERR_STATE_STORE` when Redis cannot be reached; {@link ValidationError} for a
   *   malformed portfolio or market.
   * @example
   * ```ts
   * const gate = await RedisGate.open(engine, { url: process.env.REDIS_URL, book: 'desk-1', portfolio })
   * ```
   */
  static async open(engine: PolicyEngine, options: RedisGateOptions): Promise<RedisGate> {
    const keys = new BookKeys(options.book, options.prefix ?? 'policygate:');
    const timeoutMs = options.timeoutMs ?? 250;
    const seed = new PolicyGate(engine, { portfolio: options.portfolio, ...(options.market && { market: options.market }) }).snapshot();
    let client = options.client;
    let closeClient: (() => Promise<unknown>) | null = null;
    if (client === undefined) {
      const { createClient } = await importRedis();
      const c = createClient({
        url: options.url ?? 'redis://127.0.0.1:6379',
        disableOfflineQueue: true,
        socket: { connectTimeout: Math.max(timeoutMs, 2000), reconnectStrategy: (retries: number) => Math.min(20 + retries * 50, 500) },
      });
      c.on('error', () => undefined); // reconnects are node-redis's; calls meanwhile fail closed
      try {
        await c.connect();
      } catch (e) {
        throw new PolicyGateError('ERR_STATE_STORE', `Redis at ${options.url ?? 'redis://127.0.0.1:6379'} cannot be reached: ${(e as Error)?.message}`, { cause: e });
      }
      client = c as unknown as Parameters<typeof transportFor>[0];
      closeClient = () => c.close();
    }
    const store = new BookStore(transportFor(client), keys);
    try {
      const deadline = performance.now() + Math.max(timeoutMs, 5000);
      const head = await store.init(engine.policyHash, JSON.stringify(seed), deadline);
      if (head.policy !== null && head.policy !== engine.policyHash) {
        throw new PolicyGateError(
          'ERR_GATE_POLICY_MISMATCH',
          `Book ${options.book} was created under policy ${head.policy}, not this engine's ${engine.policyHash}: open another book for a new policy.`,
        );
      }
      const replica = await loadReplica(engine, store, deadline);
      await store.loadScripts(deadline);
      const pipeline = new CommitPipeline(engine, store, replica, {
        timeoutMs,
        snapshotEvery: options.snapshotEvery ?? 1000,
        keepHistory: options.keepHistory ?? 10_000,
        maxBatch: options.maxBatch ?? 256,
      });
      return new RedisGate(engine, pipeline, timeoutMs, closeClient);
    } catch (e) {
      await closeClient?.().catch(() => undefined);
      if (e instanceof PolicyGateError) throw e;
      throw new PolicyGateError('ERR_STATE_STORE', `Book ${options.book} cannot be loaded: ${(e as Error)?.message}`, { cause: e });
    }
  }

  /**
   * Decides one order on the book's state, commits it, and resolves to the decision (never
   * rejects). When Redis does not answer within the bound, or fails, or the answer may have been
   * lost: DENY with SYS-002 `Evaluation error: state store unavailable…`, whatever
   * `defaults.decision` says, and nothing is applied. `market`, when a new object, becomes the book's
   * market (frozen, as `PolicyGate.check` does); the same object again is not sent again.
   *
   * @example
   * ```ts
   * const d = await gate.check(intent, market)
   * ```
   */
  async check(intent: OrderIntent, market?: MarketSnapshot): Promise<Decision> {
    const r = await this.checkOp(intent, market, false);
    return 'unavailable' in r ? r.decision : (r.value as Decision);
  }

  /**
   * Like {@link RedisGate.check}, with the state the decision was made on (for audit events).
   *
   * @example
   * ```ts
   * const c = await gate.checkDetailed(intent, market)
   * await sink.append(gate.auditEvent(c))
   * ```
   */
  async checkDetailed(intent: OrderIntent, market?: MarketSnapshot): Promise<GateCheck> {
    const r = await this.checkOp(intent, market, true);
    if (!('unavailable' in r)) return r.value as GateCheck;
    const g = this.pipeline.replica.gate;
    return { decision: r.decision, intent, portfolio: g.portfolio!, market: g.market, execution: g.executionState() };
  }

  /**
   * The audit event of a check (as `PolicyGate.auditEvent`).
   *
   * @example
   * ```ts
   * await sink.append(gate.auditEvent(await gate.checkDetailed(intent)))
   * ```
   */
  auditEvent(check: GateCheck, options?: Parameters<PolicyGate['auditEvent']>[1]) {
    return this.pipeline.replica.gate.auditEvent(check, options);
  }

  private async checkOp(intent: OrderIntent, market: MarketSnapshot | undefined, detailed: boolean): Promise<{ value: unknown } | (Unavailable & { decision: Decision })> {
    const started = performance.now();
    const sendMarket = market !== undefined && market !== this.lastMarket;
    let json: string;
    try {
      json = JSON.stringify(sendMarket ? { op: 'check', intent, market } : { op: 'check', intent });
    } catch (e) {
      return { unavailable: 'x', decision: unavailableDecision(intentIdOf(intent), `the intent cannot be written as JSON: ${(e as Error)?.message}`, started) };
    }
    const r = await this.pipeline.submit(json, started + this.timeoutMs, detailed);
    if ('unavailable' in r) return { ...r, decision: unavailableDecision(intentIdOf(intent), r.unavailable, started) };
    if (sendMarket) {
      // As PolicyGate does: an adopted snapshot is frozen, so that editing it in place fails loudly.
      Object.freeze(market.prices);
      this.lastMarket = Object.freeze(market);
    }
    return r;
  }

  /**
   * Applies a fill to the book (as `PolicyGate.applyFill`); resolves to the new position.
   *
   * @throws {ValidationError} for a malformed fill; {@link PolicyGateError} `ERR_STATE_STORE` when
   *   it could not be committed within the bound (then it was not applied).
   * @example
   * ```ts
   * await gate.applyFill({ symbol: 'AAPL', side: 'buy', qty: 25, price: 200.05 })
   * ```
   */
  async applyFill(fill: Fill): Promise<number> {
    return (await this.update({ op: 'fill', fill })) as number;
  }

  /**
   * Changes some marks (as `PolicyGate.updatePrices`).
   *
   * @throws as {@link RedisGate.applyFill}.
   * @example
   * ```ts
   * await gate.updatePrices({ AAPL: 201.25 }, '2026-02-18T14:30:01Z')
   * ```
   */
  async updatePrices(prices: Record<string, number>, timestamp?: string): Promise<void> {
    await this.update(timestamp === undefined ? { op: 'prices', prices } : { op: 'prices', prices, timestamp });
  }

  /**
   * Updates equity figures (as `PolicyGate.updateEquity`).
   *
   * @throws as {@link RedisGate.applyFill}.
   * @example
   * ```ts
   * await gate.updateEquity({ equity: 97_500 })
   * ```
   */
  async updateEquity(update: EquityUpdate): Promise<void> {
    await this.update({ op: 'equity', update });
  }

  /**
   * Resets the book's kill switch for every process (as `PolicyGate.resetKillSwitch`).
   *
   * @throws as {@link RedisGate.applyFill}.
   * @example
   * ```ts
   * await gate.resetKillSwitch('risk desk: drawdown reviewed (J. Doe)')
   * ```
   */
  async resetKillSwitch(reason: string, at?: string): Promise<boolean> {
    return (await this.update(at === undefined ? { op: 'reset', reason } : { op: 'reset', reason, at })) as boolean;
  }

  private async update(op: BookOp): Promise<unknown> {
    const r = await this.pipeline.submit(JSON.stringify(op), performance.now() + this.timeoutMs, false);
    if ('unavailable' in r) throw new PolicyGateError('ERR_STATE_STORE', `State store unavailable (${r.unavailable}): the ${op.op} was not applied.`);
    return r.value;
  }

  /**
   * The book's state now (read from Redis first) as a {@link GateSnapshot}: `PolicyGate.restore`
   * of it decides as the book does.
   *
   * @throws {PolicyGateError} `ERR_STATE_STORE` when Redis does not answer within the bound.
   * @example
   * ```ts
   * const s = await gate.snapshot()
   * ```
   */
  async snapshot(): Promise<GateSnapshot> {
    const deadline = performance.now() + this.timeoutMs;
    return this.pipeline.exclusive(async () => {
      await this.resync(deadline);
      return this.pipeline.replica.snapshot();
    });
  }

  /**
   * The largest quantity of `symbol` the book would approve now (as `PolicyGate.maxQty`), computed
   * on this process's replica after reading the book. Advisory: another process may commit before
   * this process's next check.
   *
   * @throws {PolicyGateError} `ERR_STATE_STORE` when Redis does not answer within the bound.
   * @example
   * ```ts
   * const { qty, binding } = await gate.maxQty('AAPL', 'buy')
   * ```
   */
  async maxQty(symbol: string, side: 'buy' | 'sell', market?: MarketSnapshot, options?: MaxQtyOptions): Promise<MaxQty> {
    const deadline = performance.now() + this.timeoutMs;
    return this.pipeline.exclusive(async () => {
      await this.resync(deadline);
      return this.pipeline.replica.gate.maxQty(symbol, side, market, options);
    });
  }

  private async resync(deadline: number): Promise<void> {
    if (performance.now() >= deadline) throw new PolicyGateError('ERR_STATE_STORE', 'State store unavailable: earlier calls did not finish within the bound.');
    try {
      await this.pipeline.resync(deadline);
    } catch (e) {
      throw new PolicyGateError('ERR_STATE_STORE', `State store unavailable (${describe(e)}).`, { cause: e });
    }
  }

  /** The committed version this process holds (the number of operations in the book's history it has applied). */
  get version(): number {
    return this.pipeline.replica.version;
  }

  /** The kill switch as this process last saw it (`snapshot()` reads the book first). */
  get killSwitch(): KillSwitchState {
    return this.pipeline.replica.gate.killSwitch;
  }

  /** The portfolio as this process last saw it. */
  get portfolio(): PortfolioState | null {
    return this.pipeline.replica.gate.portfolio;
  }

  /** The market as this process last saw it. */
  get market(): MarketSnapshot {
    return this.pipeline.replica.gate.market;
  }

  /** The book's clock (latest intent timestamp) as this process last saw it. */
  get clock(): string | null {
    return this.pipeline.replica.gate.clock;
  }

  /**
   * Waits for this process's calls in progress, then closes the Redis client if the gate created it.
   *
   * @example
   * ```ts
   * await gate.close()
   * ```
   */
  async close(): Promise<void> {
    await this.pipeline.exclusive(async () => {
      await this.closeClient?.();
    });
  }
}

async function importRedis(): Promise<typeof import('redis')> {
  try {
    return await import('redis');
  } catch (e) {
    throw new PolicyGateError('ERR_STATE_STORE', `RedisGate needs the optional peer dependency redis (node-redis): npm install redis. ${(e as Error)?.message}`, { cause: e });
  }
}

export type { RedisTransport };

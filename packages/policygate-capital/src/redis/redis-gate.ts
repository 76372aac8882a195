// RedisGate: a PolicyGate whose state is shared by every process that opens the same book.
//
// Design (docs: site/src/content/docs/docs/redis.md):
// - The book is a versioned history in Redis: a head (version, last op id), a stream of committed
//   operations (checks with their intent and market, fills, prices, equity, resets) and a snapshot
//   at some version. Each process holds a Replica: a local PolicyGate = snapshot + ops in order.
// - A call is applied to the replica tentatively (the same TypeScript engine decides), then
//   committed by one Lua script that checks the head is still the one the replica holds and appends
//   the operation. On a conflict the replica takes the operation back, applies the missed ones and
//   decides again. So every decision is what one in-memory gate says for the operation at its
//   committed position: replaying the stream reproduces them all (linearizable).
// - Fail closed: no answer within the bound (default 250 ms, waiting for this process's earlier
//   calls included), an error, or a reply that may have been lost → DENY SYS-002 (checks) or
//   ERR_STATE_STORE (updates), nothing applied locally. After an unknown outcome the next call
//   reads the stream first: if the operation did commit it is applied once, from the stream.
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
  type OrderIntent,
  type PolicyEngine,
  type PortfolioState,
} from '../index.js';
import { BookKeys } from './keys.js';
import type { BookOp, BookOpResult, CommittedOp } from './ops.js';
import { GENESIS_ID, loadReplica, type Replica, ReplicaGap } from './replica.js';
import { describe, intentIdOf, unavailableDecision } from './fail-closed.js';
import { BookStore, transportFor, type CommitReply, type RedisTransport } from './store.js';
import { TurnQueue } from './turns.js';
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
  private readonly turns = new TurnQueue();
  private stale = false;
  private lastMarket: MarketSnapshot | undefined;
  private opCounter = 0;
  private readonly tag = crypto.randomUUID().slice(0, 8);

  private constructor(
    /** The engine (policy) every process of the book must share. */
    readonly engine: PolicyEngine,
    private readonly store: BookStore,
    private replica: Replica,
    private readonly timeoutMs: number,
    private readonly snapshotEvery: number,
    private readonly keepHistory: number,
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
      return new RedisGate(engine, store, replica, timeoutMs, options.snapshotEvery ?? 1000, options.keepHistory ?? 10_000, closeClient);
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
    const g = this.replica.gate;
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
    return this.replica.gate.auditEvent(check, options);
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
    const r = await this.execute(json, started + this.timeoutMs, detailed);
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
    const r = await this.execute(JSON.stringify(op), performance.now() + this.timeoutMs, false);
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
    if (!(await this.turns.acquire(deadline))) throw new PolicyGateError('ERR_STATE_STORE', 'State store unavailable: earlier calls did not finish within the bound.');
    try {
      await this.resync(deadline);
      return this.replica.snapshot();
    } catch (e) {
      this.stale = true;
      throw new PolicyGateError('ERR_STATE_STORE', `State store unavailable (${describe(e)}).`, { cause: e });
    } finally {
      this.turns.release();
    }
  }

  /** The committed version this process holds (the number of operations in the book's history it has applied). */
  get version(): number {
    return this.replica.version;
  }

  /** The kill switch as this process last saw it (`snapshot()` reads the book first). */
  get killSwitch(): KillSwitchState {
    return this.replica.gate.killSwitch;
  }

  /** The portfolio as this process last saw it. */
  get portfolio(): PortfolioState | null {
    return this.replica.gate.portfolio;
  }

  /** The market as this process last saw it. */
  get market(): MarketSnapshot {
    return this.replica.gate.market;
  }

  /** The book's clock (latest intent timestamp) as this process last saw it. */
  get clock(): string | null {
    return this.replica.gate.clock;
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
    await this.turns.acquire(performance.now() + 60_000);
    try {
      await this.closeClient?.();
    } finally {
      this.turns.release();
    }
  }

  private nextOpId(): string {
    return `${this.tag}-${++this.opCounter}`;
  }

  /** Applies and commits one operation (JSON text) under this process's turn; see the file notes. */
  private async execute(json: string, deadline: number, detailed: boolean): Promise<{ value: unknown } | Unavailable> {
    if (!(await this.turns.acquire(deadline))) return { unavailable: `this process's earlier calls did not finish within ${this.timeoutMs} ms` };
    const opId = this.nextOpId();
    try {
      if (this.stale) await this.resync(deadline);
      for (;;) {
        // A fresh copy per attempt: what the gate sees is exactly what the stream holds.
        const op = JSON.parse(json) as BookOp;
        const replica = this.replica;
        let value: BookOpResult | GateCheck;
        try {
          value = replica.applyTentative(op, detailed);
        } catch (e) {
          throw new InputError(e); // a malformed update: nothing applied, the caller's error
        }
        const decided = op.op === 'check' ? (detailed ? (value as GateCheck).decision : (value as Decision)).decision : '';
        let reply: CommitReply;
        try {
          reply = await this.store.commit(replica.version, replica.headId, opId, json, decided, deadline);
        } catch (e) {
          // Unknown outcome: it may have committed. Never re-sent; the next call reads the stream.
          replica.rollback();
          this.stale = true;
          return { unavailable: describe(e) };
        }
        switch (reply.kind) {
          case 'ok':
            replica.confirm(op, reply.version, opId);
            this.maybeSaveSnapshot(reply.version, opId);
            return { value };
          case 'conflict':
            replica.rollback();
            await this.catchUp(reply.missed, reply.version, deadline, reply.id);
            continue;
          case 'expired':
            replica.rollback();
            return { unavailable: `Redis ran the commit after the ${this.timeoutMs} ms bound; it was refused` };
          case 'nobook':
            replica.rollback();
            this.stale = true;
            return { unavailable: `the book ${this.store.keys.book} is missing from Redis` };
        }
      }
    } catch (e) {
      if (e instanceof InputError) throw e.cause;
      if (this.replica.pending) this.replica.rollback();
      this.stale = true;
      return { unavailable: describe(e) };
    } finally {
      this.turns.release();
    }
  }

  /** Applies operations others committed (from a conflict reply, then the stream for the rest). */
  private async catchUp(missed: CommittedOp[], headVersion: number, deadline: number, headId?: string): Promise<void> {
    try {
      this.replica.catchUp(missed);
      while (this.replica.version < headVersion) {
        const more = await this.store.range(this.replica.version + 1, '+', 1000, deadline);
        if (more.length === 0) throw new ReplicaGap(`the stream ends before version ${headVersion}`);
        this.replica.catchUp(more);
      }
      // Ahead of the book, or at its version with another op: Redis lost commits (a crash under
      // appendfsync everysec, a failover) and others committed since. The book is the truth.
      if (this.replica.version > headVersion || (headId !== undefined && this.replica.version === headVersion && this.replica.headId !== headId)) {
        throw new ReplicaGap(`this process holds version ${this.replica.version}, the book ${headVersion}: the store lost commits`);
      }
    } catch (e) {
      if (!(e instanceof ReplicaGap)) throw e;
      this.replica = await loadReplica(this.engine, this.store, deadline); // trimmed below us, or diverged
    }
  }

  /**
   * Brings the replica to the book's head: reads the stream from the replica's own version (to
   * check that its history is still the book's) and applies what follows; reloads from the saved
   * snapshot when the stream no longer holds that (trimmed, or Redis lost writes in a crash).
   */
  private async resync(deadline: number): Promise<void> {
    const replica = this.replica;
    const from = replica.version;
    const entries = await this.store.range(Math.max(from, 1), '+', 1000, deadline);
    const ownOk = from === 0 ? replica.headId === GENESIS_ID : entries[0]?.version === from && entries[0].id === replica.headId;
    if (!ownOk) {
      this.replica = await loadReplica(this.engine, this.store, deadline);
    } else {
      const head = await this.store.head(deadline);
      if (head === null) throw new Error(`the book ${this.store.keys.book} is missing from Redis`);
      await this.catchUp(entries, head.version, deadline, head.id);
    }
    this.stale = false;
  }

  private maybeSaveSnapshot(version: number, id: string): void {
    // Only the process that committed a multiple of snapshotEvery saves: one writer per snapshot.
    if (this.snapshotEvery <= 0 || version % this.snapshotEvery !== 0) return;
    const json = JSON.stringify(this.replica.snapshot());
    this.store.saveSnapshot(version, id, json, this.keepHistory, performance.now() + Math.max(this.timeoutMs, 2000)).catch(() => undefined); // best effort: the next multiple tries again
  }
}

class InputError extends Error {
  constructor(override readonly cause: unknown) {
    super('input');
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

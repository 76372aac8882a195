// CommitPipeline: how one process commits to a book. Calls queue in the order they are made; while
// one batch is being committed the next calls wait, and then go together as the next batch:
// - each operation of the batch is applied tentatively to the replica, in order, on the state the
//   ones before it left (optimistic: as if the earlier ones were already committed), by the same
//   TypeScript engine as the in-memory gate;
// - the batch is committed by one Lua call that checks the head the chain starts from and appends
//   every operation after it, or nothing (a conflict fails the first operation and all after it);
// - on a conflict the replica takes the batch back, applies what others committed, and decides the
//   whole batch again on that fresh state before it retries. No caller has been answered yet, so
//   every answer is the decision at the operation's committed position (linearizable).
// One batch is in flight at a time: throughput is the batch size per round trip (and the engine's
// own time), while a call's latency is at most two round trips when the process is busy.
//
// Fail closed: a batch's deadline is the earliest of its calls' (all share one bound, and a queued
// call's bound started after the in-flight batch's, so a call is always answered within its own).
// No answer by then, an error, or a reply that may have been lost → every call of the batch is
// `unavailable`, nothing applied locally, and the next batch first reads the stream: an operation
// that did commit is applied once, from there.
import type { GateCheck, PolicyEngine } from '../index.js';
import { describe } from './fail-closed.js';
import type { BookOp, BookOpResult, CommittedOp } from './ops.js';
import { GENESIS_ID, loadReplica, type Replica, ReplicaGap } from './replica.js';
import type { BatchEntry, BookStore } from './store.js';

/** A call's outcome: the gate method's value, or why the store could not be trusted. */
export type Outcome = { value: BookOpResult | GateCheck } | { unavailable: string };

/** Options of the pipeline (see `RedisGateOptions`). */
export interface PipelineOptions {
  timeoutMs: number;
  snapshotEvery: number;
  keepHistory: number;
  /** The most operations one commit carries. */
  maxBatch: number;
}

interface QueuedOp {
  kind: 'op';
  id: string;
  json: string;
  deadline: number;
  detailed: boolean;
  resolve(o: Outcome): void;
  reject(e: unknown): void;
}

interface QueuedTask {
  kind: 'task';
  run(): Promise<void>;
}

/**
 * The queue and batch committer of one process's view of a book; owns the replica.
 */
export class CommitPipeline {
  private readonly queue: (QueuedOp | QueuedTask)[] = [];
  private busy = false;
  private stale = false;
  private opCounter = 0;
  private readonly tag = crypto.randomUUID().slice(0, 8);

  constructor(
    private readonly engine: PolicyEngine,
    private readonly store: BookStore,
    private replicaNow: Replica,
    private readonly options: PipelineOptions,
  ) {}

  /** The replica (committed state; read it between calls). */
  get replica(): Replica {
    return this.replicaNow;
  }

  /**
   * Queues one operation (its JSON: what the stream will hold) and resolves to its outcome.
   * Rejects only with the gate method's own error for a malformed operation (nothing applied).
   */
  submit(json: string, deadline: number, detailed: boolean): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'op', id: `${this.tag}-${++this.opCounter}`, json, deadline, detailed, resolve, reject });
      this.pump();
    });
  }

  /**
   * Runs `fn` alone, after every call queued before it and before any queued after it.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'task', run: () => fn().then(resolve, reject) });
      this.pump();
    });
  }

  /**
   * Brings the replica to the book's head (call it inside {@link CommitPipeline.exclusive}):
   * reads the stream from the replica's own version, to check that its history is still the
   * book's, and applies what follows; reloads from the saved snapshot when the stream no longer
   * holds that (trimmed, or Redis lost writes in a crash).
   */
  async resync(deadline: number): Promise<void> {
    try {
      const replica = this.replicaNow;
      const from = replica.version;
      const entries = await this.store.range(Math.max(from, 1), '+', 1000, deadline);
      const ownOk = from === 0 ? replica.headId === GENESIS_ID : entries[0]?.version === from && entries[0].id === replica.headId;
      if (!ownOk) {
        this.replicaNow = await loadReplica(this.engine, this.store, deadline);
      } else {
        const head = await this.store.head(deadline);
        if (head === null) throw new Error(`the book ${this.store.keys.book} is missing from Redis`);
        await this.catchUp(entries, head.version, deadline, head.id);
      }
      this.stale = false;
    } catch (e) {
      this.stale = true;
      throw e;
    }
  }

  private pump(): void {
    if (this.busy || this.queue.length === 0) return;
    this.busy = true;
    // The next batch is formed a turn of the event loop later: the callers just answered send their
    // next calls meanwhile (promise continuations), and they join it instead of trickling one by one.
    this.runNext().finally(() =>
      setImmediate(() => {
        this.busy = false;
        this.pump();
      }),
    );
  }

  private async runNext(): Promise<void> {
    const first = this.queue[0]!;
    if (first.kind === 'task') {
      this.queue.shift();
      return first.run();
    }
    const batch: QueuedOp[] = [];
    const now = performance.now();
    let expired = false;
    while (batch.length < this.options.maxBatch && this.queue[0]?.kind === 'op') {
      const op = this.queue.shift() as QueuedOp;
      if (op.deadline > now) batch.push(op);
      else {
        op.resolve({ unavailable: `this process's earlier calls did not finish within ${this.options.timeoutMs} ms` });
        expired = true;
      }
    }
    // Answered calls read the replica (checkDetailed's state) when they resume: the rest waits for
    // the next turn, so that they read the committed state, not a batch's tentative one.
    if (expired) this.queue.unshift(...batch);
    else if (batch.length > 0) await this.commitBatch(batch);
  }

  /** Decides and commits one batch; answers every call in it. Never rejects. */
  private async commitBatch(batch: QueuedOp[]): Promise<void> {
    let deadline = Number.POSITIVE_INFINITY;
    for (const o of batch) deadline = Math.min(deadline, o.deadline);
    let live = batch;
    const failAll = (why: string) => {
      for (const o of live) o.resolve({ unavailable: why });
    };
    try {
      if (this.stale) await this.resync(deadline);
      for (;;) {
        const replica = this.replicaNow;
        const entries: BatchEntry[] = [];
        const values: (BookOpResult | GateCheck)[] = [];
        const members: QueuedOp[] = [];
        for (const o of live) {
          // A fresh copy per attempt: what the gate sees is exactly what the stream holds.
          const op = JSON.parse(o.json) as BookOp;
          let value: BookOpResult | GateCheck;
          try {
            value = replica.applyTentative(op, o.detailed);
          } catch (e) {
            o.reject(e); // a malformed update: nothing applied, the caller's error
            continue;
          }
          const decided = op.op === 'check' ? (o.detailed ? (value as GateCheck).decision : (value as { decision: string })).decision : '';
          entries.push({ id: o.id, json: o.json, decision: decided });
          values.push(value);
          members.push(o);
        }
        live = members;
        if (live.length === 0) return;
        const before = replica.version;
        let reply: Awaited<ReturnType<BookStore['commit']>>;
        try {
          reply = await this.store.commit(before, replica.headId, entries, deadline);
        } catch (e) {
          // Unknown outcome: it may have committed. Never re-sent; the next batch reads the stream.
          replica.rollback();
          this.stale = true;
          return failAll(describe(e));
        }
        switch (reply.kind) {
          case 'ok':
            replica.confirm(reply.first, entries[entries.length - 1]!.id);
            for (let i = 0; i < live.length; i++) live[i]!.resolve({ value: values[i]! });
            this.maybeSaveSnapshot(before, replica.version, replica.headId);
            return;
          case 'conflict':
            replica.rollback();
            await this.catchUp(reply.missed, reply.version, deadline, reply.id);
            continue;
          case 'expired':
            replica.rollback();
            return failAll(`Redis ran the commit after the ${this.options.timeoutMs} ms bound; it was refused`);
          case 'nobook':
            replica.rollback();
            this.stale = true;
            return failAll(`the book ${this.store.keys.book} is missing from Redis`);
        }
      }
    } catch (e) {
      if (this.replicaNow.pending) this.replicaNow.rollback();
      this.stale = true;
      failAll(describe(e));
    }
  }

  /** Applies operations others committed (from a conflict reply, then the stream for the rest). */
  private async catchUp(missed: CommittedOp[], headVersion: number, deadline: number, headId?: string): Promise<void> {
    try {
      this.replicaNow.catchUp(missed);
      while (this.replicaNow.version < headVersion) {
        const more = await this.store.range(this.replicaNow.version + 1, '+', 1000, deadline);
        if (more.length === 0) throw new ReplicaGap(`the stream ends before version ${headVersion}`);
        this.replicaNow.catchUp(more);
      }
      // Ahead of the book, or at its version with another op: Redis lost commits (a crash under
      // appendfsync everysec, a failover) and others committed since. The book is the truth.
      const r = this.replicaNow;
      if (r.version > headVersion || (headId !== undefined && r.version === headVersion && r.headId !== headId)) {
        throw new ReplicaGap(`this process holds version ${r.version}, the book ${headVersion}: the store lost commits`);
      }
    } catch (e) {
      if (!(e instanceof ReplicaGap)) throw e;
      this.replicaNow = await loadReplica(this.engine, this.store, deadline); // trimmed below us, or diverged
    }
  }

  private maybeSaveSnapshot(before: number, version: number, id: string): void {
    // Only the process whose commit crossed a multiple of snapshotEvery saves: one writer per snapshot.
    const every = this.options.snapshotEvery;
    if (every <= 0 || Math.floor(version / every) === Math.floor(before / every)) return;
    const json = JSON.stringify(this.replicaNow.snapshot());
    this.store.saveSnapshot(version, id, json, this.options.keepHistory, performance.now() + Math.max(this.options.timeoutMs, 2000)).catch(() => undefined); // best effort: the next multiple tries again
  }
}

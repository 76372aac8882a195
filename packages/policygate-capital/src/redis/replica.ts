// Replica: one process's copy of a book — a PolicyGate holding the committed operations up to a
// version, plus the tentative operations of one batch being committed (applied in order, each on
// the state the previous ones left: optimistic). Rolling the tentative operations back
// restores the last local base snapshot and re-applies the committed operations after it, so the
// base is refreshed every so often: after max(baseEvery, size/4) operations, where size is the number
// of entries in the last base (orders, violations, positions, kill-switch events). A snapshot and a
// restore cost O(size) while an operation costs O(1), so this bounds both the amortized cost of
// taking bases and the replay a rollback needs.
import { PolicyGate, type GateCheck, type GateSnapshot, type PolicyEngine } from '../index.js';
import { applyBookOp, type BookOp, type BookOpResult, type CommittedOp } from './ops.js';
import type { BookStore } from './store.js';

/** The op id of version 0 (the book's creation). */
export const GENESIS_ID = 'genesis';

/** Thrown when committed operations cannot be applied in order (a gap, or a history that diverged). */
export class ReplicaGap extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplicaGap';
  }
}

/**
 * A process's local copy of a book at a committed version (and id), able to apply a batch of
 * operations tentatively and to confirm or take back all of them.
 */
export class Replica {
  private gateNow: PolicyGate;
  private base: GateSnapshot;
  private since: BookOp[] = [];
  private tentative: BookOp[] = [];
  private rebaseAfter: number;
  private versionNow: number;
  private idNow: string;

  /**
   * @param baseEvery how many commits between local base snapshots (a rollback re-applies at most this many)
   */
  constructor(
    private readonly engine: PolicyEngine,
    snapshot: GateSnapshot | string,
    version: number,
    id: string,
    private readonly baseEvery = 16,
  ) {
    this.gateNow = PolicyGate.restore(engine, snapshot);
    this.base = this.gateNow.snapshot();
    this.rebaseAfter = Math.max(baseEvery, sizeOf(this.base) / 4);
    this.versionNow = version;
    this.idNow = id;
  }

  /** The committed version this replica holds (a tentative operation is not counted). */
  get version(): number {
    return this.versionNow;
  }

  /** The id of the operation at {@link Replica.version}. */
  get headId(): string {
    return this.idNow;
  }

  /** The local gate (read it only when no operation is tentative). */
  get gate(): PolicyGate {
    return this.gateNow;
  }

  /** Whether operations are applied but not yet confirmed or rolled back. */
  get pending(): boolean {
    return this.tentative.length > 0;
  }

  /**
   * Applies `op` tentatively, after the tentative operations before it (a check with
   * `checkDetailed` when `detailed`). A method that throws (a malformed fill) leaves the replica
   * as it was before this call.
   *
   * @throws what the gate method throws.
   */
  applyTentative(op: BookOp, detailed = false): BookOpResult | GateCheck {
    try {
      // checkDetailed changes the gate exactly as check does; it also copies the state decided on.
      const result = detailed && op.op === 'check' ? this.gateNow.checkDetailed(op.intent, op.market) : applyBookOp(this.gateNow, op);
      this.tentative.push(op);
      return result;
    } catch (e) {
      // The gate's methods validate before they change anything; be sure anyway.
      this.restoreBase();
      for (const t of this.tentative) applyBookOp(this.gateNow, t);
      throw e;
    }
  }

  /** The tentative operations, in order, committed at `firstVersion`, `firstVersion + 1`, …; `lastId` is the last one's id. */
  confirm(firstVersion: number, lastId: string): void {
    if (this.tentative.length === 0) throw new Error('Replica: nothing to confirm');
    if (firstVersion !== this.versionNow + 1) throw new ReplicaGap(`confirmed version ${firstVersion} does not follow ${this.versionNow}`);
    this.versionNow = firstVersion + this.tentative.length - 1;
    this.idNow = lastId;
    for (const op of this.tentative) this.since.push(op);
    this.tentative = [];
    if (this.since.length >= this.rebaseAfter) this.rebase();
  }

  /** Takes the tentative operations back (if any): the gate is again the committed state. */
  rollback(): void {
    if (this.tentative.length === 0) return;
    this.tentative = [];
    this.restoreBase();
  }

  /**
   * Applies operations committed by others, which must follow this replica's version without a gap.
   *
   * @throws {ReplicaGap} on a gap or an operation that cannot be applied (the caller reloads).
   */
  catchUp(ops: readonly CommittedOp[]): void {
    if (this.tentative.length > 0) throw new Error('Replica: roll back before catching up');
    for (const c of ops) {
      if (c.version <= this.versionNow) continue; // already held
      if (c.version !== this.versionNow + 1) throw new ReplicaGap(`missing operations ${this.versionNow + 1}..${c.version - 1}`);
      try {
        applyBookOp(this.gateNow, c.op);
      } catch (e) {
        // A committed operation was applied by its committer on this very state: if it throws here the
        // histories diverged, and only a reload from the store can tell what is true.
        this.restoreBase();
        throw new ReplicaGap(`committed operation ${c.version} (${c.id}) cannot be applied: ${(e as Error)?.message}`);
      }
      this.since.push(c.op);
      this.versionNow = c.version;
      this.idNow = c.id;
    }
    if (this.since.length >= this.rebaseAfter) this.rebase();
  }

  /** The committed state as a snapshot (evicts expired window entries, which changes no decision). */
  snapshot(): GateSnapshot {
    if (this.tentative.length > 0) throw new Error('Replica: operations are tentative');
    return this.gateNow.snapshot();
  }

  private rebase(): void {
    this.base = this.gateNow.snapshot();
    this.since = [];
    this.rebaseAfter = Math.max(this.baseEvery, sizeOf(this.base) / 4);
  }

  private restoreBase(): void {
    const gate = PolicyGate.restore(this.engine, this.base);
    for (const op of this.since) applyBookOp(gate, op);
    this.gateNow = gate;
  }
}

function sizeOf(s: GateSnapshot): number {
  return s.orders.length + s.violations.length + s.pending.length + s.kill_switch.history.length + Object.keys(s.portfolio?.positions ?? {}).length;
}

/** Loads the book: the saved snapshot, then every operation after it. */
export async function loadReplica(engine: PolicyEngine, store: BookStore, deadline: number): Promise<Replica> {
  for (let attempt = 0; ; attempt++) {
    const snap = await store.snapshot(deadline);
    if (snap === null) throw new Error(`the book ${store.keys.book} is missing from Redis`);
    const entries: CommittedOp[] = [];
    for (let from = Math.max(snap.version, 1); ; ) {
      const more = await store.range(from, '+', 1000, deadline);
      entries.push(...more);
      if (more.length < 1000) break;
      from = more[more.length - 1]!.version + 1;
    }
    let id = GENESIS_ID;
    if (snap.version > 0) {
      if (entries[0]?.version !== snap.version) {
        if (attempt < 3) continue; // a newer snapshot trimmed the stream between the two reads
        throw new Error(`the stream does not hold the snapshot's version ${snap.version}`);
      }
      id = entries.shift()!.id;
    }
    const replica = new Replica(engine, snap.json, snap.version, id);
    replica.catchUp(entries);
    return replica;
  }
}

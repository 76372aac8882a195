// BookStore: the Redis side of one book — the scripts, each command bounded in time, and the
// replies decoded. It holds no gate state; RedisGate decides what to send.
import { createHash } from 'node:crypto';
import { decodeEntries, type CommittedOp } from './ops.js';
import type { BookKeys } from './keys.js';
import { COMMIT_SCRIPT, INIT_SCRIPT, SAVE_SNAPSHOT_SCRIPT } from './scripts.js';

/**
 * The one call BookStore needs from a Redis client: send a command, with a signal that aborts it
 * while it is not yet written. A node-redis client and cluster are adapted by {@link transportFor}.
 */
export interface RedisTransport {
  send(args: string[], firstKey: string, signal: AbortSignal): Promise<unknown>;
}

interface NodeRedisClientLike {
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}
interface NodeRedisClusterLike {
  sendCommand(firstKey: string, isReadonly: boolean | undefined, args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  masters: unknown;
}

/** Adapts a node-redis client or cluster (told apart by the cluster's `masters`). */
export function transportFor(client: NodeRedisClientLike | NodeRedisClusterLike): RedisTransport {
  if ('masters' in client) {
    const cluster = client as NodeRedisClusterLike;
    return { send: (args, firstKey, abortSignal) => cluster.sendCommand(firstKey, false, args, { abortSignal }) };
  }
  const c = client as NodeRedisClientLike;
  return { send: (args, _firstKey, abortSignal) => c.sendCommand(args, { abortSignal }) };
}

/** A commit's outcome, as Redis decided it. */
export type CommitReply = { kind: 'ok'; first: number } | { kind: 'conflict'; version: number; id: string; missed: CommittedOp[] } | { kind: 'expired' } | { kind: 'nobook' };

/** One operation of a commit batch: its unique id, its JSON, and for a check the decision kind ('' otherwise). */
export interface BatchEntry {
  id: string;
  json: string;
  decision: string;
}

/** The book's head: its committed version and last operation id. */
export interface Head {
  version: number;
  id: string;
  policy: string | null;
}

/** Thrown when the store cannot answer within the time left (the caller fails closed). */
export class StoreTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${Math.max(0, Math.round(ms))} ms`);
    this.name = 'StoreTimeout';
  }
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const SHAS = { commit: sha1(COMMIT_SCRIPT), init: sha1(INIT_SCRIPT), save: sha1(SAVE_SNAPSHOT_SCRIPT) };
const SCRIPTS = { commit: COMMIT_SCRIPT, init: INIT_SCRIPT, save: SAVE_SNAPSHOT_SCRIPT };

/**
 * The Redis side of one book. Every method takes the absolute deadline (`performance.now()` ms) of
 * the call it serves and rejects with {@link StoreTimeout} when the time is out.
 */
export class BookStore {
  constructor(
    private readonly transport: RedisTransport,
    readonly keys: BookKeys,
  ) {}

  private async send(what: string, args: string[], deadline: number): Promise<unknown> {
    const left = deadline - performance.now();
    if (left <= 0) throw new StoreTimeout(what, 0);
    // Our own timer: node-redis's per-command `timeout` does not fire for a command already written
    // to a socket whose peer is frozen (SIGSTOP), and it costs an AbortSignal.timeout (whose
    // DOMException is built even when the reply came long before) per command. The timer aborts a
    // command not yet written; one written may still run later: the commit script refuses it past
    // the deadline, and the caller treats the outcome as unknown.
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new StoreTimeout(what, left));
      }, Math.ceil(left));
    });
    try {
      const sent = this.transport.send(args, this.keys.head, abort.signal);
      sent.catch(() => undefined); // its late rejection, once the timer has won, is not an unhandled one
      return await Promise.race([sent, timeout]);
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw new StoreTimeout(what, left);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** EVALSHA, and EVAL when Redis does not have the script (a restart empties its script cache; NOSCRIPT means it did not run). */
  private async script(name: keyof typeof SHAS, keys: string[], args: string[], deadline: number): Promise<unknown> {
    try {
      return await this.send(name, ['EVALSHA', SHAS[name], String(keys.length), ...keys, ...args], deadline);
    } catch (e) {
      if (!String((e as Error)?.message).startsWith('NOSCRIPT')) throw e;
      return this.send(name, ['EVAL', SCRIPTS[name], String(keys.length), ...keys, ...args], deadline);
    }
  }

  /** Loads the commit script into Redis's script cache, so that the first commit is one round trip, not a NOSCRIPT and an EVAL. */
  async loadScripts(deadline: number): Promise<void> {
    await this.send('script load', ['SCRIPT', 'LOAD', COMMIT_SCRIPT], deadline);
  }

  /** Creates the book at version 0 from `snapshotJson` unless it exists; returns its head. */
  async init(policyHash: string, snapshotJson: string, deadline: number): Promise<Head> {
    const r = (await this.script('init', [this.keys.head, this.keys.snap], [policyHash, snapshotJson], deadline)) as unknown[];
    return { version: Number(r[0]), id: String(r[1]), policy: r[2] == null ? null : String(r[2]) };
  }

  /**
   * Appends the batch `ops` (in order) at versions `expected + 1`, … if the head is still
   * `(expected, expectedId)`; nothing of it otherwise.
   */
  async commit(expected: number, expectedId: string, ops: readonly BatchEntry[], deadline: number): Promise<CommitReply> {
    // Redis compares the deadline with its own clock (Unix ms): the wall clock here, since that is
    // what the two share. A skew makes commits fail closed (Redis ahead) or leaves a late commit to
    // the next sync (Redis behind); see the docs page.
    const unixDeadline = Date.now() + (deadline - performance.now());
    const args = [String(expected), expectedId, String(Math.floor(unixDeadline))];
    for (const o of ops) args.push(o.id, o.json, o.decision);
    const r = (await this.script('commit', [this.keys.head, this.keys.ops], args, deadline)) as unknown[];
    switch (String(r[0])) {
      case 'OK':
        return { kind: 'ok', first: Number(r[1]) };
      case 'CONFLICT':
        return { kind: 'conflict', version: Number(r[1]), id: String(r[2]), missed: decodeEntries(r[3]) };
      case 'EXPIRED':
        return { kind: 'expired' };
      case 'NOBOOK':
        return { kind: 'nobook' };
      default:
        throw new Error(`unexpected commit reply ${JSON.stringify(r)}`);
    }
  }

  /** The head, or null when the book does not exist. */
  async head(deadline: number): Promise<Head | null> {
    const r = (await this.send('head', ['HMGET', this.keys.head, 'v', 'id', 'policy'], deadline)) as unknown[];
    if (r[0] == null) return null;
    return { version: Number(r[0]), id: String(r[1]), policy: r[2] == null ? null : String(r[2]) };
  }

  /** Committed operations with versions in [from, to] (at most `count`). */
  async range(from: number, to: number | '+', count: number, deadline: number): Promise<CommittedOp[]> {
    const end = to === '+' ? '+' : `${to}-0`;
    return decodeEntries(await this.send('range', ['XRANGE', this.keys.ops, `${from}-0`, end, 'COUNT', String(count)], deadline));
  }

  /** The saved snapshot: its version and JSON, or null. */
  async snapshot(deadline: number): Promise<{ version: number; json: string } | null> {
    const r = (await this.send('snapshot', ['HMGET', this.keys.snap, 'v', 'json'], deadline)) as unknown[];
    if (r[0] == null || r[1] == null) return null;
    return { version: Number(r[0]), json: String(r[1]) };
  }

  /** Saves a snapshot taken at `version` (whose op id is `id`) and trims the stream; false when a newer one is saved. */
  async saveSnapshot(version: number, id: string, json: string, keepBelow: number, deadline: number): Promise<boolean> {
    const r = await this.script('save', [this.keys.head, this.keys.snap, this.keys.ops], [String(version), id, json, String(keepBelow)], deadline);
    return Number(r) === 1;
  }
}

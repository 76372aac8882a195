// The operations of a book's history: what a process commits to the stream, and how one is applied
// to a PolicyGate. Every process applies every committed operation with `applyBookOp`, in stream
// order, so all of them hold the same state, and a single in-memory gate replaying the stream
// reproduces every decision.
import type { Decision, EquityUpdate, Fill, MarketSnapshot, OrderIntent, PolicyGate } from '../index.js';

/**
 * One committed operation (the `op` field of a stream entry, as JSON).
 *
 * @example
 * ```ts
 * const op: BookOp = { op: 'check', intent, market }
 * ```
 */
export type BookOp =
  | { op: 'check'; intent: OrderIntent; market?: MarketSnapshot }
  | { op: 'fill'; fill: Fill }
  | { op: 'prices'; prices: Record<string, number>; timestamp?: string }
  | { op: 'equity'; update: EquityUpdate }
  | { op: 'reset'; reason: string; at?: string };

/**
 * One entry of a book's stream: the version it committed at, its unique id, and the operation.
 *
 * @example
 * ```ts
 * const { version, id, op } = entry // 42, 'a1b2c3d4-17', { op: 'fill', fill: {...} }
 * ```
 */
export interface CommittedOp {
  version: number;
  id: string;
  op: BookOp;
}

/** What applying an operation returned: the decision of a check, a fill's new position, a reset's flag. */
export type BookOpResult = Decision | number | boolean | undefined;

/**
 * Applies one operation to a gate with the gate's own methods (the same code the in-memory gate
 * runs), returning what that method returned.
 *
 * @throws what the gate method throws (a malformed fill, say); nothing has been applied then.
 * @example
 * ```ts
 * const gate = PolicyGate.restore(engine, snapshot)
 * for (const e of entries) applyBookOp(gate, e.op) // the book's state at the last entry
 * ```
 */
export function applyBookOp(gate: PolicyGate, op: BookOp): BookOpResult {
  switch (op.op) {
    case 'check':
      return gate.check(op.intent, op.market);
    case 'fill':
      return gate.applyFill(op.fill);
    case 'prices':
      gate.updatePrices(op.prices, op.timestamp);
      return undefined;
    case 'equity':
      gate.updateEquity(op.update);
      return undefined;
    case 'reset':
      return gate.resetKillSwitch(op.reason, op.at);
    default:
      throw new TypeError(`unknown book operation ${JSON.stringify((op as { op?: unknown }).op)}`);
  }
}

/**
 * Decodes stream entries as node-redis returns them for XRANGE inside a script reply
 * (`[id, [field, value, …]]`).
 */
export function decodeEntries(raw: unknown): CommittedOp[] {
  if (!Array.isArray(raw)) throw new TypeError('stream entries: expected an array');
  return raw.map((entry) => {
    const [sid, fields] = entry as [string, string[]];
    const f = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) f.set(String(fields[i]), String(fields[i + 1]));
    const version = Number(String(sid).split('-')[0]);
    const id = f.get('id');
    const op = f.get('op');
    if (!Number.isSafeInteger(version) || id === undefined || op === undefined) throw new TypeError(`stream entry ${String(sid)} is malformed`);
    return { version, id, op: JSON.parse(op) as BookOp };
  });
}

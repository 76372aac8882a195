// The snapshot codec: what it writes, it reads back; what it reads, it validates.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { decodeGateSnapshot, encodeGateSnapshot, GATE_SNAPSHOT_FORMAT, GATE_SNAPSHOT_FORMAT_V2, type GateState } from './snapshot.js';
import type { RecentOrder } from '../model/schemas.js';
import { parseTimestampUs } from './time.js';

const T = (s: string) => parseTimestampUs(s);
const origin = { engineVersion: '0.1.0', policyHash: 'sha256:abc' };

function state(over: Partial<GateState> = {}): GateState {
  return {
    clock: T('2026-02-18T14:00:05Z'),
    portfolio: { equity: 1e5, start_of_day_equity: 1e5, peak_equity: 1e5, positions: { AAPL: 10 }, realized_pnl_today: 0, unrealized_pnl: -5 },
    market: { timestamp: '2026-02-18T14:00:00Z', prices: { AAPL: 200, MSFT: -1 } },
    orders: [[T('2026-02-18T14:00:01Z'), 'momentum_v1']],
    pending: [['o-2', T('2026-02-18T14:00:02.5Z'), '__proto__', null]],
    violations: [[T('2026-02-18T14:00:03Z'), 'EXP-001']],
    killSwitch: {
      active: false,
      tripped_at: null,
      reason: null,
      history: [
        { event: 'trip', at: null, reason: 'x', intent_id: null },
        { event: 'reset', at: '2026-02-18T14:00:04Z', reason: 'ok', intent_id: null },
      ],
    },
    recent: [],
    v02: false,
    ...over,
  };
}

describe('gate snapshot codec', () => {
  it('reads back through JSON exactly the state it wrote', () => {
    const snap = encodeGateSnapshot(origin, state());
    expect(snap.format).toBe(GATE_SNAPSHOT_FORMAT);
    expect(snap.pending).toEqual([['o-2', '2026-02-18T14:00:02.500000Z', '__proto__']]);
    const back = decodeGateSnapshot(JSON.stringify(snap));
    expect(back.policyHash).toBe('sha256:abc');
    expect(back.state).toEqual(state());
  });

  it("writes format 2 under a v0.2 policy (recent orders, the orders of pending checks, the market's own timestamp) and reads it back", () => {
    const order: RecentOrder = {
      intent_id: 'o-1',
      timestamp: '2026-02-18T14:00:01Z',
      account_id: 'acct',
      strategy_id: 'a',
      symbol: 'ES',
      side: 'buy',
      order_type: 'limit',
      qty: 2,
      limit_price: 5000.25,
    };
    const s2 = state({ v02: true, recent: [order], pending: [['o-2', T('2026-02-18T14:00:02Z'), 'a', { ...order, intent_id: 'o-2' }]], marketTimestamp: 'not a time' });
    const snap = encodeGateSnapshot(origin, s2);
    expect(snap.format).toBe(GATE_SNAPSHOT_FORMAT_V2);
    expect(snap.market_timestamp).toBe('not a time'); // kept as it was: restored, it is still unreadable
    expect(snap.pending[0]).toHaveLength(4);
    expect(decodeGateSnapshot(JSON.stringify(snap)).state).toEqual(s2);
    // A format-1 snapshot (no recent orders, three-item pending checks) still reads.
    const v1 = encodeGateSnapshot(origin, state());
    expect(v1.format).toBe(GATE_SNAPSHOT_FORMAT);
    expect('recent_orders' in v1).toBe(false);
    expect(decodeGateSnapshot(JSON.stringify(v1)).state.recent).toEqual([]);
  });

  it('leaves out marks JSON cannot hold and replaces a timestamp that is not RFC 3339 with the clock', () => {
    const market = { timestamp: 'soon', prices: { AAPL: NaN, MSFT: Infinity, GOOG: 'x' as unknown as number, TSLA: 0 } };
    const snap = encodeGateSnapshot(origin, state({ market }));
    expect(snap.market).toEqual({ timestamp: '2026-02-18T14:00:05Z', prices: { TSLA: 0 } });
    expect(decodeGateSnapshot(JSON.parse(JSON.stringify(snap))).state.market).toEqual(snap.market);
    expect(encodeGateSnapshot(origin, state({ market, clock: null })).market?.timestamp).toBe('1970-01-01T00:00:00Z');
  });

  it('names every malformed field, and the line and column of a JSON syntax error', () => {
    const snap = JSON.parse(JSON.stringify(encodeGateSnapshot(origin, state())));
    snap.orders[0][0] = '2026-02-30T00:00:00Z';
    snap.portfolio.positions.AAPL = null;
    try {
      decodeGateSnapshot(snap);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual(['portfolio.positions.AAPL', 'orders[0][0]']);
    }
    expect(() => decodeGateSnapshot('{"format": ')).toThrow(/not valid JSON/);
  });
});

// Properties of the stateful gate under policy DSL v0.2 (fast-check): random v0.2 policies
// (instruments with multipliers and lot sizes, order controls, a market-data age limit, duplicate
// windows in the limits and an override, reduce-only halts) on random streams in which orders
// repeat (duplicates), market snapshots lag (stale data) and limit orders reach past the market.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../engine/evaluate.js';
import { PolicyEngine } from '../engine/policy-engine.js';
import type { Decision } from '../engine/types.js';
import type { MarketSnapshot, OrderIntent, PortfolioState, RecentOrder } from '../model/schemas.js';
import { PolicyGate } from './policy-gate.js';

const SYMBOLS = ['AAPL', 'ES', 'BTC-USD', 'constructor', '__proto__'] as const;
const STRATEGIES = ['a', 'b', 'c'] as const;
const T0_US = Date.UTC(2026, 1, 18, 14, 30) * 1000;

/** µs since the epoch → RFC 3339, written here independently of the gate's own formatter. */
function iso(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  const base = new Date(ms).toISOString();
  return micros === 0 ? base : `${base.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

interface V02Params {
  mode: 'enforce' | 'monitor';
  decision: 'deny' | 'allow';
  global: number;
  tripOn: string[];
  tripAfter: number;
  position: number;
  gross: number;
  esMultiplier: number;
  aaplLot: number | null;
  btcLot: number | null;
  maxQty: number | null;
  maxNotional: number | null;
  collar: number | null;
  restricted: string[];
  maxAge: number | null;
  window: number | null;
  strategyBWindow: number | null;
  reduceOnly: boolean;
}

const params: fc.Arbitrary<V02Params> = fc.record({
  mode: fc.constantFrom<'enforce' | 'monitor'>('enforce', 'enforce', 'enforce', 'monitor'),
  decision: fc.constantFrom<'deny' | 'allow'>('deny', 'allow'),
  global: fc.integer({ min: 2, max: 12 }),
  tripOn: fc.subarray(['LOSS-002', 'EXEC-003', 'ORD-001', 'SYS-003', 'EXP-002']),
  tripAfter: fc.integer({ min: 1, max: 8 }),
  position: fc.double({ min: 0.05, max: 1, noNaN: true }),
  gross: fc.double({ min: 0.5, max: 4, noNaN: true }),
  esMultiplier: fc.constantFrom(1, 50, 0.1, 12.5),
  aaplLot: fc.option(fc.constantFrom(1, 10, 0.5), { nil: null }),
  btcLot: fc.option(fc.constantFrom(0.001, 0.1), { nil: null }),
  maxQty: fc.option(fc.constantFrom(10, 50, 150, 1000), { nil: null }),
  maxNotional: fc.option(fc.constantFrom(2_000, 20_000, 200_000), { nil: null }),
  collar: fc.option(fc.constantFrom(0.01, 0.05, 0.2), { nil: null }),
  restricted: fc.subarray(['constructor', 'BTC-USD', 'GME'], { maxLength: 1 }),
  maxAge: fc.option(fc.constantFrom(1, 5, 30), { nil: null }),
  window: fc.option(fc.constantFrom(1, 10, 60), { nil: null }),
  strategyBWindow: fc.option(fc.constantFrom(5, 120), { nil: null }),
  reduceOnly: fc.boolean(),
});

function policyYaml(p: V02Params): string {
  const win = (w: number | null) => (w === null ? '' : `, duplicate_window_seconds: ${w}`);
  const opt = (k: string, v: number | null) => (v === null ? '' : `${k}: ${v}, `);
  return `version: "0.2"
defaults: { mode: ${p.mode}, decision: ${p.decision} }
limits:
  exposure: { max_position_pct: ${p.position}, max_gross_exposure_x: ${p.gross}, max_net_exposure_x: null }
  loss: { daily_loss_limit_pct: 0.03, max_drawdown_pct: 0.08 }
  execution: { max_orders_per_minute_global: ${p.global}, max_orders_per_minute_by_strategy: ${p.global}${win(p.window)} }
  kill_switch: { trip_on_rules: ${JSON.stringify(p.tripOn)}, trip_after_n_violations: ${p.tripAfter}, violation_window_seconds: 60, reduce_only: ${p.reduceOnly} }
  order: { ${opt('max_order_qty', p.maxQty)}${opt('max_order_notional', p.maxNotional)}${opt('price_collar_pct', p.collar)}restricted_symbols: ${JSON.stringify(p.restricted)} }
  market_data: { max_price_age_seconds: ${p.maxAge ?? 'null'} }
overrides:
  symbols: {}
  strategies: {${p.strategyBWindow === null ? '' : ` b: { execution: { max_orders_per_minute_global: ${p.global}, max_orders_per_minute_by_strategy: ${p.global}${win(p.strategyBWindow)} } }`} }
instruments:
  ES: { multiplier: ${p.esMultiplier} }
  ${p.aaplLot === null ? '' : `AAPL: { lot_size: ${p.aaplLot} }`}
  ${p.btcLot === null ? '' : `BTC-USD: { lot_size: ${p.btcLot}, multiplier: 1 }`}
`;
}

const engines = new Map<string, PolicyEngine>();
async function engineFor(p: V02Params): Promise<PolicyEngine> {
  const text = policyYaml(p);
  let e = engines.get(text);
  if (!e) engines.set(text, (e = await PolicyEngine.fromYaml(text)));
  return e;
}

const symbol = fc.constantFrom(...SYMBOLS);
const fullPrices = fc.record(Object.fromEntries(SYMBOLS.map((s) => [s, fc.double({ min: 1, max: 500, noNaN: true })]))) as fc.Arbitrary<Record<string, number>>;

const initialPortfolio: fc.Arbitrary<PortfolioState> = fc
  .record({
    equity: fc.double({ min: 50_000, max: 500_000, noNaN: true }),
    sodDelta: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
    peakDelta: fc.double({ min: 0, max: 0.12, noNaN: true }),
    positions: fc.dictionary(symbol, fc.integer({ min: -100, max: 100 }), { maxKeys: 4 }),
  })
  .map(({ equity, sodDelta, peakDelta, positions }) => ({
    equity,
    start_of_day_equity: equity * (1 + sodDelta),
    peak_equity: equity * (1 + peakDelta),
    positions,
    realized_pnl_today: 0,
    unrealized_pnl: 0,
  }));

type Check = {
  kind: 'check';
  dtMs: number;
  badTs: boolean;
  symbol: string;
  side: 'buy' | 'sell';
  qty: number;
  strategy: string;
  account: string;
  limit: number | null; // a limit price as a factor of the mark, null: a market order
  repeat: boolean; // the previous order again (new id and time): a duplicate within a short window
  market: { prices: Record<string, number>; lagMs: number } | null;
};
type Op =
  | Check
  | { kind: 'fill'; symbol: string; side: 'buy' | 'sell'; qty: number; price: number }
  | { kind: 'prices'; prices: Record<string, number>; lagMs: number | null }
  | { kind: 'equity'; factor: number }
  | { kind: 'reset' };

const check: fc.Arbitrary<Check> = fc.record({
  kind: fc.constant('check' as const),
  dtMs: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0, 500, 1_000, 5_000, 10_000, 60_000) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: -15_000, max: -1 }) },
  ),
  badTs: fc
    .boolean()
    .chain((b) => (b ? fc.boolean() : fc.constant(false)))
    .chain((b) => (b ? fc.boolean() : fc.constant(false))),
  symbol,
  side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
  // A few sizes, so that the same order comes again (EXEC-003); odd lots and fractions now and then.
  qty: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(1, 5, 10, 20, 100) }, { weight: 1, arbitrary: fc.double({ min: 0.001, max: 300, noNaN: true }) }),
  strategy: fc.constantFrom(...STRATEGIES),
  account: fc.constantFrom('acct', 'acct', 'other'),
  limit: fc.option(fc.constantFrom(0.9, 0.99, 1, 1.02, 1.1, 1.5), { nil: null }),
  repeat: fc.constantFrom(false, false, true),
  market: fc.option(fc.record({ prices: fullPrices, lagMs: fc.constantFrom(0, 0, 800, 2_000, 10_000, 45_000, -3_000) }), { nil: null, freq: 3 }),
});

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: check },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('fill' as const),
      symbol,
      side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      qty: fc.integer({ min: 1, max: 100 }),
      price: fc.double({ min: 1, max: 500, noNaN: true }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('prices' as const),
      prices: fc.dictionary(symbol, fc.double({ min: 1, max: 500, noNaN: true }), { maxKeys: 3 }),
      lagMs: fc.option(fc.constantFrom(0, 3_000, 20_000), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('equity' as const), factor: fc.double({ min: 0.85, max: 1.1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
);

const scenario = fc.record({ policy: params, portfolio: initialPortfolio, prices: fullPrices, ops: fc.array(op, { minLength: 1, maxLength: 50 }) });

let seq = 0;
let previous: OrderIntent | undefined;
function intentOf(o: Check, wallUs: number, price: number | undefined): OrderIntent {
  const timestamp = o.badTs ? '2026-02-18T14:30:00+24:00' : iso(wallUs);
  if (o.repeat && previous !== undefined) return (previous = { ...previous, intent_id: `i-${++seq}`, timestamp });
  return (previous = {
    intent_id: `i-${++seq}`,
    timestamp,
    strategy_id: o.strategy,
    account_id: o.account,
    instrument: { symbol: o.symbol, asset_class: o.symbol === 'ES' ? 'futures' : 'equity' },
    side: o.side,
    order_type: o.limit === null ? 'market' : 'limit',
    qty: o.qty,
    limit_price: o.limit === null ? null : (price ?? 100) * o.limit,
  });
}

const marketOf = (o: Check, wall: number): MarketSnapshot | undefined => (o.market === null ? undefined : { timestamp: iso(wall - o.market.lagMs * 1000), prices: o.market.prices });
const withoutMs = ({ eval_ms: _, ...rest }: Decision) => rest;

function mutate(gate: PolicyGate, o: Exclude<Op, { kind: 'check' }>, wall: number): unknown {
  switch (o.kind) {
    case 'fill':
      return gate.applyFill({ symbol: o.symbol, side: o.side, qty: o.qty, price: o.price });
    case 'prices':
      return gate.updatePrices(o.prices, o.lagMs === null ? undefined : iso(wall - o.lagMs * 1000));
    case 'equity':
      return gate.updateEquity({ equity: gate.portfolio!.equity * o.factor });
    case 'reset':
      return gate.resetKillSwitch('property test reset', iso(wall));
  }
}

const RUNS = { numRuns: 200 };

describe('PolicyGate on random streams under policy DSL v0.2', () => {
  it('decides each intent exactly as evaluate does on the state it reports (recent orders, market timestamps, multipliers, lots)', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const engine = await engineFor(s.policy);
        const market0: MarketSnapshot = { timestamp: iso(T0_US), prices: s.prices };
        const fast = new PolicyGate(engine, { portfolio: s.portfolio, market: market0 });
        const detailed = new PolicyGate(engine, { portfolio: s.portfolio, market: market0 });
        let wall = T0_US;
        for (const o of s.ops) {
          if (o.kind !== 'check') {
            expect(mutate(detailed, o, wall)).toEqual(mutate(fast, o, wall));
            continue;
          }
          wall += o.dtMs * 1000;
          const m = marketOf(o, wall);
          const intent = intentOf(o, wall, (m?.prices ?? fast.market.prices)[o.symbol]);
          const d = fast.check(intent, m);
          const c = detailed.checkDetailed(intent, m);
          expect(withoutMs(c.decision)).toEqual(withoutMs(d));
          const pure = evaluate(intent, engine.policy, c.portfolio, c.market, c.execution);
          for (const v of d.violations) seen.add(v.rule_id);
          if (o.badTs && pure.violations[0]?.message !== 'Evaluation error: unreadable intent timestamp.') {
            // The policy does not read this intent's timestamp: the gate still cannot place it in its windows.
            expect(d.decision).toBe('DENY');
            continue;
          }
          expect(withoutMs(d)).toEqual(withoutMs(pure)); // bit-identical
          // Reduce-only halts: an order that only shrinks its position never meets KILL-001 or LOSS-001/002.
          const held = c.portfolio.positions;
          const sym = intent.instrument.symbol;
          const current = Object.prototype.hasOwnProperty.call(held, sym) ? held[sym]! : 0;
          const next = intent.side === 'buy' ? current + intent.qty : current - intent.qty;
          if (s.policy.reduceOnly && current !== 0 && Math.abs(next) < Math.abs(current) && (next === 0 || next > 0 === current > 0)) {
            expect(d.violations.map((v) => v.rule_id)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(KILL-001|LOSS-001|LOSS-002)$/)]));
          }
        }
      }),
      RUNS,
    );
    // The streams did reach the v0.2 rules (a generator that never made a duplicate would prove nothing).
    for (const id of ['EXEC-003', 'SYS-003', 'ORD-001', 'ORD-002', 'ORD-003', 'ORD-004', 'ORD-005', 'EXP-001']) expect(seen).toContain(id);
  });

  it('keeps as recent orders exactly the ALLOW/MODIFY orders (with the qty sent) stamped within the longest duplicate window', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const engine = await engineFor(s.policy);
        const gate = new PolicyGate(engine, { portfolio: s.portfolio, market: { timestamp: iso(T0_US), prices: s.prices } });
        const keepUs = Math.max(s.policy.window ?? 0, s.policy.strategyBWindow ?? 0) * 1e6;
        let sent: { us: number; order: RecentOrder }[] = [];
        let clock: number | null = null;
        let wall = T0_US;
        for (const o of s.ops) {
          if (o.kind !== 'check') {
            mutate(gate, o, wall);
            if (o.kind === 'reset') clock = clock === null ? wall : Math.max(clock, wall);
            continue;
          }
          wall += o.dtMs * 1000;
          const m = marketOf(o, wall);
          const intent = intentOf(o, wall, (m?.prices ?? gate.market.prices)[o.symbol]);
          const d = gate.check(intent, m);
          if (!o.badTs) clock = clock === null ? wall : Math.max(clock, wall);
          if (!o.badTs && d.decision !== 'DENY' && keepUs > 0) {
            const qty = d.decision === 'MODIFY' ? d.modified_intent.qty : intent.qty;
            const { intent_id, timestamp, account_id, strategy_id, side, order_type, limit_price } = intent;
            sent.push({ us: wall, order: { intent_id, timestamp, account_id, strategy_id, symbol: intent.instrument.symbol, side, order_type, qty, limit_price } });
          }
          const now = clock;
          if (now !== null) sent = sent.filter(({ us }) => us > now - keepUs);
          const expected = [...sent].sort((x, y) => x.us - y.us).map((e) => e.order); // stable: ties keep their order
          expect(gate.executionState().recent_orders).toEqual(expected);
        }
      }),
      RUNS,
    );
  });

  it('snapshot → JSON → restore gives the same future decisions and state', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.nat(), async (s, cut) => {
        const engine = await engineFor(s.policy);
        const autoRecord = cut % 3 !== 0;
        const gate = new PolicyGate(engine, { portfolio: s.portfolio, market: { timestamp: iso(T0_US), prices: s.prices }, autoRecord });
        const split = cut % (s.ops.length + 1);
        let restored: PolicyGate | undefined;
        let wall = T0_US;
        for (let i = 0; i < s.ops.length; i++) {
          if (i === split) restored = PolicyGate.restore(engine, JSON.stringify(gate.snapshot()), { autoRecord });
          const o = s.ops[i]!;
          const gates = restored ? [gate, restored] : [gate];
          if (o.kind !== 'check') {
            const results = gates.map((g) => mutate(g, o, wall));
            if (restored) expect(results[1]).toEqual(results[0]);
            continue;
          }
          wall += o.dtMs * 1000;
          const m = marketOf(o, wall);
          const intent = intentOf(o, wall, (m?.prices ?? gate.market.prices)[o.symbol]);
          const ds = gates.map((g) => g.check(intent, m && structuredClone(m)));
          if (restored) expect(withoutMs(ds[1]!)).toEqual(withoutMs(ds[0]!));
          if (!autoRecord && ds[0]!.decision !== 'DENY' && i % 2 === 0) for (const [k, g] of gates.entries()) g.record(ds[k]!);
        }
        if (restored) expect(restored.snapshot()).toEqual(gate.snapshot());
        expect(gate.snapshot().format).toBe('policygate-gate-snapshot/2');
      }),
      RUNS,
    );
  });

  it('maxQty is consistent with check: exactly qty breaks no size rule, qty + lot breaks the binding one, blockedBy is what a check hits', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenario,
        symbol,
        fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        fc.constantFrom(...STRATEGIES),
        fc.option(fc.constantFrom(0.98, 1.01, 1.3), { nil: undefined }),
        async (s, sym, side, strategy, limitFactor) => {
          const engine = await engineFor(s.policy);
          const gate = new PolicyGate(engine, { portfolio: s.portfolio, market: { timestamp: iso(T0_US), prices: s.prices } });
          let wall = T0_US;
          for (const o of s.ops.slice(0, 10)) {
            if (o.kind === 'check') {
              wall += Math.max(0, o.dtMs) * 1000;
              const m = marketOf(o, wall);
              gate.check(intentOf({ ...o, badTs: false }, wall, (m?.prices ?? gate.market.prices)[o.symbol]), m);
            } else mutate(gate, o, wall);
          }
          const mark = gate.market.prices[sym]!;
          const limitPrice = limitFactor === undefined ? undefined : mark * limitFactor;
          const r = gate.maxQty(sym, side, undefined, { strategyId: strategy, accountId: 'acct', ...(limitPrice !== undefined && { limitPrice }) });
          const probe = (qty: number) => {
            const g = PolicyGate.restore(engine, gate.snapshot());
            const intent: OrderIntent = {
              intent_id: 'probe',
              timestamp: gate.clock ?? iso(0),
              strategy_id: strategy,
              account_id: 'acct',
              instrument: { symbol: sym, asset_class: 'equity' },
              side,
              order_type: limitPrice === undefined ? 'market' : 'limit',
              qty,
              limit_price: limitPrice ?? null,
            };
            return g.check(intent).violations.map((v) => v.rule_id);
          };
          if (r.blockedBy.some((id) => id.startsWith('SYS-'))) {
            expect(r.qty).toBe(0);
            expect(probe(r.lot)).toEqual(r.blockedBy);
            return;
          }
          const size = /^(EXP-00[123]|ORD-00[12])$/;
          if (r.qty > 0) expect(probe(r.qty).filter((id) => size.test(id))).toEqual([]);
          expect(r.binding).not.toBeNull();
          expect(probe(r.qty + r.lot)).toContain(r.binding);
          const hit = probe(r.qty > 0 ? r.qty : r.lot).filter((id) => !size.test(id));
          expect(hit).toEqual(r.blockedBy);
        },
      ),
      RUNS,
    );
  });
});

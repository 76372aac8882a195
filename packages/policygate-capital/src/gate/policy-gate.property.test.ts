// Properties of the stateful gate on random streams (fast-check): random policies, portfolios,
// intents (in and out of order, now and then with a bad timestamp), fills, price updates, new
// snapshots with missing prices, equity moves and kill-switch resets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../engine/evaluate.js';
import { PolicyEngine } from '../engine/policy-engine.js';
import type { Decision } from '../engine/types.js';
import type { MarketSnapshot, OrderIntent, PortfolioState } from '../model/schemas.js';
import { PolicyGate } from './policy-gate.js';
import type { GateCheck } from './types.js';

const SYMBOLS = ['AAPL', 'MSFT', 'BTC-USD', '__proto__', 'constructor'] as const;
const STRATEGIES = ['a', 'b', 'c'] as const;
const T0_US = Date.UTC(2026, 1, 18, 14, 30) * 1000;
const WINDOW_US = 60_000_000;

/** µs since the epoch → RFC 3339, written here independently of the gate's own formatter. */
function iso(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  const base = new Date(ms).toISOString(); // …T14:30:00.123Z
  return micros === 0 ? base : `${base.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

interface PolicyParams {
  mode: 'enforce' | 'monitor';
  decision: 'deny' | 'allow';
  global: number;
  perStrategy: number;
  tripOn: string[];
  tripAfter: number;
  windowS: number;
  position: number;
  gross: number;
  net: number | null;
  aaplPosition: number | null;
  strategyBGlobal: number | null;
}

const policyParams: fc.Arbitrary<PolicyParams> = fc.record({
  mode: fc.constantFrom<'enforce' | 'monitor'>('enforce', 'enforce', 'enforce', 'monitor'),
  decision: fc.constantFrom<'deny' | 'allow'>('deny', 'allow'),
  global: fc.integer({ min: 1, max: 8 }),
  perStrategy: fc.integer({ min: 1, max: 5 }),
  tripOn: fc.subarray(['LOSS-002', 'EXP-002', 'EXP-003', 'EXEC-001', 'SYS-001']),
  tripAfter: fc.integer({ min: 1, max: 8 }),
  windowS: fc.oneof(fc.integer({ min: 1, max: 180 }), fc.constantFrom(5, 10, 30, 60)),
  position: fc.double({ min: 0.02, max: 1, noNaN: true }),
  gross: fc.double({ min: 0.3, max: 3, noNaN: true }),
  net: fc.option(fc.double({ min: 0.2, max: 2, noNaN: true }), { nil: null }),
  aaplPosition: fc.option(fc.double({ min: 0.01, max: 0.5, noNaN: true }), { nil: null }),
  strategyBGlobal: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
});

function policyYaml(p: PolicyParams): string {
  const section = (position: number) => `exposure: { max_position_pct: ${position}, max_gross_exposure_x: ${p.gross}, max_net_exposure_x: ${p.net ?? 'null'} }`;
  return `version: "0.1"
defaults: { mode: ${p.mode}, decision: ${p.decision} }
limits:
  ${section(p.position)}
  loss: { daily_loss_limit_pct: 0.03, max_drawdown_pct: 0.08 }
  execution: { max_orders_per_minute_global: ${p.global}, max_orders_per_minute_by_strategy: ${p.perStrategy} }
  kill_switch: { trip_on_rules: ${JSON.stringify(p.tripOn)}, trip_after_n_violations: ${p.tripAfter}, violation_window_seconds: ${p.windowS} }
overrides:
  symbols: {${p.aaplPosition === null ? '' : ` AAPL: { ${section(p.aaplPosition)} }`} }
  strategies: {${p.strategyBGlobal === null ? '' : ` b: { execution: { max_orders_per_minute_global: ${p.strategyBGlobal}, max_orders_per_minute_by_strategy: 2 } }`} }
`;
}

const engines = new Map<string, PolicyEngine>();
async function engineFor(p: PolicyParams): Promise<PolicyEngine> {
  const text = policyYaml(p);
  let e = engines.get(text);
  if (!e) engines.set(text, (e = await PolicyEngine.fromYaml(text)));
  return e;
}

const symbol = fc.constantFrom(...SYMBOLS);
const price = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: 1, max: 500, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -5) }, // invalid: counts as missing
);
const prices = fc.dictionary(symbol, price, { minKeys: 0, maxKeys: SYMBOLS.length });
const fullPrices = fc.record(Object.fromEntries(SYMBOLS.map((s) => [s, fc.double({ min: 1, max: 500, noNaN: true })]))) as fc.Arbitrary<Record<string, number>>;

const initialPortfolio: fc.Arbitrary<PortfolioState> = fc
  .record({
    equity: fc.double({ min: 50_000, max: 200_000, noNaN: true }),
    sodDelta: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
    peakDelta: fc.double({ min: 0, max: 0.1, noNaN: true }),
    positions: fc.dictionary(symbol, fc.oneof(fc.integer({ min: -150, max: 150 }), fc.double({ min: -150, max: 150, noNaN: true })), { maxKeys: 4 }),
  })
  .map(({ equity, sodDelta, peakDelta, positions }) => ({
    equity,
    start_of_day_equity: equity * (1 + sodDelta),
    peak_equity: equity * (1 + peakDelta),
    positions,
    realized_pnl_today: 0,
    unrealized_pnl: 0,
  }));

type Op =
  | { kind: 'check'; dtMs: number; extraUs: number; badTs: boolean; symbol: string; side: 'buy' | 'sell'; qty: number; strategy: string; market: Record<string, number> | null }
  | { kind: 'fill'; symbol: string; side: 'buy' | 'sell'; qty: number; price: number }
  | { kind: 'prices'; prices: Record<string, number> }
  | { kind: 'equity'; factor: number }
  | { kind: 'reset' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('check' as const),
      // Mostly forward in time, sometimes a burst (0 ms), sometimes out of order (negative).
      // Round steps make exact window boundaries (t = s − 60 s) frequent.
      dtMs: fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 0, max: 25_000 }) },
        { weight: 4, arbitrary: fc.constantFrom(0, 1_000, 5_000, 10_000, 15_000, 20_000, 30_000, 60_000) },
        { weight: 1, arbitrary: fc.integer({ min: -30_000, max: -1 }) },
      ),
      extraUs: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 999 }) }),
      badTs: fc
        .boolean()
        .chain((b) => (b ? fc.boolean() : fc.constant(false)))
        .chain((b) => (b ? fc.boolean() : fc.constant(false))), // ~1 in 8
      symbol,
      side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      qty: fc.oneof(fc.integer({ min: 1, max: 400 }), fc.double({ min: 0.001, max: 400, noNaN: true })),
      strategy: fc.constantFrom(...STRATEGIES),
      market: fc.option(fc.oneof({ weight: 4, arbitrary: fullPrices }, { weight: 1, arbitrary: prices }), { nil: null, freq: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('fill' as const),
      symbol,
      side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      qty: fc.integer({ min: 1, max: 200 }),
      price: fc.double({ min: 1, max: 500, noNaN: true }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('prices' as const), prices: fc.dictionary(symbol, fc.double({ min: 1, max: 500, noNaN: true }), { maxKeys: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('equity' as const), factor: fc.double({ min: 0.85, max: 1.1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
);

const scenario = fc.record({ policy: policyParams, portfolio: initialPortfolio, prices: fullPrices, ops: fc.array(op, { minLength: 1, maxLength: 40 }) });

let seq = 0;
/** Turns a check op into an intent; `clock` is the test's own record of time (ms offsets accumulate). */
function intentOf(o: Extract<Op, { kind: 'check' }>, wallUs: number): OrderIntent {
  return {
    intent_id: `i-${++seq}`,
    timestamp: o.badTs ? '2026-02-18 14:30' : iso(wallUs),
    strategy_id: o.strategy,
    account_id: 'acct',
    instrument: { symbol: o.symbol, asset_class: 'equity' },
    side: o.side,
    order_type: 'market',
    qty: o.qty,
    limit_price: null,
  };
}

const withoutMs = ({ eval_ms: _, ...rest }: Decision) => rest;

/** Applies a non-check op to a gate; returns what the call returned (for comparing two gates). */
function mutate(gate: PolicyGate, o: Exclude<Op, { kind: 'check' }>, resetAt: string): unknown {
  switch (o.kind) {
    case 'fill':
      return gate.applyFill({ symbol: o.symbol, side: o.side, qty: o.qty, price: o.price });
    case 'prices':
      return gate.updatePrices(o.prices);
    case 'equity':
      return gate.updateEquity({ equity: gate.portfolio!.equity * o.factor });
    case 'reset':
      return gate.resetKillSwitch('property test reset', resetAt);
  }
}

const RUNS = { numRuns: 150 };

describe('PolicyGate on random streams', () => {
  it('decides each intent exactly as the pure evaluate does on the state the gate reports for that moment', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const engine = await engineFor(s.policy);
        const market0: MarketSnapshot = { timestamp: iso(T0_US), prices: s.prices };
        const fast = new PolicyGate(engine, { portfolio: s.portfolio, market: market0 });
        const detailed = new PolicyGate(engine, { portfolio: s.portfolio, market: market0 });
        let wall = T0_US;
        let last: GateCheck | undefined;
        let changed = true;
        for (const o of s.ops) {
          if (o.kind !== 'check') {
            expect(mutate(detailed, o, iso(wall))).toEqual(mutate(fast, o, iso(wall)));
            changed = true;
            continue;
          }
          wall += o.dtMs * 1000 + o.extraUs;
          const intent = intentOf(o, wall);
          const m = o.market === null ? undefined : { timestamp: iso(wall), prices: o.market };
          const d = fast.check(intent, m);
          const c = detailed.checkDetailed(intent, m);
          expect(withoutMs(c.decision)).toEqual(withoutMs(d)); // check() and checkDetailed() agree
          // Its positions and prices: the state as it is (fresh copies from the getters), frozen, and
          // the very same objects as the last check's while nothing changed them.
          expect(c.portfolio.positions).toEqual(detailed.portfolio!.positions);
          expect(c.market.prices).toEqual(detailed.market.prices);
          expect(Object.isFrozen(c.portfolio.positions) && Object.isFrozen(c.market.prices)).toBe(true);
          if (!changed && m === undefined && last !== undefined) {
            expect(c.portfolio.positions).toBe(last.portfolio.positions);
            expect(c.market.prices).toBe(last.market.prices);
          }
          last = c;
          changed = m !== undefined;
          if (o.badTs) {
            expect(d.decision).toBe('DENY');
            expect(d.violations.map((v) => v.rule_id)).toEqual(expect.arrayContaining([expect.stringMatching(/^SYS-00[12]$/)]));
            continue;
          }
          const pure = evaluate(intent, engine.policy, c.portfolio, c.market, c.execution);
          expect(withoutMs(d)).toEqual(withoutMs(pure)); // bit-identical, not merely within tolerance
        }
      }),
      RUNS,
    );
  });

  it('counts in its windows exactly the allowed or modified orders of the last 60 s, never an older one', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const engine = await engineFor(s.policy);
        const gate = new PolicyGate(engine, { portfolio: s.portfolio, market: { timestamp: iso(T0_US), prices: s.prices } });
        const counted: { t: number; strategy: string }[] = [];
        let clock: number | null = null;
        let wall = T0_US;
        for (const o of s.ops) {
          if (o.kind !== 'check') {
            mutate(gate, o, iso(wall));
            if (o.kind === 'reset') clock = clock === null ? wall : Math.max(clock, wall); // a reset's time moves the clock too
            continue;
          }
          wall += o.dtMs * 1000 + o.extraUs;
          const c = gate.checkDetailed(intentOf(o, wall), o.market === null ? undefined : { timestamp: iso(wall), prices: o.market });
          if (o.badTs) continue;
          const now: number = clock === null ? wall : Math.max(clock, wall); // late intents are checked at the clock
          clock = now;
          const live = counted.filter(({ t }) => now - WINDOW_US < t && t <= now);
          expect(c.execution.orders_last_60s_global).toBe(live.length);
          const byStrategy: Record<string, number> = {};
          for (const { strategy } of live) byStrategy[strategy] = (byStrategy[strategy] ?? 0) + 1;
          expect(c.execution.orders_last_60s_by_strategy).toEqual(byStrategy);
          if (c.decision.decision !== 'DENY') counted.push({ t: now, strategy: o.strategy });
        }
      }),
      RUNS,
    );
  });

  it('trips the kill switch on a triggering decision or N violations in the window, and never un-trips without a reset', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const engine = await engineFor(s.policy);
        const gate = new PolicyGate(engine, { portfolio: s.portfolio, market: { timestamp: iso(T0_US), prices: s.prices } });
        const windowUs = s.policy.windowS * 1e6;
        let active = false;
        let violations: number[] = [];
        let clock: number | null = null;
        let wall = T0_US;
        for (const o of s.ops) {
          const wasActive = gate.killSwitch.active;
          if (o.kind === 'reset') {
            const resetAt = iso(wall);
            expect(gate.resetKillSwitch('reviewed', resetAt)).toBe(active);
            if (active) violations = [];
            active = false;
            clock = clock === null ? wall : Math.max(clock, wall);
          } else if (o.kind !== 'check') {
            mutate(gate, o, iso(wall));
            expect(gate.killSwitch.active).toBe(wasActive); // only checks and resets move it
          } else {
            wall += o.dtMs * 1000 + o.extraUs;
            const c = gate.checkDetailed(intentOf(o, wall), o.market === null ? undefined : { timestamp: iso(wall), prices: o.market });
            expect(c.execution.kill_switch_active).toBe(active);
            if (active && s.policy.mode === 'enforce') expect(c.decision.decision).toBe('DENY');
            if (!o.badTs) clock = clock === null ? wall : Math.max(clock, wall);
            if (c.decision.kill_switch_triggered) active = true;
            if (clock !== null) {
              const now = clock;
              for (const v of c.decision.violations) if (v.rule_id !== 'KILL-001') violations.push(now);
              violations = violations.filter((t) => t > now - windowUs);
              if (violations.length >= s.policy.tripAfter) active = true;
            }
            if (wasActive) expect(gate.killSwitch.active).toBe(true); // latched
          }
          expect(gate.killSwitch.active).toBe(active);
        }
      }),
      RUNS,
    );
  });

  it('snapshot → restore gives the same future decisions and state', async () => {
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
            const results = gates.map((g) => mutate(g, o, iso(wall)));
            if (restored) expect(results[1]).toEqual(results[0]);
            continue;
          }
          wall += o.dtMs * 1000 + o.extraUs;
          const intent = intentOf(o, wall);
          const m = o.market === null ? undefined : { timestamp: iso(wall), prices: o.market };
          const ds = gates.map((g) => g.check(intent, m));
          if (restored) expect(withoutMs(ds[1]!)).toEqual(withoutMs(ds[0]!));
          // Manual recording: record every other sent order, on both gates alike.
          if (!autoRecord && ds[0]!.decision !== 'DENY' && i % 2 === 0) for (const [k, g] of gates.entries()) g.record(ds[k]!);
        }
        if (restored) expect(restored.snapshot()).toEqual(gate.snapshot());
      }),
      RUNS,
    );
  });

  it('maxQty is consistent with check: exactly qty has no exposure violation, qty + lot breaks the binding rule', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, symbol, fc.constantFrom<'buy' | 'sell'>('buy', 'sell'), fc.constantFrom(1, 0.01, 1e-8), fc.constantFrom(...STRATEGIES), async (s, sym, side, lot, strategy) => {
        const engine = await engineFor(s.policy);
        const gate = new PolicyGate(engine, { portfolio: s.portfolio, market: { timestamp: iso(T0_US), prices: s.prices } });
        let wall = T0_US;
        for (const o of s.ops.slice(0, 8)) {
          if (o.kind === 'check') {
            wall += Math.max(0, o.dtMs) * 1000;
            gate.check(intentOf({ ...o, badTs: false }, wall));
          } else mutate(gate, o, iso(wall));
        }
        const r = gate.maxQty(sym, side, undefined, { strategyId: strategy, lot });
        if (r.blockedBy.includes('SYS-001')) {
          expect(r.qty).toBe(0);
          return;
        }
        expect(r.binding).not.toBeNull();
        const probe = (qty: number) => {
          const g = PolicyGate.restore(engine, gate.snapshot());
          const intent: OrderIntent = {
            intent_id: 'probe',
            timestamp: gate.clock ?? iso(T0_US),
            strategy_id: strategy,
            account_id: 'acct',
            instrument: { symbol: sym, asset_class: 'equity' },
            side,
            order_type: 'market',
            qty,
            limit_price: null,
          };
          return g.check(intent).violations.map((v) => v.rule_id);
        };
        if (r.qty > 0) expect(probe(r.qty).filter((id) => id.startsWith('EXP-'))).toEqual([]);
        // One lot more: the next grid point (k + 1 lots, as the solver counts them) is blocked by a
        // size rule, and the binding rule is the one that it, or qty + lot in floating point (an ulp
        // away from it, which can fall below the limit), breaks.
        const inv = Math.round(1 / lot);
        const next = inv >= 1 && Math.abs(inv * lot - 1) < 1e-12 ? (Math.round(r.qty * inv) + 1) / inv : (Math.round(r.qty / lot) + 1) * lot;
        const sizeRule = (id: string) => id.startsWith('EXP-') || id === 'ORD-001' || id === 'ORD-002';
        expect(probe(next).some(sizeRule)).toBe(true);
        expect([...probe(next), ...probe(r.qty + lot)]).toContain(r.binding);
        // And the non-size rules it reports are the ones a check would hit.
        const hit = probe(r.qty > 0 ? r.qty : lot).filter((id) => !id.startsWith('EXP-'));
        expect(hit).toEqual(r.blockedBy);
      }),
      RUNS,
    );
  });
});

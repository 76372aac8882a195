// Every state a PolicyGate accepts is one it can snapshot and restore (issue 16, item 6): random
// sequences of mutator calls with hostile arguments — huge, NaN, negative, 1e308, prototype names
// as symbols — and after each call a twin restored from the JSON of the snapshot must take the
// same next decisions. A call the gate refuses must throw a PolicyGateError and change nothing.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine, PolicyGate, PolicyGateError, ValidationError, type Decision, type MarketSnapshot, type OrderIntent, type PortfolioState } from '../../packages/policygate-capital/src/index.js';
import { readText } from '../conformance/cases.js';
import { dict, makeIntent, policyInput, policyInputV02, price, record, STRATEGIES, SYMBOLS, withoutTime } from './arbitraries.js';
import { junkValue } from './mutate.js';

/** Sequences per run of the property; each runs up to MAX_CALLS calls, each followed by a restore. */
const NUM_RUNS = 1_000;
const MAX_CALLS = 24;
const BASE_US = Date.UTC(2026, 1, 18, 14, 0, 0);
const stamp = (ms: number) => new Date(BASE_US + ms).toISOString();

/** Numbers a caller should not send, and some it may. */
const hostileNumber = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(1e308, -1e308, 1.7976931348623157e308, NaN, Infinity, -Infinity, 5e-324, -5e-324, 0, -0, -1, 2 ** 53 + 2, 1e-300) },
  { weight: 3, arbitrary: price },
  { weight: 1, arbitrary: fc.double() },
);
/** A value of any type where a number is expected. */
const hostileValue = fc.oneof({ weight: 5, arbitrary: hostileNumber }, { weight: 1, arbitrary: junkValue });
const symbol = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...SYMBOLS) }, { weight: 1, arbitrary: fc.constantFrom<unknown>('', null, 42, 'valueOf') });
const side = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('buy', 'sell') }, { weight: 1, arbitrary: fc.constantFrom<unknown>('BUY', '', null) });
/** Seconds after the start: mostly forward in small steps, sometimes a malformed timestamp. */
const when = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 600_000 }).map(stamp) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('2026-02-30T25:61:61Z', 'yesterday', '', 0, null, '1500-01-01T00:00:00Z') },
);
// Fills lean on a few symbols and huge sizes, so that a sequence often adds two that overflow.
const fillSymbol = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('AAPL', '__proto__') }, { weight: 2, arbitrary: symbol });
const fillQty = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(1e308, 1.7976931348623157e308, 9e307) }, { weight: 5, arbitrary: hostileValue });
const prices = (value: fc.Arbitrary<unknown>) => dict(SYMBOLS as readonly string[], value, 5);

type Call =
  | { op: 'applyFill'; fill: Record<string, unknown>; times: number }
  | { op: 'updatePrices'; prices: Record<string, unknown>; timestamp: unknown }
  | { op: 'updateEquity'; update: Record<string, unknown> }
  | { op: 'setPortfolio'; portfolio: Record<string, unknown> }
  | { op: 'setMarket'; market: Record<string, unknown> }
  | { op: 'resetKillSwitch'; reason: unknown; at: unknown }
  | { op: 'check'; intent: Record<string, unknown>; market: Record<string, unknown> | undefined }
  | { op: 'record'; which: number };

const portfolio = fc.record({
  equity: hostileNumber,
  start_of_day_equity: hostileNumber,
  peak_equity: hostileNumber,
  positions: prices(hostileNumber),
  realized_pnl_today: hostileNumber,
  unrealized_pnl: hostileNumber,
});
const market = fc.record({ timestamp: when, prices: prices(hostileValue) });

const call: fc.Arbitrary<Call> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('applyFill' as const),
      fill: fc.record({ symbol: fillSymbol, side, qty: fillQty, price: fc.oneof({ weight: 3, arbitrary: price }, { weight: 1, arbitrary: hostileValue }) }),
      times: fc.constantFrom(1, 1, 2),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('updatePrices' as const), prices: prices(hostileValue), timestamp: fc.option(when, { nil: undefined }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('updateEquity' as const),
      update: fc.record(
        { equity: hostileNumber, start_of_day_equity: hostileNumber, peak_equity: hostileNumber, realized_pnl_today: hostileNumber, unrealized_pnl: hostileNumber },
        { requiredKeys: [] },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setPortfolio' as const), portfolio }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setMarket' as const), market }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('resetKillSwitch' as const), reason: fc.constantFrom<unknown>('desk reviewed', '', '  ', null), at: fc.option(when, { nil: undefined }) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('check' as const),
      intent: fc.record({
        intent_id: fc.constantFrom('o-1', 'o-2', 'o-3', '__proto__', ''),
        timestamp: when,
        strategy_id: fc.constantFrom<unknown>(...STRATEGIES, null),
        symbol,
        side,
        qty: hostileValue,
      }),
      market: fc.option(market, { nil: undefined, freq: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('record' as const), which: fc.nat() }) },
);

function intentOf(i: Record<string, unknown>): OrderIntent {
  const base = makeIntent(i.symbol as string, i.side as 'buy', i.qty as number, i.strategy_id as string);
  return { ...base, intent_id: i.intent_id as string, timestamp: i.timestamp as string };
}

/** Runs one call on `gate`; returns the decision of a check, so that `record` can use it later. */
function apply(gate: PolicyGate, c: Call, decisions: Decision[]): void {
  switch (c.op) {
    case 'applyFill':
      gate.applyFill(c.fill as never);
      return;
    case 'updatePrices':
      gate.updatePrices(c.prices as never, c.timestamp as never);
      return;
    case 'updateEquity':
      gate.updateEquity(c.update as never);
      return;
    case 'setPortfolio':
      gate.setPortfolio(c.portfolio as never);
      return;
    case 'setMarket':
      gate.setMarket(c.market as never);
      return;
    case 'resetKillSwitch':
      gate.resetKillSwitch(c.reason as never, c.at as never);
      return;
    case 'check':
      // A fresh copy of the market: the gate freezes what it adopts.
      decisions.push(gate.check(intentOf(c.intent), c.market && (structuredClone(c.market) as unknown as MarketSnapshot)));
      return;
    case 'record':
      if (decisions.length > 0) gate.record(decisions[c.which % decisions.length]!);
      return;
  }
}

/** Orders to compare a gate and its twin on: every symbol, both sides, at the gate's clock. */
function probes(gate: PolicyGate, n: number): OrderIntent[] {
  const at = gate.clock ?? stamp(0);
  return [0, 1, 2, 3].map((k) => ({ ...makeIntent(SYMBOLS[(n + k) % SYMBOLS.length]!, k % 2 ? 'sell' : 'buy', [1, 25, 1e6, 0.5][k]!, STRATEGIES[k % 3]!), intent_id: `probe-${k}`, timestamp: at }));
}

const REFERENCE = readText('reference-policy.yaml');
/** A v0.2 policy with every new rule configured, so that every sequence meets them. */
const V02_ALL = {
  version: '0.2',
  limits: {
    exposure: { max_position_pct: 0.5, max_gross_exposure_x: 3, max_net_exposure_x: 2 },
    loss: { daily_loss_limit_pct: 0.05, max_drawdown_pct: 0.1 },
    execution: { max_orders_per_minute_global: 50, max_orders_per_minute_by_strategy: 20, duplicate_window_seconds: 120 },
    kill_switch: { trip_on_rules: ['EXEC-003'], trip_after_n_violations: 5, violation_window_seconds: 300, reduce_only: true },
    order: { max_order_qty: 1000, max_order_notional: 1e6, price_collar_pct: 0.05, restricted_symbols: ['constructor'] },
    market_data: { max_price_age_seconds: 30 },
  },
  instruments: JSON.parse('{"AAPL": {"multiplier": 50, "lot_size": 1}, "__proto__": {"lot_size": 0.5}}') as unknown,
};
let engines: PolicyEngine[] = [];

beforeAll(async () => {
  const inputs = fc.sample(policyInput(), { numRuns: 6, seed: 16 });
  // Policy DSL v0.2 too: instruments, order controls, duplicate windows, a market-data age limit.
  const v02 = [...fc.sample(policyInputV02(), { numRuns: 5, seed: 14 }), V02_ALL];
  engines = [await PolicyEngine.fromYaml(REFERENCE), ...(await Promise.all([...inputs, ...v02].map((p) => PolicyEngine.fromObject(p))))];
});

const startPortfolio = (): PortfolioState => ({
  equity: 1e6,
  start_of_day_equity: 1e6,
  peak_equity: 1e6,
  positions: record([
    ['AAPL', 100],
    ['__proto__', -20],
  ]),
  realized_pnl_today: 0,
  unrealized_pnl: 0,
});
const startMarket = (): MarketSnapshot => ({ timestamp: stamp(0), prices: record(SYMBOLS.map((s, i) => [s, 10 + i] as const)) });

describe('PolicyGate: every state it accepts survives snapshot → JSON → restore', () => {
  it('refuses a fill whose resulting position is not finite, naming qty, and changes nothing (two fills of 1e308)', async () => {
    const engine = await PolicyEngine.fromYaml(REFERENCE);
    const gate = new PolicyGate(engine, { portfolio: startPortfolio(), market: startMarket() });
    expect(gate.applyFill({ symbol: 'MSFT', side: 'buy', qty: 1e308, price: 1 })).toBe(1e308);
    const before = JSON.stringify(gate.snapshot());
    let error: unknown;
    try {
      gate.applyFill({ symbol: 'MSFT', side: 'buy', qty: 1e308, price: 2 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([expect.objectContaining({ path: 'qty', message: expect.stringContaining('not a finite number') })]);
    expect(JSON.stringify(gate.snapshot())).toBe(before); // the mark stayed 1 too
    const twin = PolicyGate.restore(engine, JSON.parse(before));
    const intent = { ...makeIntent('MSFT', 'sell', 1), timestamp: stamp(1) };
    expect(withoutTime(twin.check(intent))).toEqual(withoutTime(gate.check(intent)));
  });

  it('drops marks JSON cannot hold (a check adopts its market unvalidated): they count as missing either way', async () => {
    const engine = await PolicyEngine.fromYaml(REFERENCE);
    const gate = new PolicyGate(engine, { portfolio: startPortfolio() });
    const intent = { ...makeIntent('AAPL', 'buy', 1), timestamp: stamp(1) };
    const d = gate.check(intent, {
      timestamp: 'not a time',
      prices: record([
        ['AAPL', NaN],
        ['__proto__', Infinity],
        ['MSFT', 5],
      ]),
    });
    expect(d.violations.map((v) => v.rule_id)).toEqual(['SYS-001', 'SYS-001']); // AAPL, and the held __proto__
    const snap = JSON.parse(JSON.stringify(gate.snapshot()));
    expect(snap.market).toEqual({ timestamp: '2026-02-18T14:00:00.001000Z', prices: { MSFT: 5 } }); // the clock stands in
    const twin = PolicyGate.restore(engine, snap);
    const next = { ...intent, intent_id: 'o-2' };
    expect(withoutTime(twin.check(next))).toEqual(withoutTime(gate.check(next)));
  });

  it('after any call with hostile arguments, a twin restored from the JSON snapshot decides the next orders the same', () => {
    let calls = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.nat(engines.length - 1), fc.boolean(), fc.array(call, { minLength: 1, maxLength: MAX_CALLS }), (e, autoRecord, sequence) => {
        const engine = engines[e]!;
        const gate = new PolicyGate(engine, { portfolio: startPortfolio(), market: startMarket(), autoRecord });
        const decisions: Decision[] = [];
        // A fill with times 2 is sent twice in a row: the same fill again is the plainest way to a
        // position no single valid fill makes (two fills of 1e308).
        const expanded = sequence.flatMap((c) => (c.op === 'applyFill' && c.times === 2 ? [c, c] : [c]));
        expanded.forEach((c, n) => {
          const before = JSON.stringify(gate.snapshot());
          calls++;
          try {
            apply(gate, c, decisions);
          } catch (error) {
            refused++;
            expect(error).toBeInstanceOf(PolicyGateError);
            // A refused call changes nothing (record drops a stale pending check before refusing it).
            if ((error as PolicyGateError).code !== 'ERR_GATE_NOT_PENDING') expect(JSON.stringify(gate.snapshot())).toBe(before);
          }
          const text = JSON.stringify(gate.snapshot());
          const twin = PolicyGate.restore(engine, JSON.parse(text), { autoRecord });
          expect(JSON.stringify(twin.snapshot())).toBe(text);
          for (const probe of probes(gate, n)) {
            expect(withoutTime(twin.check(probe))).toEqual(withoutTime(gate.check(probe)));
          }
          expect(twin.maxQty('AAPL', 'buy', undefined, { lot: 1 })).toEqual(gate.maxQty('AAPL', 'buy', undefined, { lot: 1 }));
        });
      }),
      { numRuns: NUM_RUNS },
    );
    // The sequences did exercise both paths.
    expect(calls).toBeGreaterThan(NUM_RUNS);
    expect(refused).toBeGreaterThan(NUM_RUNS / 10);
    expect(refused).toBeLessThan(calls);
  });
});

// Properties of `evaluate` that must hold for every input (SPEC.md "Evaluation"), checked with
// fast-check at NUM_RUNS (≥ 10,000) runs each. Inputs are compact and aimed at the boundaries:
// tight limits, hostile symbol names, cuts of existing positions, extreme numbers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, parsePolicy, PolicyEngine, PolicyGate, type Decision, type PolicyInput } from '../../packages/policygate-capital/src/index.js';
import { exactExposure, inputs, NUM_RUNS, own, policyInput, record, ruleIds, SEVERITY, SYMBOLS, toPolicy, withoutTime, type Inputs } from './arbitraries.js';

const run = (p: ReturnType<typeof toPolicy>, i: Inputs): Decision => evaluate(i.intent, p, i.portfolio, i.market, i.execution);

/** Checks that a value is a well-formed Decision (whatever the input was). */
function expectDecisionShape(d: Decision): void {
  expect(['ALLOW', 'DENY', 'MODIFY']).toContain(d.decision);
  expect(Array.isArray(d.violations)).toBe(true);
  expect(Array.isArray(d.evidence)).toBe(true);
  expect(typeof d.kill_switch_triggered).toBe('boolean');
  expect(Number.isFinite(d.eval_ms) && d.eval_ms >= 0).toBe(true);
  if (d.decision === 'MODIFY') expect(d.modified_intent).not.toBeNull();
  else expect(d.modified_intent).toBeNull();
}

// Any JavaScript value, including null-prototype objects, Maps, Sets, boxed values, BigInts.
const anything = fc.anything({
  maxDepth: 3,
  withNullPrototype: true,
  withObjectString: true,
  withMap: true,
  withSet: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withBoxedValues: true,
});

// Every field path of the four inputs, plus the inputs themselves.
const FIELD_PATHS: readonly (readonly string[])[] = [
  ['intent'],
  ['intent', 'intent_id'],
  ['intent', 'strategy_id'],
  ['intent', 'instrument'],
  ['intent', 'instrument', 'symbol'],
  ['intent', 'side'],
  ['intent', 'qty'],
  ['intent', 'limit_price'],
  ['portfolio'],
  ['portfolio', 'equity'],
  ['portfolio', 'start_of_day_equity'],
  ['portfolio', 'peak_equity'],
  ['portfolio', 'positions'],
  ...SYMBOLS.map((s) => ['portfolio', 'positions', s]),
  ['market'],
  ['market', 'prices'],
  ...SYMBOLS.map((s) => ['market', 'prices', s]),
  ['execution'],
  ['execution', 'orders_last_60s_global'],
  ['execution', 'orders_last_60s_by_strategy'],
  ['execution', 'orders_last_60s_by_strategy', 'momentum_v1'],
  ['execution', 'kill_switch_active'],
];

/** A deep copy of `i` with the value at `path` replaced (defined as an own property). */
function replaceAt(i: Inputs, path: readonly string[], value: unknown): Inputs {
  const copy = structuredClone(i) as unknown as Record<string, unknown>;
  let node: Record<string, unknown> = { root: copy };
  const keys = ['root', ...path];
  for (let k = 0; k < keys.length - 1; k++) {
    const next = node[keys[k]!];
    if (!next || typeof next !== 'object') return copy as unknown as Inputs;
    node = next as Record<string, unknown>;
  }
  Object.defineProperty(node, keys[keys.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return copy as unknown as Inputs;
}

describe('evaluate never throws', () => {
  it('on any value in place of any of its five arguments', () => {
    const policy = toPolicy(fc.sample(policyInput(), { numRuns: 1, seed: 7 })[0]!);
    fc.assert(
      fc.property(inputs, fc.constantFrom(0, 1, 2, 3, 4), anything, (i, which, junk) => {
        const args: unknown[] = [i.intent, policy, i.portfolio, i.market, i.execution];
        args[which] = junk;
        const d = (evaluate as (...a: unknown[]) => Decision)(...args);
        expectDecisionShape(d);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('on any value in place of any field of a valid input', () => {
    const policy = toPolicy(fc.sample(policyInput(), { numRuns: 1, seed: 11 })[0]!);
    fc.assert(
      fc.property(inputs, fc.constantFrom(...FIELD_PATHS), anything, (i, path, junk) => {
        const bad = replaceAt(i, path, junk);
        expectDecisionShape(run(policy, bad));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('on a valid input whose intent_id cannot be turned into a string', () => {
    // A buggy strategy can pass any object as the id; `String(Object.create(null))` throws.
    const policy = toPolicy(fc.sample(policyInput(), { numRuns: 1, seed: 13 })[0]!);
    const i = fc.sample(inputs, { numRuns: 1, seed: 1 })[0]!;
    for (const id of [
      Object.create(null),
      {
        toString: () => {
          throw new Error('no');
        },
      },
      Symbol('id'),
    ]) {
      expectDecisionShape(run(policy, { ...i, intent: { ...i.intent, intent_id: id } }));
    }
  });

  it('when reading an input or the policy throws (a getter or a Proxy)', () => {
    // defaults.decision deny: an evaluation error (SYS-002) then denies.
    const policy = toPolicy({ ...fc.sample(policyInput(), { numRuns: 1, seed: 17 })[0]!, defaults: { mode: 'enforce', decision: 'deny' } });
    const i = fc.sample(inputs, { numRuns: 1, seed: 2 })[0]!;
    const trap = <T extends object>(target: T): T =>
      new Proxy(target, {
        get: () => {
          throw new Error('getter failed');
        },
        ownKeys: () => {
          throw new Error('ownKeys failed');
        },
        has: () => {
          throw new Error('has failed');
        },
        getOwnPropertyDescriptor: () => {
          throw new Error('descriptor failed');
        },
      });
    const cases: unknown[][] = [
      [trap(i.intent), policy, i.portfolio, i.market, i.execution],
      [i.intent, trap({ ...policy }), i.portfolio, i.market, i.execution],
      [i.intent, policy, trap(i.portfolio), i.market, i.execution],
      [i.intent, policy, i.portfolio, trap(i.market), i.execution],
      [i.intent, policy, i.portfolio, { ...i.market, prices: trap(i.market.prices) }, i.execution],
      [i.intent, policy, { ...i.portfolio, positions: trap(i.portfolio.positions) }, i.market, i.execution],
      [i.intent, policy, i.portfolio, i.market, trap(i.execution)],
    ];
    for (const args of cases) {
      let d: Decision | undefined;
      expect(() => (d = (evaluate as (...a: unknown[]) => Decision)(...args))).not.toThrow();
      expectDecisionShape(d!);
      // Nothing could be read: an unreadable input is never a reason to let an order through.
      expect(d!.decision).toBe('DENY');
    }
  });
});

describe('PolicyGate.check never throws (the stateful gate: same contract as evaluate)', () => {
  // Fields of the intent and market a gate check reads, replaced by any value.
  const GATE_PATHS: readonly (readonly string[])[] = [
    ['intent'],
    ['intent', 'intent_id'],
    ['intent', 'timestamp'],
    ['intent', 'strategy_id'],
    ['intent', 'instrument'],
    ['intent', 'instrument', 'symbol'],
    ['intent', 'side'],
    ['intent', 'qty'],
    ['market'],
    ['market', 'timestamp'],
    ['market', 'prices'],
    ...SYMBOLS.map((s) => ['market', 'prices', s]),
  ];

  it('on any value in place of any field of the intent or the market', async () => {
    const policyIn = fc.sample(policyInput(), { numRuns: 1, seed: 19 })[0]!;
    const engine = await PolicyEngine.fromObject(policyIn);
    fc.assert(
      fc.property(inputs, fc.constantFrom(...GATE_PATHS), anything, (i, path, junk) => {
        const gate = new PolicyGate(engine, { portfolio: i.portfolio, market: i.market });
        const bad = replaceAt(i, path, junk);
        let d: Decision | undefined;
        expect(() => (d = gate.check(bad.intent, bad.market))).not.toThrow();
        expectDecisionShape(d!);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('evaluate fails closed on missing prices (SYS-001)', () => {
  // Everything that is not a finite price > 0, including values a schema would refuse.
  const badPrice = fc.constantFrom<unknown>(undefined, 'delete', NaN, Infinity, -Infinity, 0, -0, -1, -5e-324, '200', null, {}, [200], true);

  it('never ALLOWs or MODIFYs when a needed price is missing or invalid, in either mode, whatever defaults.decision says', () => {
    let held = 0;
    fc.assert(
      fc.property(policyInput(), inputs, badPrice, fc.nat(), (pIn, i, bad, pick) => {
        const symbol = i.intent.instrument.symbol;
        const heldSymbols = Object.keys(i.portfolio.positions).filter((s) => s !== symbol && i.portfolio.positions[s] !== 0);
        const needed = [symbol, ...heldSymbols];
        const victim = needed[pick % needed.length]!;
        if (victim !== symbol) held++;
        const prices = record(Object.entries(i.market.prices).filter(([s]) => !(s === victim && bad === 'delete')));
        if (bad !== 'delete') Object.defineProperty(prices, victim, { value: bad, enumerable: true, writable: true, configurable: true });
        const d = run(toPolicy(pIn), { ...i, market: { ...i.market, prices } });
        expect(d.decision).toBe('DENY');
        expect(d.modified_intent).toBeNull();
        expect(d.violations.every((v) => v.rule_id === 'SYS-001' && v.severity === 'CRIT')).toBe(true);
        expect(d.violations.map((v) => v.inputs.symbol)).toContain(victim);
        expect(d.evidence).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
    // The held-position branch (the Python package's fail-open) was exercised, not just the intent's symbol.
    expect(held).toBeGreaterThan(NUM_RUNS / 10);
  });
});

describe('evaluate: MODIFY', () => {
  it('never raises the quantity, changes nothing but qty, and only answers a lone EXP-001', () => {
    let modified = 0;
    fc.assert(
      fc.property(policyInput({ mode: 'enforce' }), inputs, (pIn, i) => {
        const d = run(toPolicy(pIn), i);
        if (d.decision !== 'MODIFY') return;
        modified++;
        const m = d.modified_intent!;
        expect(m.qty).toBeGreaterThan(0);
        expect(m.qty).toBeLessThanOrEqual(i.intent.qty);
        expect({ ...m, qty: i.intent.qty }).toEqual(i.intent);
        expect(ruleIds(d)).toEqual(['EXP-001']);
        expect(d.violations[0]!.computed.allowed_qty).toBe(m.qty);
      }),
      { numRuns: NUM_RUNS },
    );
    expect(modified).toBeGreaterThan(NUM_RUNS / 100);
  });
});

describe('evaluate: an exposure rule never blocks an order that lowers what it measures', () => {
  it('EXP-001 never fires when |new qty| ≤ |current|; EXP-002 when gross after ≤ before; EXP-003 when net after ≤ before (exact sums)', () => {
    const seen = { exp1: 0, exp2: 0, exp3: 0 };
    fc.assert(
      fc.property(policyInput({ mode: 'enforce' }), inputs, (pIn, i) => {
        const d = run(toPolicy(pIn), i);
        if (d.violations.some((v) => v.rule_id.startsWith('SYS'))) return;
        const x = exactExposure(i);
        const fired = new Set(ruleIds(d));
        const breached = (metric: string) => {
          const e = d.evidence.find((e) => e.metric === metric)!;
          return e.limit !== null && e.value !== null && e.value > e.limit;
        };
        if (Math.abs(x.newQty) <= Math.abs(x.current)) {
          if (breached('new_position_pct')) seen.exp1++;
          expect(fired.has('EXP-001')).toBe(false);
        }
        if (x.grossAfter <= x.grossBefore) {
          if (breached('gross_exposure_x')) seen.exp2++;
          expect(fired.has('EXP-002')).toBe(false);
        }
        if (x.netAfter <= x.netBefore) {
          if (breached('net_exposure_x')) seen.exp3++;
          expect(fired.has('EXP-003')).toBe(false);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // Each clause was exercised where its limit was already breached, not only in easy cases.
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(NUM_RUNS / 100);
  });
});

// The numeric limits that can apply to this order: the base limits and the overrides of its symbol
// and strategy (others cannot change its decision). [path, is integer].
function limitPaths(p: PolicyInput, i: Inputs): { path: string[]; int: boolean }[] {
  const out: { path: string[]; int: boolean }[] = [];
  const sections = (base: string[], s: Record<string, unknown> | undefined) => {
    if (!s) return;
    if (s.exposure) for (const f of ['max_position_pct', 'max_gross_exposure_x', 'max_net_exposure_x']) out.push({ path: [...base, 'exposure', f], int: false });
    if (s.loss) for (const f of ['daily_loss_limit_pct', 'max_drawdown_pct']) out.push({ path: [...base, 'loss', f], int: false });
    if (s.execution) for (const f of ['max_orders_per_minute_global', 'max_orders_per_minute_by_strategy']) out.push({ path: [...base, 'execution', f], int: true });
  };
  sections(['limits'], p.limits as unknown as Record<string, unknown>);
  const symbols = (p.overrides?.symbols ?? {}) as Record<string, Record<string, unknown>>;
  const strategies = (p.overrides?.strategies ?? {}) as Record<string, Record<string, unknown>>;
  sections(['overrides', 'symbols', i.intent.instrument.symbol], own(symbols, i.intent.instrument.symbol));
  sections(['overrides', 'strategies', i.intent.strategy_id], own(strategies, i.intent.strategy_id));
  return out;
}

/** `p` with one limit tightened: multiplied by `factor` ∈ (0, 1] (ints floored, at least 1); an unchecked net limit gets a value. */
function tighten(p: PolicyInput, at: { path: string[]; int: boolean }, factor: number, fresh: number): PolicyInput {
  const copy = structuredClone(p) as unknown as Record<string, unknown>;
  let node = copy;
  for (const k of at.path.slice(0, -1)) node = own(node as Record<string, Record<string, unknown>>, k)!;
  const field = at.path[at.path.length - 1]!;
  const old = node[field] as number | null | undefined;
  const next = old == null ? fresh : at.int ? Math.max(1, Math.floor(old * factor)) : Math.min(old, old * factor);
  node[field] = next;
  return copy as unknown as PolicyInput;
}

describe('evaluate: tightening a limit never loosens the decision', () => {
  it('with everything else equal, lowering any limit (base or override) never lowers ALLOW < MODIFY < DENY, nor raises a MODIFY qty', () => {
    const moves = { up: 0, same: 0 };
    fc.assert(
      fc.property(policyInput({ mode: 'enforce' }), inputs, fc.nat(), fc.double({ min: 0.05, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 5, noNaN: true }), (pIn, i, pick, factor, fresh) => {
        const paths = limitPaths(pIn, i);
        const at = paths[pick % paths.length]!;
        const tight = tighten(pIn, at, factor, fresh);
        const loose = run(toPolicy(pIn), i);
        const strict = run(toPolicy(tight), i);
        const context = () => `${at.path.join('.')}: ${loose.decision} ${ruleIds(loose)} -> ${strict.decision} ${ruleIds(strict)}`;
        expect(SEVERITY[strict.decision], context()).toBeGreaterThanOrEqual(SEVERITY[loose.decision]);
        if (loose.decision === 'MODIFY' && strict.decision === 'MODIFY') {
          expect(strict.modified_intent!.qty, context()).toBeLessThanOrEqual(loose.modified_intent!.qty);
        }
        if (SEVERITY[strict.decision] > SEVERITY[loose.decision]) moves.up++;
        else moves.same++;
      }),
      { numRuns: NUM_RUNS },
    );
    // Tightening often changed the decision: the property is not vacuous.
    expect(moves.up).toBeGreaterThan(NUM_RUNS / 100);
  });
});

describe('evaluate: monitor mode', () => {
  it('ALLOWs with the same violations as enforce mode, except SYS-001 (DENY) and SYS-002 (defaults.decision)', () => {
    let withViolations = 0;
    fc.assert(
      fc.property(policyInput({ mode: 'monitor' }), inputs, fc.option(fc.constantFrom(...SYMBOLS)), fc.option(fc.constantFrom(1e308, 5e-324, -0)), (pIn, base, unpriced, extreme) => {
        // Sometimes a price is missing (SYS-001) or a number is extreme enough to overflow a metric (SYS-002).
        let i = base;
        if (unpriced !== null) i = { ...i, market: { ...i.market, prices: record(Object.entries(i.market.prices).filter(([s]) => s !== unpriced)) } };
        if (extreme !== null) i = { ...i, intent: { ...i.intent, qty: Object.is(extreme, -0) || extreme === 0 ? i.intent.qty : extreme } };
        const monitor = run(toPolicy(pIn), i);
        const enforce = run(parsePolicy({ ...structuredClone(pIn), defaults: { ...pIn.defaults, mode: 'enforce' } }), i);
        const ids = ruleIds(monitor);
        expect(ids).toEqual(ruleIds(enforce));
        expect(monitor.violations).toEqual(enforce.violations);
        expect(monitor.modified_intent).toBeNull();
        if (ids.includes('SYS-001')) expect(monitor.decision).toBe('DENY');
        else if (ids.includes('SYS-002')) expect(monitor.decision).toBe(pIn.defaults!.decision === 'allow' ? 'ALLOW' : 'DENY');
        else {
          expect(monitor.decision).toBe('ALLOW');
          if (ids.length > 0) withViolations++;
        }
      }),
      { numRuns: NUM_RUNS },
    );
    expect(withViolations).toBeGreaterThan(NUM_RUNS / 10);
  });
});

describe('evaluate: determinism', () => {
  /** A copy of `r` with its keys inserted in reverse order. */
  const reversed = <T>(r: Record<string, T>) =>
    record(
      Object.keys(r)
        .reverse()
        .map((k) => [k, r[k]!] as const),
    );

  it('gives the identical decision (apart from eval_ms) for the same inputs, for a deep copy, and for any key order', () => {
    fc.assert(
      fc.property(policyInput(), inputs, (pIn, i) => {
        const policy = toPolicy(pIn);
        const first = withoutTime(run(policy, i));
        expect(withoutTime(run(policy, i))).toStrictEqual(first);
        expect(withoutTime(run(toPolicy(pIn), structuredClone(i)))).toStrictEqual(first);
        const shuffled: Inputs = {
          ...i,
          portfolio: { ...i.portfolio, positions: reversed(i.portfolio.positions) },
          market: { ...i.market, prices: reversed(i.market.prices) },
          execution: { ...i.execution, orders_last_60s_by_strategy: reversed(i.execution.orders_last_60s_by_strategy ?? {}) },
        };
        expect(withoutTime(run(policy, shuffled))).toStrictEqual(first);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

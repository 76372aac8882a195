// A getter (or Proxy trap) on an input that calls the engine again, in the middle of an evaluation
// or a gate check. `evaluate` keeps no module-level scratch (each call takes its own from its
// engine's pool), so both calls get the answer they would get alone. The gate, which mutates its
// own state, denies the nested check (SYS-002) and decides the outer one as if the getter had only
// returned its value.
import { describe, expect, it } from 'vitest';
import { evaluate, parsePolicyYaml, parsePortfolioState, PolicyEngine, PolicyGate, type Decision, type PortfolioState } from '../../packages/policygate-capital/src/index.js';
import { readText } from '../conformance/cases.js';
import { makeIntent, TS, withoutTime } from './arbitraries.js';

const REFERENCE_POLICY = readText('reference-policy.yaml');
const policy = parsePolicyYaml(REFERENCE_POLICY);
// An allow-on-error policy: a nested call is denied all the same.
const allowOnError = parsePolicyYaml(REFERENCE_POLICY.replace('decision: "deny"', 'decision: "allow"'));

const market = { timestamp: TS, prices: { AAPL: 200, MSFT: 400 } };
const portfolio = (): PortfolioState => ({ equity: 1_000_000, start_of_day_equity: 1_000_000, peak_equity: 1_000_000, positions: { AAPL: 100, MSFT: -50 }, realized_pnl_today: 0, unrealized_pnl: 0 });

/** `base` whose `equity` getter runs `inner` once (the first time it is read) and returns the equity. */
function withNestedCall(base: PortfolioState, inner: () => void): PortfolioState {
  let done = false;
  const out = { ...base };
  Object.defineProperty(out, 'equity', {
    enumerable: true,
    get() {
      if (!done) {
        done = true;
        inner();
      }
      return base.equity;
    },
  });
  return out;
}

const expectNestedDeny = (d: Decision | undefined, what: string) => {
  expect(d?.decision).toBe('DENY');
  expect(d?.violations).toEqual([expect.objectContaining({ rule_id: 'SYS-002', message: expect.stringContaining(`${what} was called from inside another ${what}`) })]);
};

describe('evaluate called from a getter or a Proxy on its own inputs', () => {
  it('has an allow-on-error policy to try', () => expect(allowOnError.defaults.decision).toBe('allow'));

  it.each([
    ['deny', policy],
    ['allow', allowOnError],
  ])('gives both calls their plain answers (defaults.decision: %s)', (_, p) => {
    const intent = makeIntent('AAPL', 'buy', 500);
    const innerIntent = makeIntent('MSFT', 'sell', 10);
    let inner: Decision | undefined;
    const outer = evaluate(
      intent,
      p,
      withNestedCall(portfolio(), () => (inner = evaluate(innerIntent, p, portfolio(), market))),
      market,
    );
    expect(withoutTime(inner!)).toEqual(withoutTime(evaluate(innerIntent, p, portfolio(), market)));
    expect(inner!.decision).not.toBe('DENY');
    expect(withoutTime(outer)).toEqual(withoutTime(evaluate(intent, p, portfolio(), market)));
  });

  it('gives both calls their plain answers when a Proxy re-enters mid-sum over the same built records', async () => {
    const engine = await PolicyEngine.fromYaml(REFERENCE_POLICY);
    // Built records (as the parse functions return them) take the remembered-layout path; the
    // nested call sums the same positions object while the outer one is between its reads.
    const parsed = parsePortfolioState({ ...portfolio(), positions: { AAPL: 100, MSFT: -50, SPY: 10 } });
    const prices = { ...market, prices: { AAPL: 200, MSFT: 400, SPY: 500 } };
    const plainOuter = engine.evaluate(makeIntent('AAPL', 'buy', 500), parsed, prices);
    const plainInner = engine.evaluate(makeIntent('SPY', 'buy', 3000), parsed, prices);
    let inner: Decision | undefined;
    const hostile = new Proxy(makeIntent('AAPL', 'buy', 500), {
      get(target, key, receiver) {
        if (key === 'side') inner ??= engine.evaluate(makeIntent('SPY', 'buy', 3000), parsed, prices);
        return Reflect.get(target, key, receiver);
      },
    });
    const outer = engine.evaluate(hostile, parsed, prices);
    expect(inner).toBeDefined();
    expect(withoutTime(inner!)).toEqual(withoutTime(plainInner));
    expect(withoutTime(outer)).toEqual(withoutTime(plainOuter));
    // Decisions with real work in them (evidence computed), not a SYS-002.
    expect(plainInner.evidence).toHaveLength(5);
    expect(plainOuter.evidence).toHaveLength(5);
  });
});

describe('PolicyGate.check called from a getter during a check by the same gate', () => {
  it('is denied inside, changes nothing, and the outer check is the plain one', async () => {
    const engine = await PolicyEngine.fromYaml(REFERENCE_POLICY);
    const gate = new PolicyGate(engine, { portfolio: portfolio(), market });
    const twin = new PolicyGate(engine, { portfolio: portfolio(), market });
    let inner: Decision | undefined;
    const intent = makeIntent('AAPL', 'buy', 500);
    const hostile = { ...intent };
    Object.defineProperty(hostile, 'qty', {
      enumerable: true,
      get() {
        inner ??= gate.check(makeIntent('MSFT', 'sell', 10), market);
        return intent.qty;
      },
    });
    const outer = gate.check(hostile, market);
    expectNestedDeny(inner, 'PolicyGate.check');
    expect(withoutTime(outer)).toEqual(withoutTime(twin.check(intent, market)));
    expect(gate.executionState()).toEqual(twin.executionState());
  });
});

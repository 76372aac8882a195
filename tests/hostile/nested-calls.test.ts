// A getter (or Proxy trap) on an input that calls the engine again, in the middle of an evaluation
// or a gate check: the nested call is denied (SYS-002) and the outer one is decided as if the getter
// had only returned its value.
import { describe, expect, it } from 'vitest';
import { evaluate, parsePolicyYaml, PolicyEngine, PolicyGate, type Decision, type PortfolioState } from '../../packages/policygate-capital/src/index.js';
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

describe('evaluate called from a getter of its own inputs', () => {
  it('has an allow-on-error policy to try', () => expect(allowOnError.defaults.decision).toBe('allow'));

  it.each([
    ['deny', policy],
    ['allow', allowOnError],
  ])('is denied inside (defaults.decision: %s); the outer decision is the plain one', (_, p) => {
    const intent = makeIntent('AAPL', 'buy', 500);
    let inner: Decision | undefined;
    const outer = evaluate(intent, p, withNestedCall(portfolio(), () => (inner = evaluate(makeIntent('MSFT', 'sell', 10), p, portfolio(), market))), market);
    expectNestedDeny(inner, 'evaluate');
    expect(withoutTime(outer)).toEqual(withoutTime(evaluate(intent, p, portfolio(), market)));
    // And the engine is usable again afterwards.
    expect(evaluate(makeIntent('MSFT', 'sell', 10), p, portfolio(), market).decision).not.toBe('DENY');
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

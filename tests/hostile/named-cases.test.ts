// Named hostile inputs (issue 9): prototype names as data, a YAML billion-laughs file, a 50 MB
// policy, 100,000 positions, deeply nested JSON, extreme numbers, NUL and lone surrogates, wrong
// types everywhere, and a symbol held but not priced.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  evaluate,
  parseExecutionState,
  parseMarketSnapshot,
  parseOrderIntent,
  parsePolicyYaml,
  parsePortfolioState,
  PolicyEngine,
  PolicyError,
  ValidationError,
  type Decision,
  type Policy,
} from '../../packages/policygate-capital/src/index.js';
import { buildAuditEvent, readAuditLog, serializeAuditEvent } from '../../packages/policygate-capital/src/audit/index.js';
import { FileError, parseJsonFileText } from '../../packages/policygate-capital/src/node/files.js';
import { readText } from '../conformance/cases.js';
import { exactScaled, makeIntent, record, TS, withoutTime } from './arbitraries.js';
import { expectNoPollution } from './mutate.js';

const REFERENCE_POLICY = readText('reference-policy.yaml');
const referencePolicy = parsePolicyYaml(REFERENCE_POLICY);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** CPU time (user + system, ms) of a synchronous call: unlike wall time, it does not depend on the machine's load. */
function cpuMs<T>(fn: () => T): { value: T; ms: number } {
  const start = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(start);
  return { value, ms: (used.user + used.system) / 1000 };
}

/** The error `fn` throws (fails when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

const ids = (d: Decision) => d.violations.map((v) => v.rule_id);

// ---- prototype names as data -------------------------------------------------------------------

const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'] as const;

/**
 * A scenario written as wire text (JSON for the states, YAML for the policy), with `SYM` as the
 * order's symbol and `STRAT` as its strategy. Substituting a hostile name into the *text* gives what
 * a client would really send: `__proto__` becomes an own key, as JSON.parse and the YAML parser make it.
 */
const SCENARIOS = {
  // EXP-001 under SYM's own override → MODIFY.
  modify: {
    policy: REFERENCE_POLICY.replace('    AAPL:\n', '    "SYM":\n').replace(
      'strategies: {}',
      'strategies:\n    "STRAT":\n      execution: {max_orders_per_minute_global: 20, max_orders_per_minute_by_strategy: 3}',
    ),
    intent: { ...makeIntent('SYM', 'buy', 100, 'STRAT') },
    portfolio: { equity: 100000, start_of_day_equity: 100000, peak_equity: 100000, positions: { SYM: 10, MSFT: -20 } },
    market: { timestamp: TS, prices: { SYM: 200, MSFT: 100 } },
    execution: { orders_last_60s_by_strategy: { STRAT: 1 } },
  },
  // EXEC-002 under STRAT's override (3/min) and gross exposure over the limit → DENY.
  deny: {
    policy: REFERENCE_POLICY.replace('    AAPL:\n', '    "SYM":\n').replace(
      'strategies: {}',
      'strategies:\n    "STRAT":\n      execution: {max_orders_per_minute_global: 20, max_orders_per_minute_by_strategy: 3}',
    ),
    intent: { ...makeIntent('SYM', 'buy', 10, 'STRAT') },
    portfolio: { equity: 100000, start_of_day_equity: 100000, peak_equity: 100000, positions: { SYM: 10, MSFT: 2500 } },
    market: { timestamp: TS, prices: { SYM: 200, MSFT: 100 } },
    execution: { orders_last_60s_by_strategy: { STRAT: 3, other: 0 } },
  },
  // SYM held, not priced → SYS-001 for SYM (never Object.prototype's member taken for a price).
  unpriced: {
    policy: REFERENCE_POLICY,
    intent: { ...makeIntent('MSFT', 'buy', 1, 'STRAT') },
    portfolio: { equity: 100000, start_of_day_equity: 100000, peak_equity: 100000, positions: { SYM: 5, MSFT: 1 } },
    market: { timestamp: TS, prices: { MSFT: 100 } },
    execution: {},
  },
  // The order's own symbol is SYM and has no price.
  unpricedOrder: {
    policy: REFERENCE_POLICY,
    intent: { ...makeIntent('SYM', 'sell', 1, 'STRAT') },
    portfolio: { equity: 100000, start_of_day_equity: 100000, peak_equity: 100000, positions: {} },
    market: { timestamp: TS, prices: { MSFT: 100 } },
    execution: {},
  },
  // STRAT has no rate entry: its count is 0 (not Object.prototype's member).
  noCount: {
    policy: REFERENCE_POLICY,
    intent: { ...makeIntent('MSFT', 'buy', 1, 'STRAT') },
    portfolio: { equity: 100000, start_of_day_equity: 100000, peak_equity: 100000, positions: {} },
    market: { timestamp: TS, prices: { MSFT: 100 } },
    execution: { orders_last_60s_by_strategy: { other: 50 } },
  },
} as const;

/** Evaluates a scenario after putting `sym` and `strat` into its wire text, through the parsers. */
function runScenario(s: (typeof SCENARIOS)[keyof typeof SCENARIOS], sym: string, strat: string): Decision {
  // Written as JSON escapes (valid in JSON strings and YAML double-quoted keys alike): NUL and lone
  // surrogates cannot appear raw in JSON text.
  const esc = (x: string) => JSON.stringify(x).slice(1, -1);
  const sub = (text: string) => text.replaceAll('SYM', esc(sym)).replaceAll('STRAT', esc(strat));
  const json = (value: unknown) => JSON.parse(sub(JSON.stringify(value)));
  const policy = parsePolicyYaml(sub(s.policy));
  return evaluate(parseOrderIntent(json(s.intent)), policy, parsePortfolioState(json(s.portfolio)), parseMarketSnapshot(json(s.market)), parseExecutionState(json(s.execution)));
}

describe('hostile names: prototype members as symbols, strategy ids and override keys', () => {
  const baseline = Object.fromEntries(Object.entries(SCENARIOS).map(([k, s]) => [k, runScenario(s, 'AAPL', 'momentum_v1')]));

  it('the baseline scenarios do what they are named for', () => {
    expect(baseline.modify!.decision).toBe('MODIFY');
    expect(baseline.modify!.modified_intent!.qty).toBe(15); // 5% of 100,000 at 200 = 25 shares, 10 held
    expect(ids(baseline.deny!)).toEqual(['EXEC-002', 'EXP-002', 'EXP-003']);
    expect(baseline.unpriced!.violations.map((v) => v.inputs.symbol)).toEqual(['AAPL']);
    expect(baseline.unpricedOrder!.violations.map((v) => v.inputs.symbol)).toEqual(['AAPL']);
    expect(baseline.noCount!.decision).toBe('ALLOW');
  });

  it.each(PROTO_NAMES)('%s behaves exactly like AAPL and momentum_v1, as a symbol, a strategy id and an override key', (name) => {
    for (const [key, s] of Object.entries(SCENARIOS)) {
      for (const [sym, strat] of [
        [name, 'momentum_v1'],
        ['AAPL', name],
        [name, name],
      ] as const) {
        const d = runScenario(s, sym, strat);
        // Same decision, with the name in place of AAPL / momentum_v1 in messages and inputs.
        const back = JSON.stringify(withoutTime(d))
          .replaceAll(JSON.stringify(sym).slice(1, -1), 'AAPL')
          .replaceAll(strat === sym ? '\u0000never' : JSON.stringify(strat).slice(1, -1), 'momentum_v1');
        const expected = JSON.stringify(withoutTime(baseline[key]!));
        if (sym === strat) expect(d.decision, `${key} ${sym}/${strat}`).toBe(baseline[key]!.decision);
        else expect(back, `${key} ${sym}/${strat}`).toBe(expected);
        expectNoPollution();
      }
    }
  });

  it.each(PROTO_NAMES)('%s keeps its place in parsed maps, as an own key, and pollutes nothing', (name) => {
    const text = `{"equity":1,"start_of_day_equity":1,"peak_equity":1,"positions":{${JSON.stringify(name)}:7,"AAPL":1}}`;
    const p = parsePortfolioState(JSON.parse(text));
    expect(Object.keys(p.positions)).toEqual([name, 'AAPL']);
    expect(Object.getOwnPropertyDescriptor(p.positions, name)?.value).toBe(7);
    expect([Object.prototype, null]).toContain(Object.getPrototypeOf(p.positions));
    const e = parseExecutionState(JSON.parse(`{"orders_last_60s_by_strategy":{${JSON.stringify(name)}:4}}`));
    expect(Object.getOwnPropertyDescriptor(e.orders_last_60s_by_strategy, name)?.value).toBe(4);
    const policy = parsePolicyYaml(REFERENCE_POLICY.replace('    AAPL:\n', `    ${JSON.stringify(name)}:\n`));
    expect(Object.keys(policy.overrides.symbols)).toEqual([name]);
    expect(Object.getOwnPropertyDescriptor(policy.overrides.symbols, name)?.value.exposure.max_position_pct).toBe(0.05);
    expectNoPollution();
  });

  it('an override for a prototype name applies to no other symbol', () => {
    for (const name of PROTO_NAMES) {
      const policy = parsePolicyYaml(REFERENCE_POLICY.replace('    AAPL:\n', `    ${JSON.stringify(name)}:\n`));
      const d = runScenario({ ...SCENARIOS.modify, policy: REFERENCE_POLICY.replace('    AAPL:\n', '    "SYM":\n') }, 'MSFT', 'x');
      const other = evaluate(
        makeIntent('AAPL', 'buy', 100),
        policy,
        parsePortfolioState({ equity: 1e5, start_of_day_equity: 1e5, peak_equity: 1e5 }),
        parseMarketSnapshot({ timestamp: TS, prices: { AAPL: 200 } }),
      );
      expect(other.evidence.find((e) => e.metric === 'new_position_pct')!.limit).toBe(0.1); // the base limit, not the override's 0.05
      expect(d.decision).toBe('MODIFY');
    }
  });

  it('"__proto__" as an unknown top-level field is refused with its path, and sets no prototype', () => {
    const intentText = JSON.stringify(makeIntent('AAPL', 'buy', 1)).replace('{', '{"__proto__":{"polluted":true,"qty":1e9},');
    const e = thrown(() => parseOrderIntent(JSON.parse(intentText))) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.issues).toEqual([{ path: '__proto__', message: 'unknown field' }]);
    const p = thrown(() => parsePolicyYaml(`__proto__:\n  polluted: true\n${REFERENCE_POLICY}`)) as PolicyError;
    expect(p).toBeInstanceOf(PolicyError);
    expect(p.issues).toEqual([{ path: '__proto__', message: 'unknown field', line: 1, column: 1 }]);
    expectNoPollution();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

// ---- YAML bombs --------------------------------------------------------------------------------

describe('YAML billion laughs', () => {
  const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let k = 1; k <= 9; k++)
    lol.push(
      `${String.fromCharCode(97 + k)}: &${String.fromCharCode(97 + k)} [${Array(9)
        .fill('*' + String.fromCharCode(96 + k))
        .join(',')}]`,
    );
  const bomb = lol.join('\n') + '\n';

  it('is refused with a PolicyError at the first alias, without expanding it', () => {
    const { value: e, ms } = cpuMs(() => thrown(() => parsePolicyYaml(bomb)));
    expect(e).toBeInstanceOf(PolicyError);
    const [issue] = (e as PolicyError).issues;
    expect(issue!.message).toMatch(/alias/i);
    expect(issue).toMatchObject({ line: 2, column: 8 }); // b: &b [*a, …: the first alias
    // 9^9 = 387,420,489 nodes if expanded; refused long before. (Hang guard, not a benchmark.)
    expect(ms).toBeLessThan(2_000);
    expectNoPollution();
  });

  it('is refused inside a real policy too (an alias bomb under overrides)', async () => {
    const text = REFERENCE_POLICY.replace('strategies: {}', `strategies: {}\nx_bomb:\n${lol.map((l) => '  ' + l).join('\n')}\n`);
    await expect(PolicyEngine.fromYaml(text)).rejects.toBeInstanceOf(PolicyError);
  });

  it('while ordinary anchors and aliases (one override shared by two symbols) are accepted', () => {
    const text = REFERENCE_POLICY.replace('    AAPL:\n      exposure:\n', '    AAPL: &tight\n      exposure:\n').replace('  strategies: {}', '    MSFT: *tight\n  strategies: {}');
    const p = parsePolicyYaml(text);
    expect(p.overrides.symbols.MSFT).toEqual(p.overrides.symbols.AAPL);
  });
});

// ---- a 50 MB policy ----------------------------------------------------------------------------

/** Runs tests/hostile/fixtures/big-policy.ts in a child process; kills it after `wallMs`. */
function bigPolicy(kind: 'comment' | 'overrides' | 'keys', bytes: number, wallMs: number): Promise<{ outcome: string; ms: number; cpuMs?: number; [k: string]: unknown }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}node_modules/vite-node/vite-node.mjs`, 'tests/hostile/fixtures/big-policy.ts', '--', kind, String(bytes)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), wallMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') return resolve({ outcome: 'killed', ms: wallMs });
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return resolve({ outcome: 'crashed', ms: 0, code, stderr: err.slice(-2000) });
      resolve(JSON.parse(line));
    });
  });
}

describe('a 50 MB policy', () => {
  const MB50 = 50 * 1024 * 1024;
  // A careful user expects a policy file of 50 MB (a policy is a few kilobytes) to be refused at
  // once with a PolicyError, or at worst parsed within seconds — never a process that hangs.
  const sensible = (r: { outcome: string; cpuMs?: number; ms: number }) => {
    expect(['parsed', 'refused'], JSON.stringify(r).slice(0, 2000)).toContain(r.outcome);
    expect(r.cpuMs ?? r.ms, JSON.stringify(r).slice(0, 500)).toBeLessThan(15_000);
  };

  it('of comments around the reference policy: parsed or refused with a PolicyError within seconds', async () => {
    sensible(await bigPolicy('comment', MB50, 90_000));
  }, 100_000);

  it('of 400,000 strategy overrides: parsed or refused with a PolicyError within seconds', async () => {
    sensible(await bigPolicy('overrides', MB50, 90_000));
  }, 100_000);
});

describe('a policy under 1 MB', () => {
  it('of 100,000 short keys in one mapping: parsed or refused with a PolicyError within seconds (no quadratic duplicate-key check)', async () => {
    const r = await bigPolicy('keys', 1_000_000, 90_000);
    expect(r.outcome, JSON.stringify(r).slice(0, 2000)).toBe('refused'); // x_keys is not a policy field
    expect(r.cpuMs, JSON.stringify(r).slice(0, 500)).toBeLessThan(15_000);
  }, 100_000);

  it('of 7,000 strategy overrides (a generated policy): parsed within seconds', async () => {
    const r = await bigPolicy('overrides', 900_000, 90_000);
    expect(r, JSON.stringify(r).slice(0, 2000)).toMatchObject({ outcome: 'parsed' });
    expect(r.overrides as number).toBeGreaterThan(7_000);
    expect(r.cpuMs, JSON.stringify(r).slice(0, 500)).toBeLessThan(15_000);
  }, 100_000);
});

// ---- 100,000 positions -------------------------------------------------------------------------

describe('100,000 positions', () => {
  const N = 100_000;
  const positions = record(Array.from({ length: N }, (_, k) => [`S${k}`, (k % 13) - 6 + (k % 7) / 8] as const));
  const prices = record(Array.from({ length: N }, (_, k) => [`S${k}`, 1 + (k % 997) / 4] as const));
  const portfolioText = JSON.stringify({ equity: 5e7, start_of_day_equity: 5e7, peak_equity: 5e7, positions });
  const marketText = JSON.stringify({ timestamp: TS, prices: { ...prices, AAPL: 200 } });

  it('parse from JSON text and evaluate, with exact exposure evidence, in well under a few seconds', () => {
    const { value: d, ms } = cpuMs(() => {
      const portfolio = parsePortfolioState(parseJsonFileText(portfolioText, 'portfolio.json'));
      const market = parseMarketSnapshot(parseJsonFileText(marketText, 'market.json'));
      return evaluate(makeIntent('AAPL', 'buy', 10), referencePolicy, portfolio, market);
    });
    // Gross exposure, computed here exactly (BigInt) and rounded once.
    let gross = 0n;
    for (const s of Object.keys(positions)) {
      const v = exactScaled(positions[s]! * prices[s]!);
      gross += v < 0n ? -v : v;
    }
    gross += exactScaled(10 * 200);
    const expectedX = Number(gross >> 1024n) / 2 ** 50 / 5e7; // gross is scaled by 2^1074
    const evidence = d.evidence.find((e) => e.metric === 'gross_exposure_x')!;
    expect(evidence.value).toBeCloseTo(expectedX, 5);
    expect(d.violations.every((v) => !v.rule_id.startsWith('SYS'))).toBe(true);
    // A hang guard with a wide margin (normal: a few hundred ms of CPU), not a benchmark: bench/ measures.
    expect(ms).toBeLessThan(10_000);
  });

  it('one unpriced holding among 100,000 is named by SYS-001 (fail closed)', () => {
    const market = parseMarketSnapshot(JSON.parse(marketText));
    const portfolio = parsePortfolioState(JSON.parse(portfolioText));
    const holed = { ...market, prices: record(Object.entries(market.prices).filter(([s]) => s !== 'S77777')) };
    const d = evaluate(makeIntent('AAPL', 'buy', 10), referencePolicy, portfolio, holed);
    expect(d.decision).toBe('DENY');
    expect(d.violations.map((v) => v.inputs.symbol)).toEqual(['S77777']);
  });
});

// ---- deeply nested JSON ------------------------------------------------------------------------

describe('deeply nested JSON', () => {
  const DEPTH = 100_000;
  const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
  const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);

  it('JSON text nested 100,000 deep is refused with a FileError naming line and column, not a stack overflow', () => {
    for (const text of [deepArray, deepObject, `{"qty": ${deepArray}}`]) {
      const e = thrown(() => parseJsonFileText(text, 'intent.json')) as FileError;
      expect(e).toBeInstanceOf(FileError);
      expect(e.code).toBe('ERR_JSON');
      expect(e.issues[0]!.message).toMatch(/nested too deeply/);
      expect(e.issues[0]).toMatchObject({ line: 1, column: expect.any(Number) });
    }
  });

  it('a deeply nested value in any field is refused at that field, without recursing into it', () => {
    const deep = JSON.parse('['.repeat(5000) + ']'.repeat(5000));
    const deepObj = JSON.parse(deepObject.slice(0, 5 * 5000) + '1' + '}'.repeat(5000));
    const cases: [(v: unknown) => unknown, unknown, string][] = [
      [parseOrderIntent, { ...makeIntent('AAPL', 'buy', 1), qty: deep }, 'qty'],
      [parseOrderIntent, { ...makeIntent('AAPL', 'buy', 1), instrument: deepObj }, 'instrument.a'],
      [parsePortfolioState, { equity: 1, start_of_day_equity: 1, peak_equity: 1, positions: { AAPL: deep } }, 'positions.AAPL'],
      [parseMarketSnapshot, { timestamp: TS, prices: deepObj }, 'prices.a'],
      [parseExecutionState, { violations_last_window: deep }, 'violations_last_window[0][0]'],
      [parseExecutionState, { extra: deepObj }, 'extra'],
    ];
    for (const [parse, value, path] of cases) {
      const e = thrown(() => parse(value)) as ValidationError;
      expect(e).toBeInstanceOf(ValidationError);
      expect(e.issues.map((i) => i.path)).toContain(path);
    }
  });

  it('YAML nested 5,000 deep is refused with a PolicyError, not a stack overflow', () => {
    for (const text of ['['.repeat(5000) + ']'.repeat(5000), '{a: '.repeat(5000) + '1' + '}'.repeat(5000), Array.from({ length: 3000 }, (_, k) => ' '.repeat(k) + 'a:').join('\n') + ' 1']) {
      const e = thrown(() => parsePolicyYaml(text));
      expect(e).toBeInstanceOf(PolicyError);
      expect((e as PolicyError).issues[0]!.line).toBeGreaterThanOrEqual(1);
    }
  });

  it('evaluate given a deeply nested value where a number belongs denies (SYS-002), without throwing', () => {
    const deep = JSON.parse('['.repeat(5000) + ']'.repeat(5000));
    const d = evaluate(makeIntent('AAPL', 'buy', 1), referencePolicy, { equity: 1e5, start_of_day_equity: 1e5, peak_equity: 1e5, positions: { MSFT: deep } } as never, {
      timestamp: TS,
      prices: { AAPL: 1, MSFT: 1 },
    });
    expect(d.decision).toBe('DENY');
    expect(ids(d)).toEqual(['SYS-002']);
  });

  it('an audit log with a deeply nested line reports that line and reads the others', async () => {
    const good = serializeAuditEvent(
      buildAuditEvent(
        evaluate(
          makeIntent('AAPL', 'buy', 1),
          referencePolicy,
          { equity: 1e5, start_of_day_equity: 1e5, peak_equity: 1e5, positions: {}, realized_pnl_today: 0, unrealized_pnl: 0 },
          { timestamp: TS, prices: { AAPL: 1 } },
        ),
        makeIntent('AAPL', 'buy', 1),
        { equity: 1e5, start_of_day_equity: 1e5, peak_equity: 1e5, positions: {}, realized_pnl_today: 0, unrealized_pnl: 0 },
        { timestamp: TS, prices: { AAPL: 1 } },
        {},
        'a'.repeat(64),
      ),
    );
    const log = await readAuditLog(`${good}\n${'['.repeat(100_000)}${']'.repeat(100_000)}\n${deepObject}\n${good}\n`);
    expect(log.events.map((e) => e.line)).toEqual([1, 4]);
    expect(log.errors.map((e) => e.line)).toEqual([2, 3]);
  });
});

// ---- extreme numbers ---------------------------------------------------------------------------

describe('numbers like 1e308, -0 and 5e-324', () => {
  const portfolio = (over: object = {}) => ({ equity: 1e5, start_of_day_equity: 1e5, peak_equity: 1e5, positions: {}, realized_pnl_today: 0, unrealized_pnl: 0, ...over });
  const market = (prices: Record<string, number>) => ({ timestamp: TS, prices });
  const finiteEvidence = (d: Decision) => d.evidence.every((e) => Number.isFinite(e.value) && (e.limit === null || Number.isFinite(e.limit)));

  it('the parsers read 1e308 and 5e-324 as numbers, refuse 1e309 (Infinity) and -0 where > 0 is required, with the path', () => {
    expect(parseOrderIntent(JSON.parse(JSON.stringify(makeIntent('AAPL', 'buy', 1)).replace('"qty":1', '"qty":1e308'))).qty).toBe(1e308);
    expect(parseOrderIntent({ ...makeIntent('AAPL', 'buy', 1), qty: 5e-324 }).qty).toBe(5e-324);
    const inf = thrown(() => parsePortfolioState(JSON.parse('{"equity":1e309,"start_of_day_equity":1,"peak_equity":1}'))) as ValidationError;
    expect(inf.issues).toEqual([{ path: 'equity', message: expect.stringMatching(/finite/) }]);
    const negZero = thrown(() => parseOrderIntent({ ...makeIntent('AAPL', 'buy', 1), qty: -0 })) as ValidationError;
    expect(negZero.issues.map((i) => i.path)).toEqual(['qty']);
    const text = thrown(() => parseJsonFileText('{"prices": {"AAPL": NaN}}', 'market.json')) as FileError;
    expect(text.issues[0]).toMatchObject({ line: 1, column: 21 });
  });

  it('metrics that overflow (1e308 quantities or holdings) deny with SYS-002 in both modes, never ALLOW', () => {
    const monitor = parsePolicyYaml(REFERENCE_POLICY.replace('mode: "enforce"', 'mode: "monitor"'));
    const cases: [ReturnType<typeof makeIntent>, ReturnType<typeof portfolio>, ReturnType<typeof market>][] = [
      [makeIntent('AAPL', 'buy', 1e308), portfolio(), market({ AAPL: 200 })],
      [makeIntent('AAPL', 'buy', 1), portfolio({ positions: { X: 1e308, Y: 1e308 } }), market({ AAPL: 200, X: 10, Y: 10 })],
      [makeIntent('AAPL', 'buy', 1), portfolio({ positions: { X: 1.5e308, Y: 1.5e308, Z: -1.5e308 } }), market({ AAPL: 1, X: 1, Y: 1, Z: 1 })],
      [makeIntent('AAPL', 'buy', 1), portfolio({ equity: 5e-324 }), market({ AAPL: 1e308 })],
    ];
    for (const policy of [referencePolicy, monitor]) {
      for (const [i, p, m] of cases) {
        const d = evaluate(i, policy, p, m);
        expect(d.decision, JSON.stringify(d.violations)).toBe('DENY');
        expect(ids(d)).toEqual(['SYS-002']);
        expect(d.violations[0]!.message).toMatch(/not finite/);
      }
    }
  });

  it('5e-324 and 1e308 that stay finite give finite evidence and a decision (no NaN leaks into the audit)', () => {
    const cases: [ReturnType<typeof makeIntent>, ReturnType<typeof portfolio>, ReturnType<typeof market>][] = [
      [makeIntent('AAPL', 'buy', 5e-324), portfolio(), market({ AAPL: 200 })],
      [makeIntent('AAPL', 'buy', 1), portfolio(), market({ AAPL: 5e-324 })],
      [makeIntent('AAPL', 'buy', 1e300), portfolio(), market({ AAPL: 5e-324 })],
      [makeIntent('AAPL', 'buy', 1), portfolio({ equity: 1e308, start_of_day_equity: 1e308, peak_equity: 1e308 }), market({ AAPL: 1e308 })],
      [makeIntent('AAPL', 'sell', 1), portfolio({ equity: 5e-324, start_of_day_equity: 5e-324, peak_equity: 5e-324 }), market({ AAPL: 5e-324 })],
    ];
    for (const [i, p, m] of cases) {
      const d = evaluate(i, referencePolicy, p, m);
      if (ids(d).includes('SYS-002')) expect(d.decision).toBe('DENY');
      else {
        expect(finiteEvidence(d)).toBe(true);
        expect(() => serializeAuditEvent(buildAuditEvent(d, i, p, m, {}, 'a'.repeat(64)))).not.toThrow();
      }
      if (d.decision === 'MODIFY') expect(d.modified_intent!.qty).toBeLessThanOrEqual(i.qty);
    }
  });

  it('-0 is zero: a -0 holding needs no price, a -0 price is missing, a -0 quantity or equity is an evaluation error', () => {
    expect(evaluate(makeIntent('AAPL', 'buy', 1), referencePolicy, portfolio({ positions: { X: -0 } }), market({ AAPL: 200 })).decision).toBe('ALLOW');
    expect(ids(evaluate(makeIntent('AAPL', 'buy', 1), referencePolicy, portfolio(), market({ AAPL: -0 })))).toEqual(['SYS-001']);
    expect(ids(evaluate(makeIntent('AAPL', 'buy', -0), referencePolicy, portfolio(), market({ AAPL: 200 })))).toEqual(['SYS-002']);
    expect(ids(evaluate(makeIntent('AAPL', 'buy', 1), referencePolicy, portfolio({ equity: -0 }), market({ AAPL: 200 })))).toEqual(['SYS-002']);
  });
});

// ---- NUL and lone surrogates -------------------------------------------------------------------

describe('strings with NUL and lone surrogates', () => {
  const NAMES = ['A\u0000B', '\u0000', '\uD800', '\uDFFF', 'x\uDBFF', '\uDC00\uD800'];

  it('are ordinary symbols and strategy ids', () => {
    for (const name of NAMES) {
      for (const [key, s] of Object.entries(SCENARIOS)) {
        const d = runScenario(s, name, name + '-s');
        expect(d.decision, `${key} ${JSON.stringify(name)}`).toBe(runScenario(s, 'AAPL', 'momentum_v1').decision);
      }
    }
  });

  it('survive an audit line unchanged: escaped as ASCII, read back to the same strings', async () => {
    for (const name of NAMES) {
      const i = makeIntent(name, 'buy', 1, name);
      const p = { equity: 1e5, start_of_day_equity: 1e5, peak_equity: 1e5, positions: record([[name, 3]]), realized_pnl_today: 0, unrealized_pnl: 0 };
      const m = { timestamp: TS, prices: record([[name, 5]]) };
      const line = serializeAuditEvent(buildAuditEvent(evaluate(i, referencePolicy, p, m), i, p, m, {}, 'a'.repeat(64)));
      expect(line).toMatch(/^[\x20-\x7e]+$/);
      const log = await readAuditLog(line + '\n');
      expect(log.errors).toEqual([]);
      expect(log.events[0]!.event.intent.instrument.symbol).toBe(name);
      expect(Object.keys(log.events[0]!.event.portfolio_state.positions)).toEqual([name]);
    }
  });

  it('NUL in a policy override key (YAML "\\0") is an ordinary key', () => {
    const policy = parsePolicyYaml(REFERENCE_POLICY.replace('    AAPL:\n', '    "A\\0B":\n'));
    expect(Object.keys(policy.overrides.symbols)).toEqual(['A\u0000B']);
  });

  it('a policy text may hold any Unicode (surrogate pairs included); a lone surrogate is refused at its line and column', () => {
    expect(Object.keys(parsePolicyYaml(REFERENCE_POLICY.replace('    AAPL:\n', '    "😀é\u0000":\n') + '# 😀\n').overrides.symbols)).toEqual(['😀é\u0000']);
    for (const lone of ['\uD800', '\uDFFF', '\uDBFF']) {
      const text = REFERENCE_POLICY.replace('# tighter limit for AAPL', `# tighter 😀 ${lone}x`);
      const e = thrown(() => parsePolicyYaml(text)) as PolicyError;
      expect(e).toBeInstanceOf(PolicyError);
      const line = text.split('\n').findIndex((l) => l.includes(lone)) + 1;
      // Columns count code points (the emoji before it is one column), as everywhere in the SDK.
      const before = text.split('\n')[line - 1]!.slice(0, text.split('\n')[line - 1]!.indexOf(lone));
      expect(e.issues[0]).toMatchObject({ line, column: Array.from(before).length + 1 });
    }
  });

  it('a policy text holding a lone surrogate is refused, or its hash still tells it apart from every other text', async () => {
    // A lone surrogate cannot be written as UTF-8: TextEncoder turns each into U+FFFD, so two
    // different policies would share one hash (and a file saved from either would be a third policy).
    const a = REFERENCE_POLICY.replace('    AAPL:\n', '    "\uD800":\n');
    const b = REFERENCE_POLICY.replace('    AAPL:\n', '    "\uDBFF":\n');
    const outcomes = await Promise.allSettled([PolicyEngine.fromYaml(a), PolicyEngine.fromYaml(b)]);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(PolicyError);
    if (outcomes.every((o) => o.status === 'fulfilled')) {
      const [ea, eb] = outcomes.map((o) => (o as PromiseFulfilledResult<PolicyEngine>).value);
      expect(Object.keys(ea!.policy.overrides.symbols)).not.toEqual(Object.keys(eb!.policy.overrides.symbols));
      expect(ea!.policyHash).not.toBe(eb!.policyHash);
    }
  });
});

// ---- wrong types everywhere --------------------------------------------------------------------

describe('wrong types everywhere', () => {
  const intent = makeIntent('AAPL', 'buy', 10);
  const portfolio = { equity: 1e5, start_of_day_equity: 1e5, peak_equity: 1e5, positions: { AAPL: 5, MSFT: -3 }, realized_pnl_today: 0, unrealized_pnl: 0 };
  const market = { timestamp: TS, prices: { AAPL: 200, MSFT: 100 } };
  const execution = { orders_last_60s_global: 1, orders_last_60s_by_strategy: { momentum_v1: 1 }, violations_last_window: [[TS, 'EXP-001']], kill_switch_active: false };
  const docs = { intent, portfolio, market, execution } as const;
  const parsers = { intent: parseOrderIntent, portfolio: parsePortfolioState, market: parseMarketSnapshot, execution: parseExecutionState } as const;

  // Values of the wrong type for every kind of field (each is wrong for every field below).
  const WRONG: Record<string, unknown[]> = {
    string: [1, true, null, {}, [], ['AAPL'], new Map(), 5n],
    number: ['10', true, null, {}, [], [10], NaN, Infinity, -Infinity, 5n, new Number(10), new Date(0)],
    boolean: ['true', 1, 0, null, {}, [], new Boolean(true)],
    record: ['AAPL', 1, true, [], [['AAPL', 1]], new Map([['AAPL', 1e6]]), new Date(0), new Set(['AAPL'])],
    object: ['equity', 1, true, [], null, new Map([['symbol', 'AAPL']]), new Date(0)],
    array: ['[]', 1, {}, null, new Set(), new Map()],
  };
  const FIELDS: [keyof typeof docs, string[], keyof typeof WRONG][] = [
    ['intent', ['intent_id'], 'string'],
    ['intent', ['timestamp'], 'string'],
    ['intent', ['strategy_id'], 'string'],
    ['intent', ['account_id'], 'string'],
    ['intent', ['instrument'], 'object'],
    ['intent', ['instrument', 'symbol'], 'string'],
    ['intent', ['side'], 'string'],
    ['intent', ['qty'], 'number'],
    ['portfolio', ['equity'], 'number'],
    ['portfolio', ['start_of_day_equity'], 'number'],
    ['portfolio', ['peak_equity'], 'number'],
    ['portfolio', ['positions'], 'record'],
    ['portfolio', ['positions', 'MSFT'], 'number'],
    ['portfolio', ['realized_pnl_today'], 'number'],
    ['market', ['prices'], 'record'],
    ['market', ['prices', 'AAPL'], 'number'],
    ['execution', ['orders_last_60s_global'], 'number'],
    ['execution', ['orders_last_60s_by_strategy'], 'record'],
    ['execution', ['orders_last_60s_by_strategy', 'momentum_v1'], 'number'],
    ['execution', ['violations_last_window'], 'array'],
    ['execution', ['kill_switch_active'], 'boolean'],
  ];
  // Fields evaluate itself reads: a wrong type there must never let an order through.
  const READ_BY_EVALUATE = new Set([
    'intent.instrument',
    'intent.instrument.symbol',
    'intent.side',
    'intent.qty',
    'intent.strategy_id',
    'portfolio.equity',
    'portfolio.start_of_day_equity',
    'portfolio.peak_equity',
    'portfolio.positions',
    'portfolio.positions.MSFT',
    'market.prices',
    'market.prices.AAPL',
    'execution.orders_last_60s_global',
    'execution.orders_last_60s_by_strategy',
    'execution.orders_last_60s_by_strategy.momentum_v1',
    'execution.kill_switch_active',
  ]);

  const withField = (doc: object, path: string[], value: unknown) => {
    const copy = structuredClone(doc) as Record<string, any>;
    const parent = path.slice(0, -1).reduce((n, k) => n[k], copy);
    parent[path[path.length - 1]!] = value;
    return copy;
  };

  it.each(FIELDS.map(([doc, path, kind]) => [`${doc}.${path.join('.')}`, doc, path, kind] as const))('%s: the parser refuses every wrong type, naming the field', (_name, doc, path, kind) => {
    for (const bad of WRONG[kind]!) {
      const e = thrown(() => parsers[doc](withField(docs[doc], path, bad)));
      expect(e, `${String(bad)} accepted`).toBeInstanceOf(ValidationError);
      const field = path.join('.');
      const paths = (e as ValidationError).issues.map((i) => i.path);
      expect(
        paths.some((p) => p === field || p.startsWith(field + '.') || p.startsWith(field + '[')),
        `${String(bad)}: ${paths}`,
      ).toBe(true);
    }
  });

  it.each(FIELDS.filter(([doc, path]) => READ_BY_EVALUATE.has(`${doc}.${path.join('.')}`)).map(([doc, path, kind]) => [`${doc}.${path.join('.')}`, doc, path, kind] as const))(
    '%s: evaluate, given a wrong type unvalidated, denies (SYS-001/SYS-002) and never throws',
    (_name, doc, path, kind) => {
      for (const bad of WRONG[kind]!) {
        if (doc === 'execution' && path.length === 1 && bad === null) continue; // null execution = the empty state
        const args = { ...docs, [doc]: withField(docs[doc], path, bad) };
        let d: Decision | undefined;
        expect(() => (d = evaluate(args.intent as never, referencePolicy, args.portfolio as never, args.market as never, args.execution as never))).not.toThrow();
        expect(d!.decision, `${_name} = ${String(bad)}: ${JSON.stringify(d!.violations)}`).toBe('DENY');
        expect(ids(d!).every((id) => id === 'SYS-001' || id === 'SYS-002')).toBe(true);
      }
    },
  );

  it('an execution state that is not an object (a string, an array, a Map) is refused by the parser and denied by evaluate', () => {
    for (const bad of ['kill', 42, [], new Map([['kill_switch_active', true]]), new Date(0)]) {
      expect(
        thrown(() => parseExecutionState(bad)),
        String(bad),
      ).toBeInstanceOf(ValidationError);
      const d = evaluate(intent, referencePolicy, portfolio, market, bad as never);
      expect(d.decision, `${String(bad)}: ${JSON.stringify(d.violations)}`).toBe('DENY');
    }
  });

  it('the same wrong types in the policy are refused with a PolicyError naming the field', () => {
    const fields: [string, string][] = [
      ['max_position_pct: 0.10', 'max_position_pct: "0.10"'],
      ['max_gross_exposure_x: 2.0', 'max_gross_exposure_x: .inf'],
      ['daily_loss_limit_pct: 0.02', 'daily_loss_limit_pct: .nan'],
      ['max_orders_per_minute_global: 20', 'max_orders_per_minute_global: 20.5'],
      ['trip_on_rules: ["LOSS-002"]', 'trip_on_rules: "LOSS-002"'],
      ['mode: "enforce"', 'mode: true'],
      ['max_drawdown_pct: 0.05', 'max_drawdown_pct: [0.05]'],
      ['max_net_exposure_x: 1.0       # 1x', 'max_net_exposure_x: {x: 1}       # 1x'],
    ];
    for (const [from, to] of fields) {
      const e = thrown(() => parsePolicyYaml(REFERENCE_POLICY.replace(from, to))) as PolicyError;
      expect(e, to).toBeInstanceOf(PolicyError);
      const key = to.split(':')[0]!;
      expect(
        e.issues.some((i) => i.path.endsWith(key) && i.line !== undefined),
        `${to}: ${JSON.stringify(e.issues)}`,
      ).toBe(true);
    }
  });

  it('a policy object of the wrong shape given straight to evaluate denies with SYS-002', () => {
    for (const bad of [null, 'policy', {}, { limits: 'x' }, new Map(), [referencePolicy]] as unknown as Policy[]) {
      const d = evaluate(intent, bad, portfolio, market);
      expect(d.decision).toBe('DENY');
      expect(ids(d)).toEqual(['SYS-002']);
    }
  });
});

// ---- a symbol held but not priced --------------------------------------------------------------

describe('a symbol present in positions but not in prices', () => {
  const base = { equity: 1e5, start_of_day_equity: 1e5, peak_equity: 1e5, realized_pnl_today: 0, unrealized_pnl: 0 };

  it('denies with SYS-001 naming it, in both modes and even when defaults.decision is allow (the Python package ignores it)', () => {
    const lenient = parsePolicyYaml(REFERENCE_POLICY.replace('mode: "enforce"', 'mode: "monitor"').replace('decision: "deny"', 'decision: "allow"'));
    for (const policy of [referencePolicy, lenient]) {
      const d = evaluate(makeIntent('AAPL', 'buy', 1), policy, { ...base, positions: { AAPL: 1, TSLA: -40 } }, { timestamp: TS, prices: { AAPL: 200 } });
      expect(d.decision).toBe('DENY');
      expect(d.violations).toEqual([{ rule_id: 'SYS-001', severity: 'CRIT', message: "Missing or invalid price for symbol 'TSLA'.", inputs: { symbol: 'TSLA' }, computed: {} }]);
      expect(d.evidence).toEqual([]);
      expect(d.kill_switch_triggered).toBe(false);
    }
  });

  it("names every unpriced holding, the order's symbol first, then the others in code-point order", () => {
    const positions = record([
      ['zeta', 1],
      ['Émile', 2],
      ['ALPHA', 3],
      ['😀', 4],
      ['\uFFFF', 5],
      ['beta', 0],
    ]);
    const d = evaluate(makeIntent('MSFT', 'buy', 1), referencePolicy, { ...base, positions }, { timestamp: TS, prices: {} });
    expect(d.violations.map((v) => v.inputs.symbol)).toEqual(['MSFT', 'ALPHA', 'zeta', 'Émile', '\uFFFF', '😀']);
  });

  it('a zero holding needs no price', () => {
    const d = evaluate(makeIntent('AAPL', 'buy', 1), referencePolicy, { ...base, positions: { TSLA: 0, NVDA: -0 } }, { timestamp: TS, prices: { AAPL: 200 } });
    expect(d.decision).toBe('ALLOW');
  });
});

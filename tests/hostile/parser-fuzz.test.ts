// Fuzzing every parser with random and mutated input: the policy YAML, the four JSON inputs (as
// values and as JSON text with line/column), and audit lines. Each input must either parse into a
// valid value or be refused with the SDK's own error type naming the problem — never a TypeError,
// never a hang, never a polluted prototype.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluate,
  parseExecutionState,
  parseMarketSnapshot,
  parseOrderIntent,
  parsePolicy,
  parsePolicyYaml,
  parsePortfolioState,
  PolicyError,
  ValidationError,
} from '../../packages/policygate-capital/src/index.js';
import { buildAuditEvent, MemoryAuditSink, readAuditLog } from '../../packages/policygate-capital/src/audit/index.js';
import { FileError, parseJsonFileText, validateJsonFileValue } from '../../packages/policygate-capital/src/node/files.js';
import { readText } from '../conformance/cases.js';
import { inputs, NUM_RUNS, policyInput, toPolicy, type Inputs } from './arbitraries.js';
import { applyTextEdits, applyTreeEdits, attempt, codeUnit, expectNoPollution, formatPath, HANG_MS, pathsOf, textEdit, TOKENS, treeEdit, type Outcome } from './mutate.js';

const REFERENCE_POLICY = readText('reference-policy.yaml');
const SAMPLE = fc.sample(inputs, { numRuns: 1, seed: 42 })[0]!;
/** Valid inputs to mutate, generated once (generating a fresh scenario per run costs more than the parse). */
const POOL = fc.constantFrom(...fc.sample(inputs, { numRuns: 200, seed: 4242 }));
/**
 * Runs for fuzzers whose every case parses a whole text document (YAML, JSON text, a JSONL log):
 * each costs about a millisecond, so 10,000 would dominate the suite's time. The value-level and
 * random-text fuzzers run NUM_RUNS.
 */
const TEXT_RUNS = 3_000;

/** Asserts that a parser's outcome is a value or one of our errors whose issues name their place. */
// Any of the package's error classes (their constructors differ; only `instanceof` is used).
function expectParsedOrRefused<T>(out: Outcome<T>, errorClass: abstract new (...args: never[]) => ValidationError, subject: string): void {
  expect(out.ms).toBeLessThan(HANG_MS);
  if (out.ok) return;
  const e = out.error;
  if (!(e instanceof errorClass)) throw new Error(`expected a ${errorClass.name}, got ${String(e)}`, { cause: e });
  expect(e.subject).toBe(subject);
  expect(e.issues.length).toBeGreaterThan(0);
  for (const issue of e.issues) {
    expect(typeof issue.path).toBe('string');
    expect(typeof issue.message).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

describe('fuzz: policy YAML (parsePolicyYaml)', () => {
  function check(text: string): 'ok' | 'refused' {
    const out = attempt(() => parsePolicyYaml(text));
    expectParsedOrRefused(out, PolicyError, 'policy');
    expectNoPollution();
    if (!out.ok) {
      // From text, every issue carries a position inside the text.
      const lines = text.split(/\r\n|\r|\n/);
      for (const issue of (out.error as PolicyError).issues) {
        expect(Number.isInteger(issue.line) && issue.line! >= 1 && issue.line! <= lines.length + 1, JSON.stringify(issue)).toBe(true);
        expect(Number.isInteger(issue.column) && issue.column! >= 1, JSON.stringify(issue)).toBe(true);
      }
      return 'refused';
    }
    // Accepted: a complete, valid policy that the engine can use.
    const policy = out.value;
    expect(parsePolicy(structuredClone(policy))).toEqual(policy);
    const d = evaluate(SAMPLE.intent, policy, SAMPLE.portfolio, SAMPLE.market, SAMPLE.execution);
    expect(['ALLOW', 'DENY', 'MODIFY']).toContain(d.decision);
    return 'ok';
  }

  it('random text: parsed or refused with a PolicyError with line and column', () => {
    const alphabet = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TOKENS, 'limits', 'exposure', 'a', '1', ' ') }, { weight: 1, arbitrary: codeUnit });
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 60 }), (text) => {
        check(text);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('mutations of the reference policy: parsed or refused, and both outcomes are common', () => {
    const seen = { ok: 0, refused: 0 };
    fc.assert(
      fc.property(fc.array(textEdit, { minLength: 1, maxLength: 4 }), (edits) => {
        seen[check(applyTextEdits(REFERENCE_POLICY, edits))]++;
      }),
      { numRuns: TEXT_RUNS },
    );
    expect(seen.ok).toBeGreaterThan(TEXT_RUNS / 20);
    expect(seen.refused).toBeGreaterThan(TEXT_RUNS / 20);
  });

  it('valid policies written as YAML (flow style via JSON) parse to the same policy', () => {
    fc.assert(
      fc.property(policyInput(), (pIn) => {
        // JSON is YAML 1.2; keys such as "__proto__" or "constructor" stay override names.
        const out = attempt(() => parsePolicyYaml(JSON.stringify(pIn)));
        expect(out.ok).toBe(true);
        expect((out as { value: unknown }).value).toEqual(toPolicy(pIn));
        expectNoPollution();
      }),
      { numRuns: TEXT_RUNS },
    );
  });
});

describe('fuzz: policy objects (parsePolicy)', () => {
  it('any value, and mutated valid policies: parsed or refused with a PolicyError naming fields', () => {
    const anything = fc.anything({ maxDepth: 3, withNullPrototype: true, withMap: true, withSet: true, withBigInt: true, withDate: true, withBoxedValues: true });
    const mutated = fc.tuple(policyInput(), fc.array(treeEdit, { minLength: 1, maxLength: 3 })).map(([p, edits]) => applyTreeEdits(p, edits));
    const seen = { ok: 0, refused: 0 };
    fc.assert(
      fc.property(fc.oneof(anything, mutated), (value) => {
        const out = attempt(() => parsePolicy(value));
        expectParsedOrRefused(out, PolicyError, 'policy');
        expectNoPollution();
        seen[out.ok ? 'ok' : 'refused']++;
      }),
      { numRuns: NUM_RUNS },
    );
    expect(seen.ok).toBeGreaterThan(NUM_RUNS / 100);
  });
});

// The four JSON inputs: [name, parser, valid value of the sample].
const JSON_INPUTS = [
  ['intent', parseOrderIntent, (i: Inputs) => i.intent],
  ['portfolio', parsePortfolioState, (i: Inputs) => i.portfolio],
  ['market', parseMarketSnapshot, (i: Inputs) => i.market],
  ['execution', parseExecutionState, (i: Inputs) => ({ ...i.execution, violations_last_window: [['2026-02-18T00:00:00Z', 'EXP-001']] })],
] as const;

describe.each(JSON_INPUTS)('fuzz: %s JSON', (subject, parse, pick) => {
  it('every value of the pool of valid inputs parses (the mutations start from valid documents)', () => {
    for (const i of fc.sample(POOL, { numRuns: 200, seed: 1 })) expect(() => parse(structuredClone(pick(i)))).not.toThrow();
  });

  it('any value: parsed or refused with a ValidationError naming fields', () => {
    const anything = fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true, withMap: true, withSet: true, withBigInt: true, withDate: true, withBoxedValues: true });
    fc.assert(
      fc.property(anything, (value) => {
        const out = attempt(() => parse(value));
        expectParsedOrRefused(out, ValidationError, subject);
        expectNoPollution();
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('mutated valid values: parsed (and then stable) or refused; a field replaced by an object is named', () => {
    const seen = { ok: 0, refused: 0 };
    fc.assert(
      fc.property(POOL, fc.array(treeEdit, { minLength: 1, maxLength: 3 }), fc.nat(), (i, edits, pick2) => {
        const valid = pick(i);
        const value = applyTreeEdits(valid, edits);
        const out = attempt(() => parse(value));
        expectParsedOrRefused(out, ValidationError, subject);
        expectNoPollution();
        if (out.ok) {
          seen.ok++;
          // A parsed value is a fixed point: parsing it again changes nothing.
          expect(parse(structuredClone(out.value))).toEqual(out.value);
        } else seen.refused++;

        // A field (at any depth) replaced by an object holding an unknown key is always refused, at that field.
        const paths = pathsOf(valid);
        if (paths.length === 0) return;
        const path = paths[pick2 % paths.length]!;
        const broken = applyTreeEdits(valid, []);
        const parent = path.slice(0, -1).reduce<any>((node, k) => node[k], broken);
        Object.defineProperty(parent, path[path.length - 1]!, { value: { '\u0000bad': [] }, enumerable: true, writable: true, configurable: true });
        const refused = attempt(() => parse(broken));
        expect(refused.ok, `${formatPath(path)} replaced by an object was accepted`).toBe(false);
        const where = formatPath(path);
        const issues = (refused as { error: ValidationError }).error.issues;
        expect(
          issues.some((issue) => issue.path === where || issue.path.startsWith(where + '.') || issue.path.startsWith(where + '[')),
          `no issue at ${where}: ${JSON.stringify(issues)}`,
        ).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
    expect(seen.ok).toBeGreaterThan(NUM_RUNS / 50);
    expect(seen.refused).toBeGreaterThan(NUM_RUNS / 4);
  });

  it('mutated JSON text (policygate-capital/node file reading): value, or a FileError with line and column; never a SyntaxError', () => {
    const file = `${subject}.json`;
    fc.assert(
      fc.property(POOL, fc.array(textEdit, { minLength: 0, maxLength: 3 }), fc.boolean(), (i, edits, pretty) => {
        const text = applyTextEdits(JSON.stringify(pick(i), null, pretty ? 2 : undefined), edits);
        const lines = text.split('\n').length;
        const read = attempt(() => parseJsonFileText(text, file));
        expect(read.ms).toBeLessThan(HANG_MS);
        let native: Outcome<unknown> = attempt(() => JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text));
        if (!read.ok) {
          const e = read.error;
          if (!(e instanceof FileError)) throw new Error(`expected a FileError, got ${String(e)}`, { cause: e });
          expect(e.code).toBe('ERR_JSON');
          expect(e.file).toBe(file);
          const [issue] = e.issues;
          expect(issue!.line! >= 1 && issue!.line! <= lines && issue!.column! >= 1, JSON.stringify(issue)).toBe(true);
          // Stricter than JSON.parse only where documented: duplicate keys and absurd nesting.
          if (native.ok) expect(issue!.message).toMatch(/duplicate key|nested too deeply/);
          return;
        }
        // Accepted text is JSON that JSON.parse reads to the same value.
        expect(native.ok).toBe(true);
        native = native as { ok: true; value: unknown; ms: number };
        expect(read.value).toEqual(native.value);
        const checked = attempt(() => validateJsonFileValue(read.value, text, file, parse as (v: unknown) => unknown));
        expect(checked.ms).toBeLessThan(HANG_MS);
        if (checked.ok) return;
        const e = checked.error;
        if (!(e instanceof FileError)) throw new Error(`expected a FileError, got ${String(e)}`, { cause: e });
        expect(e.code).toBe('ERR_VALIDATION');
        for (const issue of e.issues) {
          expect(typeof issue.path).toBe('string');
          expect(issue.line! >= 1 && issue.line! <= lines && issue.column! >= 1, JSON.stringify(issue)).toBe(true);
        }
      }),
      { numRuns: TEXT_RUNS },
    );
  });
});

describe('fuzz: JSON text scanner against JSON.parse (differential)', () => {
  it('random JSON-like text: accepted exactly when JSON.parse accepts it (bar duplicate keys and depth), to the same value', () => {
    const unit = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          '{',
          '}',
          '[',
          ']',
          ':',
          ',',
          '"',
          '\\',
          'u',
          '0',
          '1',
          '-',
          '+',
          '.',
          'e',
          'E',
          ' ',
          '\n',
          '\t',
          '\r',
          'true',
          'null',
          'false',
          'NaN',
          'Infinity',
          '"a"',
          '"\\u00',
          'f',
          '\u00a0',
          '\ufeff',
          '\u2028',
        ),
      },
      { weight: 1, arbitrary: codeUnit },
    );
    const text = fc.oneof(
      fc.string({ unit, maxLength: 40 }),
      fc.json({ maxDepth: 3 }).chain((j) => fc.array(textEdit, { maxLength: 2 }).map((e) => applyTextEdits(j, e))),
    );
    fc.assert(
      fc.property(text, (t) => {
        const ours = attempt(() => parseJsonFileText(t, 'x.json'));
        const native = attempt(() => JSON.parse(t.charCodeAt(0) === 0xfeff ? t.slice(1) : t));
        if (ours.ok) {
          expect(native.ok).toBe(true);
          expect(ours.value).toEqual((native as { value: unknown }).value);
        } else {
          expect(ours.error).toBeInstanceOf(FileError);
          if (native.ok) expect((ours.error as FileError).issues[0]!.message).toMatch(/duplicate key|nested too deeply/);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('fuzz: audit lines (readAuditLog)', () => {
  // A log of this SDK's chained events and the Python package's unchained ones.
  const base = (() => {
    const sink = new MemoryAuditSink({ chainId: '00000000-0000-4000-8000-000000000000' });
    const policy = toPolicy(fc.sample(policyInput(), { numRuns: 1, seed: 5 })[0]!);
    fc.sample(inputs, { numRuns: 4, seed: 9 }).forEach((i, k) => {
      const d = evaluate(i.intent, policy, i.portfolio, i.market, i.execution);
      sink.append(buildAuditEvent(d, i.intent, i.portfolio, i.market, i.execution, 'a'.repeat(64), { eventId: `00000000-0000-4000-8000-00000000000${k}` }));
    });
    const python = readText('reference-audit.jsonl').split('\n').slice(0, 2).join('\n') + '\n';
    return sink.toJsonl() + python;
  })();

  it('the unmutated log reads cleanly', async () => {
    const log = await readAuditLog(base);
    expect(log.errors).toEqual([]);
    expect(log.chainBreaks).toEqual([
      { kind: 'unchained', line: 5, reason: expect.any(String) },
      { kind: 'unchained', line: 6, reason: expect.any(String) },
    ]);
    expect(log.events).toHaveLength(6);
  });

  it('mutated and torn logs: never throws; every non-blank line is an event or a problem with its line number', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(textEdit, { minLength: 0, maxLength: 4 }), fc.option(fc.nat()), async (edits, cut) => {
        let text = applyTextEdits(base, edits);
        if (cut !== null) text = text.slice(0, cut % (text.length + 1)); // a crash mid-write
        const start = performance.now();
        const log = await readAuditLog(text);
        expect(performance.now() - start).toBeLessThan(HANG_MS);
        const lines = text.split('\n');
        const seen = new Map<number, string>();
        for (const e of log.events) {
          expect(seen.has(e.line)).toBe(false);
          seen.set(e.line, 'event');
          const raw = lines[e.line - 1]!;
          expect(e.raw).toBe(e.line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw);
        }
        for (const p of log.errors) {
          expect(seen.has(p.line)).toBe(false);
          seen.set(p.line, 'error');
          expect(p.reason.length).toBeGreaterThan(0);
        }
        const nonBlank = lines.flatMap((l, k) => ((k === 0 ? l.replace(/^\ufeff/, '') : l).trim() === '' ? [] : [k + 1]));
        expect([...seen.keys()].sort((a, b) => a - b)).toEqual(nonBlank);
        for (const b of log.chainBreaks) expect(b.line >= 1 && b.line <= lines.length).toBe(true);
        expectNoPollution();
      }),
      { numRuns: TEXT_RUNS },
    );
  });
});

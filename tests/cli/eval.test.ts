// policygate-eval, run as a child process from the built package.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, CONFORMANCE, EXAMPLES, exampleArgs, REPO, runBin, runCommand, tempDir, withoutEvalMs, type Ran } from './cli.js';

// The built library, to check that the CLI prints exactly what the SDK decides.
const sdk: any = await import(join(REPO, 'packages/policygate-capital/dist/index.js'));
// The canonical line format (internal to the package: not exported).
const { canonicalJson } = (await import(join(REPO, 'packages/policygate-capital/dist/util/canonical-json.js'))) as { canonicalJson: (value: unknown) => string };

const readExample = (name: string) => JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8'));
const policyText = readFileSync(join(EXAMPLES, 'policy.yaml'), 'utf8');
const engine = await sdk.PolicyEngine.fromYaml(policyText);
const portfolio = sdk.parsePortfolioState(readExample('portfolio.json'));
const market = sdk.parseMarketSnapshot(readExample('market.json'));
const libraryDecision = (intent: unknown, execution: unknown = {}) => withoutEvalMs(engine.evaluate(sdk.parseOrderIntent(intent), portfolio, market, sdk.parseExecutionState(execution)));

const tmp = tempDir('cli-eval');
afterAll(tmp.remove);
const write = (name: string, content: string | Uint8Array) => {
  const path = join(tmp.dir, name);
  writeFileSync(path, content);
  return path;
};

/** Every error: exit 2, nothing on stdout, a message on stderr, and no stack trace. */
function expectError(ran: Ran): string {
  expect(ran.code, ran.stderr).toBe(2);
  expect(ran.stdout).toBe('');
  expect(ran.stderr).not.toMatch(/^\s+at /m);
  expect(ran.stderr.startsWith('policygate-eval: ')).toBe(true);
  return ran.stderr;
}

describe('policygate-eval on the seed example (examples/)', () => {
  let ran: Ran;
  beforeAll(async () => {
    ran = await runBin('policygate-eval', [...exampleArgs(), '--execution', join(EXAMPLES, 'execution.json')]);
  });

  it("gives MODIFY with qty 25 (the seed's AAPL order under its 5% AAPL cap) and exits 0", () => {
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const decision = JSON.parse(ran.stdout);
    expect(decision.decision).toBe('MODIFY');
    expect(decision.modified_intent.qty).toBe(25);
    expect(decision.violations.map((v: any) => v.rule_id)).toEqual(['EXP-001']);
  });

  it('prints exactly what the library decides, as one line of JSON with sorted keys', () => {
    expect(ran.stdout.endsWith('\n')).toBe(true);
    expect(ran.stdout.trimEnd().split('\n')).toHaveLength(1);
    const printed = JSON.parse(ran.stdout);
    expect(withoutEvalMs(printed)).toEqual(libraryDecision(readExample('intent.json'), readExample('execution.json')));
    expect(ran.stdout.trimEnd()).toBe(canonicalJson(printed));
  });

  it('indents the same decision with --pretty', async () => {
    const pretty = await runBin('policygate-eval', [...exampleArgs(), '--pretty']);
    expect(pretty.code).toBe(0);
    const printed = JSON.parse(pretty.stdout);
    expect(withoutEvalMs(printed)).toEqual(withoutEvalMs(JSON.parse(ran.stdout)));
    expect(pretty.stdout).toBe(JSON.stringify(JSON.parse(canonicalJson(printed)), null, 2) + '\n');
  });

  it('uses the empty execution state when --execution is not given, and reads it when it is', async () => {
    const without = await runBin('policygate-eval', exampleArgs());
    expect(without.code).toBe(0);
    expect(withoutEvalMs(JSON.parse(without.stdout))).toEqual(withoutEvalMs(JSON.parse(ran.stdout)));
    const killed = write('kill.json', JSON.stringify({ kill_switch_active: true }));
    const denied = await runBin('policygate-eval', [...exampleArgs(), '--execution', killed]);
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.stdout).violations[0].rule_id).toBe('KILL-001');
  });

  it('exits 1 on DENY (a 6% drawdown breaches the 5% limit)', async () => {
    const drawdown = write('drawdown.json', JSON.stringify({ equity: 94000, start_of_day_equity: 94000, peak_equity: 100000, positions: {} }));
    const denied = await runBin('policygate-eval', exampleArgs({ portfolio: drawdown }));
    expect(denied.code).toBe(1);
    const decision = JSON.parse(denied.stdout);
    expect(decision.decision).toBe('DENY');
    expect(decision.violations.map((v: any) => v.rule_id)).toContain('LOSS-002');
    expect(withoutEvalMs(decision)).toEqual(
      withoutEvalMs(engine.evaluate(sdk.parseOrderIntent(readExample('intent.json')), sdk.parsePortfolioState(JSON.parse(readFileSync(drawdown, 'utf8'))), market)),
    );
  });
});

describe('policygate-eval errors: exit 2 and a message a person can act on', () => {
  it('names a missing file, whichever option it was given to', async () => {
    for (const option of ['policy', 'intent', 'portfolio', 'market', 'execution'] as const) {
      const missing = join(tmp.dir, `no-such-${option}.json`);
      const stderr = expectError(await runBin('policygate-eval', option === 'execution' ? [...exampleArgs(), '--execution', missing] : exampleArgs({ [option]: missing })));
      expect(stderr).toBe(`policygate-eval: file not found: ${missing}\n`);
    }
  });

  it('names a directory given as a file', async () => {
    expect(expectError(await runBin('policygate-eval', exampleArgs({ market: tmp.dir })))).toBe(`policygate-eval: cannot read ${tmp.dir}: it is a directory\n`);
  });

  it('gives the file, line and column of invalid JSON', async () => {
    const bad = write('trailing-comma.json', '{\n  "timestamp": "2026-02-18T00:00:00Z",\n  "prices": {"AAPL": 200.0},\n}\n');
    expect(expectError(await runBin('policygate-eval', exampleArgs({ market: bad })))).toBe(`policygate-eval: invalid JSON in ${bad} at line 4, column 1: trailing comma before '}'\n`);
    const nan = write('nan.json', '{"equity": NaN, "start_of_day_equity": 1, "peak_equity": 1}');
    expect(expectError(await runBin('policygate-eval', exampleArgs({ portfolio: nan })))).toContain(`invalid JSON in ${nan} at line 1, column 12: NaN and Infinity are not JSON`);
    const dup = write('dup.json', readFileSync(join(EXAMPLES, 'intent.json'), 'utf8').replace('"qty": 100,', '"qty": 100,\n  "qty": 100000,'));
    expect(expectError(await runBin('policygate-eval', exampleArgs({ intent: dup })))).toContain(`invalid JSON in ${dup} at line 10, column 3: duplicate key "qty"`);
    const empty = write('empty.json', '');
    expect(expectError(await runBin('policygate-eval', exampleArgs({ intent: empty })))).toContain(`invalid JSON in ${empty} at line 1, column 1: empty input`);
  });

  it('gives the file and the path (and position) of every field that breaks the schema', async () => {
    const text = readFileSync(join(EXAMPLES, 'intent.json'), 'utf8').replace('"qty": 100', '"qty": -5').replace('"side": "buy"', '"side": "hold", "colour": "red"');
    const bad = write('schema.json', text);
    const stderr = expectError(await runBin('policygate-eval', exampleArgs({ intent: bad })));
    expect(stderr).toBe(
      [
        `policygate-eval: invalid intent in ${bad}:`,
        '  side (line 7, column 11): must be buy or sell, got "hold"',
        '  colour (line 7, column 19): unknown field',
        '  qty (line 9, column 10): must be > 0, got -5',
        '',
      ].join('\n'),
    );
    const prices = '{"timestamp": "2026-02-18T00:00:00Z", "prices": {"BTC-USD": "60000"}}';
    const symbol = write('prices.json', prices);
    expect(expectError(await runBin('policygate-eval', exampleArgs({ market: symbol })))).toContain(
      `prices["BTC-USD"] (line 1, column ${prices.indexOf('"60000"') + 1}): must be a number, got "60000"`,
    );
  });

  it('gives the line and column of YAML syntax and policy schema errors', async () => {
    const syntax = write('syntax.yaml', 'limits:\n  exposure: [1, 2\n');
    expect(expectError(await runBin('policygate-eval', exampleArgs({ policy: syntax })))).toMatch(
      new RegExp(`^policygate-eval: invalid policy in ${syntax}:\n  line \\d+, column \\d+: YAML syntax error: `),
    );
    const schema = write('schema.yaml', policyText.replace('max_position_pct: 0.10 ', 'max_position_pct: 1.5  '));
    expect(expectError(await runBin('policygate-eval', exampleArgs({ policy: schema })))).toBe(
      `policygate-eval: invalid policy in ${schema}:\n  limits.exposure.max_position_pct (line 11, column 23): must be ≤ 1, got 1.5\n`,
    );
  });

  it('refuses files that are not UTF-8 instead of guessing', async () => {
    const latin1 = write('latin1.yaml', Buffer.concat([Buffer.from(policyText), Buffer.from([0x23, 0xe9, 0x0a])]));
    expect(expectError(await runBin('policygate-eval', exampleArgs({ policy: latin1 })))).toBe(`policygate-eval: cannot read ${latin1}: not valid UTF-8 text\n`);
  });

  it('refuses an input file over 32 MiB before reading it, with a clear message (a 300 MB field)', async () => {
    const big = write('huge-intent.json', '');
    truncateSync(big, 300_000_000); // sparse: the size is what is checked first
    expect(expectError(await runBin('policygate-eval', exampleArgs({ intent: big })))).toBe(`policygate-eval: cannot read ${big}: it is 300,000,000 bytes, over the limit of 32 MiB for this input\n`);
    // Read from a pipe, whose size is not known: stopped once past the limit, not read whole.
    const fifo = join(tmp.dir, 'intent.fifo');
    const made = await runCommand('mkfifo', [fifo]);
    expect(made.code).toBe(0);
    const feeder = spawn('sh', ['-c', `head -c 40000000 /dev/zero | tr '\\0' ' ' > ${fifo}`], { stdio: 'ignore' });
    const ran = await runBin('policygate-eval', exampleArgs({ intent: fifo }));
    feeder.kill();
    expect(expectError(ran)).toBe(`policygate-eval: cannot read ${fifo}: it is over the limit of 32 MiB for this input\n`);
  });

  it('reports every bad file of a run at once', async () => {
    const a = join(tmp.dir, 'missing-a.json');
    const b = join(tmp.dir, 'missing-b.json');
    const stderr = expectError(await runBin('policygate-eval', exampleArgs({ intent: a, market: b })));
    expect(stderr).toBe(`policygate-eval: file not found: ${a}\npolicygate-eval: file not found: ${b}\n`);
  });

  it('explains a wrong command line and points to --help', async () => {
    const cases: [string[], string][] = [
      [['--polcy', 'x.yaml'], 'unknown option --polcy (did you mean --policy?)'],
      [[], 'missing --policy, --intent (or --intents), --portfolio, --market'],
      [[...exampleArgs(), '--intents', 'x.jsonl'], 'give either --intent or --intents, not both'],
      [[...exampleArgs(), '--intent', 'again.json'], '--intent was given more than once'],
      [[...exampleArgs(), 'extra'], 'unexpected argument "extra"'],
      [[...exampleArgs(), '--audit-log'], '--audit-log needs a value (FILE.jsonl)'],
    ];
    for (const [args, message] of cases) {
      const stderr = expectError(await runBin('policygate-eval', args));
      expect(stderr).toContain(`policygate-eval: ${message}`);
      expect(stderr).toContain("Run 'policygate-eval --help' for usage.");
    }
  });

  it('shows the stack trace only with --debug', async () => {
    const missing = join(tmp.dir, 'nope.json');
    const ran = await runBin('policygate-eval', [...exampleArgs({ intent: missing }), '--debug']);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`file not found: ${missing}`);
    expect(ran.stderr).toMatch(/^\s+at /m);
    expect(ran.stderr).toContain('ENOENT');
  });
});

describe('policygate-eval --help and --version', () => {
  it('--help shows the usage and every option, and exits 0', async () => {
    const ran = await runBin('policygate-eval', ['--help']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^Usage: policygate-eval --policy FILE.yaml/);
    for (const option of ['--policy', '--intent ', '--intents', '--portfolio', '--market', '--execution', '--audit-log', '--pretty', '--debug', '--version']) {
      expect(ran.stdout).toContain(option);
    }
    expect(ran.stdout).toContain('Exit codes: 0 = ALLOW or MODIFY, 1 = DENY');
  });

  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(REPO, 'packages/policygate-capital/package.json'), 'utf8'));
    const ran = await runBin('policygate-eval', ['--version']);
    expect(ran).toEqual({ code: 0, stdout: `policygate-eval ${version}\n`, stderr: '' });
  });
});

describe('policygate-eval --intents (JSONL stream)', () => {
  const stateArgs = exampleArgs().slice(0, 2).concat(exampleArgs().slice(4));
  const intentsFile = join(EXAMPLES, 'intents.jsonl');
  const intentLines = readFileSync(intentsFile, 'utf8').split('\n').filter(Boolean);

  /** The summary lines of stderr, from the decisions actually printed. */
  function expectedSummary(decisions: any[], badLines = 0): string {
    const count = (kind: string) => decisions.filter((d) => d.decision === kind).length;
    const rules = sdk.RULE_IDS.map((r: string) => [r, decisions.filter((d) => d.violations.some((v: any) => v.rule_id === r)).length])
      .filter(([, n]: [string, number]) => n > 0)
      .map(([r, n]: [string, number]) => `${r} ${n}`);
    return (
      `policygate-eval: ${decisions.length} evaluated: ALLOW ${count('ALLOW')}, MODIFY ${count('MODIFY')}, DENY ${count('DENY')}; ${badLines} bad line${badLines === 1 ? '' : 's'}\n` +
      `policygate-eval: rules fired (intents): ${rules.length ? rules.join(', ') : 'none'}\n`
    );
  }

  it('prints one decision a line, each what the library decides, and a summary on stderr', async () => {
    const ran = await runBin('policygate-eval', [...stateArgs, '--intents', intentsFile]);
    const decisions = ran.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(decisions.map(withoutEvalMs)).toEqual(intentLines.map((l) => libraryDecision(JSON.parse(l))));
    expect(new Set(decisions.map((d) => d.decision))).toEqual(new Set(['ALLOW', 'MODIFY', 'DENY']));
    expect(ran.stderr).toBe(expectedSummary(decisions));
    expect(ran.code).toBe(1); // a DENY among them
  });

  it("reads standard input with '-', the same as the file", async () => {
    const fromFile = await runBin('policygate-eval', [...stateArgs, '--intents', intentsFile]);
    const fromStdin = await runBin('policygate-eval', [...stateArgs, '--intents', '-'], { input: readFileSync(intentsFile) });
    expect(fromStdin.code).toBe(fromFile.code);
    expect(fromStdin.stdout.split('\n').map((l) => l && withoutEvalMs(JSON.parse(l)))).toEqual(fromFile.stdout.split('\n').map((l) => l && withoutEvalMs(JSON.parse(l))));
    expect(fromStdin.stderr).toBe(fromFile.stderr);
  });

  it('exits 0 when no order is denied; skips blank lines; accepts CRLF line ends', async () => {
    const allowed = intentLines.filter((l) => libraryDecision(JSON.parse(l)).decision !== 'DENY');
    const file = write('allowed.jsonl', '\r\n' + allowed.join('\r\n') + '\r\n\r\n');
    const ran = await runBin('policygate-eval', [...stateArgs, '--intents', file]);
    expect(ran.code).toBe(0);
    expect(ran.stdout.trimEnd().split('\n')).toHaveLength(allowed.length);
    expect(ran.stderr).toBe(
      expectedSummary(
        ran.stdout
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l)),
      ),
    );
  });

  it('reports a bad line with its line and column, evaluates the others, and exits 2', async () => {
    const lines = [intentLines[0]!, '{"intent_id": "broken", }', intentLines[1]!, intentLines[2]!.replace('"qty": 10', '"qty": 0')];
    const file = write('bad-lines.jsonl', lines.join('\n') + '\n');
    const ran = await runBin('policygate-eval', [...stateArgs, '--intents', file]);
    expect(ran.code).toBe(2);
    const decisions = ran.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(decisions.map(withoutEvalMs)).toEqual([libraryDecision(JSON.parse(lines[0]!)), libraryDecision(JSON.parse(lines[2]!))]);
    const column = lines[3]!.indexOf('"qty"') + 8;
    expect(ran.stderr).toBe(
      `policygate-eval: invalid JSON in ${file} at line 2, column 25: trailing comma before '}'\n` +
        `policygate-eval: invalid intent in ${file} at line 4:\n  qty (line 4, column ${column}): must be > 0, got 0\n` +
        expectedSummary(decisions, 2),
    );
  });

  it('reports a line that is not UTF-8 with its true number, skips it and evaluates every other line (50,001 lines)', async () => {
    const good = intentLines[0]!;
    for (const at of [3, 50_001]) {
      const lines = Array.from({ length: 50_001 }, (_, k) => (k + 1 === at ? Buffer.from([0x7b, 0xff, 0x7d]) : Buffer.from(good.replace('"order-', `"l${k + 1}-`))));
      const file = write(`not-utf8-${at}.jsonl`, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
      const ran = await runBin('policygate-eval', [...stateArgs, '--intents', file]);
      expect(ran.code).toBe(2);
      const decided = ran.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).intent_id);
      expect(decided).toHaveLength(50_000);
      expect(decided.includes(`l${at}-001`)).toBe(false);
      expect(decided[0]).toBe(at === 1 ? 'l2-001' : 'l1-001');
      expect(decided.at(-1)).toBe(at === 50_001 ? 'l50000-001' : 'l50001-001');
      const [first, summary] = ran.stderr.split('\n');
      expect(first).toBe(`policygate-eval: cannot read ${file}: line ${at} is not valid UTF-8 text; skipped`);
      expect(summary).toMatch(/^policygate-eval: 50000 evaluated: .*; 1 bad line$/);
    }
  }, 120_000);

  it('reports a line over 1 MiB as a bad line with its number (without holding it) and evaluates the others', async () => {
    const huge = `{"intent_id": "${'x'.repeat(2 << 20)}"}`;
    const file = write('long-line.jsonl', [intentLines[0], huge, intentLines[1]].join('\n') + '\n');
    const ran = await runBin('policygate-eval', [...stateArgs, '--intents', file]);
    expect(ran.code).toBe(2);
    expect(
      ran.stdout
        .trimEnd()
        .split('\n')
        .map((l) => withoutEvalMs(JSON.parse(l))),
    ).toEqual([libraryDecision(JSON.parse(intentLines[0]!)), libraryDecision(JSON.parse(intentLines[1]!))]);
    expect(ran.stderr.split('\n')[0]).toBe(`policygate-eval: line 2 of ${file} is longer than 1 MiB (the limit for one line of a stream); skipped`);
    expect(ran.stderr).toMatch(/; 1 bad line\n/);
  });

  it('refuses --pretty with a stream (one decision a line)', async () => {
    expect(expectError(await runBin('policygate-eval', [...stateArgs, '--intents', intentsFile, '--pretty']))).toContain('--pretty cannot be used with --intents');
  });

  it('shows a progress line when stderr is a terminal and the stream is long, and never otherwise', async () => {
    const n = 12_000;
    const big = write('big.jsonl', Array.from({ length: n }, (_, i) => intentLines[i % intentLines.length]).join('\n') + '\n');
    const out = join(tmp.dir, 'big-out.jsonl');
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, binPath('policygate-eval'), ...stateArgs, '--intents', big].map(quote).join(' ') + ` > ${quote(out)}`;
    // util-linux `script` runs the command on a pseudo-terminal (stderr is a TTY) and copies it to our stdout.
    const tty = await runCommand('script', ['-q', '-e', '-c', command, '/dev/null']);
    expect(tty.code, tty.stderr).toBe(1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's erase-line sequence is what is tested
    expect(tty.stdout).toMatch(/\r\x1b\[Kpolicygate-eval: \d+ evaluated: ALLOW \d+, MODIFY \d+, DENY \d+…/);
    expect(tty.stdout).toContain(`policygate-eval: ${n} evaluated: `);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(n);

    const piped = await runBin('policygate-eval', [...stateArgs, '--intents', big]);
    expect(piped.stderr).not.toContain('\r');
    expect(piped.stderr).not.toContain('…');
  });

  it('prints each decision of a live stream as it comes, and on Ctrl-C writes the audit events, then exits 130', async () => {
    const log = join(tmp.dir, 'interrupted-audit.jsonl');
    const child = spawn(process.execPath, [binPath('policygate-eval'), ...stateArgs, '--intents', '-', '--audit-log', log], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const decisionsPrinted = async (n: number) => {
      for (let waited = 0; stdout.split('\n').length - 1 < n; waited += 20) {
        if (waited > 20_000) throw new Error(`no decision ${n} after 20 s; stdout: ${stdout}; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    // Standard input stays open: each order is answered before the next one is sent.
    for (const [i, line] of intentLines.entries()) {
      child.stdin.write(line + '\n');
      await decisionsPrinted(i + 1);
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const printed = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(printed.map(withoutEvalMs)).toEqual(intentLines.map((l) => libraryDecision(JSON.parse(l))));
    expect(
      readFileSync(log, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).decision),
    ).toEqual(printed);
    expect(stderr).toBe(expectedSummary(printed) + `policygate-eval: interrupted (SIGINT) after ${printed.length} decisions; their audit events are written\n`);
  });

  it('stops quietly when the reader goes away (… | head -n 1)', async () => {
    const big = join(tmp.dir, 'big.jsonl');
    if (!existsSync(big)) writeFileSync(big, Array.from({ length: 12_000 }, (_, i) => intentLines[i % intentLines.length]).join('\n') + '\n');
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, not a template
    const command = [process.execPath, binPath('policygate-eval'), ...stateArgs, '--intents', big].map(quote).join(' ') + ' | head -n 1; echo "eval exit ${PIPESTATUS[0]}" >&2';
    const ran = await runCommand('bash', ['-c', command]);
    expect(ran.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(ran.stderr).not.toMatch(/^\s+at /m);
    expect(ran.stderr).not.toContain('EPIPE');
    expect(ran.stderr).toMatch(/standard output was closed after \d+ decisions; stopped\neval exit 2\n$/);
  });
});

describe('policygate-eval --audit-log', () => {
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

  it('appends one event per run, recording what was printed, under the hash of the policy file', async () => {
    const log = join(tmp.dir, 'single', 'audit.jsonl');
    mkdirSync(join(tmp.dir, 'single'));
    const first = await runBin('policygate-eval', [...exampleArgs(), '--audit-log', log]);
    const second = await runBin('policygate-eval', [...exampleArgs(), '--audit-log', log, '--run-id', 'ci-42']);
    expect([first.code, second.code]).toEqual([0, 0]);
    const events = readFileSync(log, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events).toHaveLength(2);
    expect(events[0].decision).toEqual(JSON.parse(first.stdout));
    expect(events[1].decision).toEqual(JSON.parse(second.stdout));
    expect(events[0].intent).toEqual(sdk.parseOrderIntent(readExample('intent.json')));
    expect(events[0].policy_hash).toBe(sha256(readFileSync(join(EXAMPLES, 'policy.yaml'))));
    expect(events[0].run_id).toBeUndefined();
    expect(events[1].run_id).toBe('ci-42');
    expect(events[0].event_id).not.toBe(events[1].event_id);
    const replay = await runBin('policygate-replay', ['--policy', join(EXAMPLES, 'policy.yaml'), '--audit-log', log, '--json']);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ ok: true, total: 2, matched: 2 });
  });

  it('appends one event per evaluated intent of a stream, in order', async () => {
    const log = join(tmp.dir, 'stream-audit.jsonl');
    const args = exampleArgs().slice(0, 2).concat(exampleArgs().slice(4));
    const ran = await runBin('policygate-eval', [...args, '--intents', join(EXAMPLES, 'intents.jsonl'), '--audit-log', log, '--run-id', 'batch-1']);
    const printed = ran.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const events = readFileSync(log, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.decision)).toEqual(printed);
    expect(events.every((e) => e.run_id === 'batch-1')).toBe(true);
  });

  it('fails closed: when the audit log cannot be written, exits 2 and prints no decision', async () => {
    const log = join(tmp.dir, 'no-such-dir', 'audit.jsonl');
    const stderr = expectError(await runBin('policygate-eval', [...exampleArgs(), '--audit-log', log]));
    expect(stderr).toContain(log);
    expect(stderr).toContain('ENOENT');
  });
});

it('uses the shared reference policy byte for byte as examples/policy.yaml', () => {
  expect(readFileSync(join(EXAMPLES, 'policy.yaml'))).toEqual(readFileSync(join(CONFORMANCE, 'reference-policy.yaml')));
});

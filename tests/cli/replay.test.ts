// policygate-replay, run as a child process from the built package, on the audit log the Python
// package wrote (tests/fixtures/conformance/reference-audit.jsonl) and on tampered copies of it.
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFORMANCE, EXAMPLES, exampleArgs, REPO, runBin, tempDir, type Ran } from './cli.js';

const sdk: any = await import(join(REPO, 'packages/policygate-capital/dist/index.js'));
// The canonical line format (internal to the package: not exported).
const { canonicalJson } = (await import(join(REPO, 'packages/policygate-capital/dist/util/canonical-json.js'))) as { canonicalJson: (value: unknown) => string };

const POLICY = join(CONFORMANCE, 'reference-policy.yaml');
const REFERENCE = join(CONFORMANCE, 'reference-audit.jsonl');
const referenceLines = readFileSync(REFERENCE, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');
const events = referenceLines.map((l) => JSON.parse(l));

const tmp = tempDir('cli-replay');
afterAll(tmp.remove);
const write = (name: string, content: string | Uint8Array) => {
  const path = join(tmp.dir, name);
  writeFileSync(path, content);
  return path;
};
/** A copy of the reference log with line `index` (0-based) changed by `change`. */
const tampered = (name: string, index: number, change: (event: any) => void) => {
  const lines = [...referenceLines];
  const event = JSON.parse(lines[index]!);
  change(event);
  lines[index] = canonicalJson(event);
  return write(name, lines.join('\n') + '\n');
};
const replay = (log: string, ...extra: string[]) => runBin('policygate-replay', ['--policy', POLICY, '--audit-log', log, ...extra]);
const json = (ran: Ran) => JSON.parse(ran.stdout);

describe('policygate-replay on the Python package’s reference audit log', () => {
  it('matches all 300 events and exits 0', async () => {
    expect(referenceLines).toHaveLength(300); // SPEC.md: 300 events
    const ran = await replay(REFERENCE);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^ {2}events: +300$/m);
    expect(ran.stdout).toMatch(/^ {2}matched: +300$/m);
    for (const label of ['mismatched', 'policy-hash mismatches', 'bad lines']) expect(ran.stdout).toMatch(new RegExp(`^ {2}${label}: +0$`, 'm'));
    expect(ran.stdout).toMatch(/^ {2}chain breaks: +0 \(the log has no hash chain\)$/m);
    expect(ran.stdout.trimEnd().split('\n').at(-1)).toBe('policygate-replay: OK, all 300 events replay to the recorded decisions');
  });

  it('says the same as JSON with --json', async () => {
    const ran = await replay(REFERENCE, '--json');
    expect(ran.code).toBe(0);
    expect(json(ran)).toMatchObject({ ok: true, total: 300, matched: 300, mismatched: [], policy_hash_mismatches: [], bad_lines: [], chain_breaks: [], chained: false, tolerance: 1e-9 });
    expect(json(ran).policy_hash).toBe(events[0].policy_hash);
    expect(ran.stdout.trimEnd()).toBe(canonicalJson(json(ran)));
  });

  it("reads the log from standard input with '-'", async () => {
    const ran = await runBin('policygate-replay', ['--policy', POLICY, '--audit-log', '-', '--json'], { input: readFileSync(REFERENCE) });
    expect(ran.code).toBe(0);
    expect(json(ran)).toMatchObject({ ok: true, matched: 300, audit_log: '<stdin>' });
  });
});

describe('policygate-replay on tampered copies: exit 1, naming the event and the first differing field', () => {
  it('a recorded decision changed from DENY to ALLOW', async () => {
    const index = events.findIndex((e) => e.decision.decision === 'DENY');
    const log = tampered('flipped.jsonl', index, (e) => (e.decision.decision = 'ALLOW'));
    const ran = await replay(log);
    expect(ran.code).toBe(1);
    expect(ran.stdout).toMatch(/^ {2}matched: +299$/m);
    expect(ran.stdout).toMatch(/^ {2}mismatched: +1$/m);
    expect(ran.stdout).toContain(`mismatch: line ${index + 1}, event ${events[index].event_id}: decision differs`);
    expect(ran.stdout.trimEnd().split('\n').at(-1)).toBe('policygate-replay: FAILED');
    const asJson = json(await replay(log, '--json'));
    expect(asJson.ok).toBe(false);
    expect(asJson.mismatched).toEqual([{ line: index + 1, event_id: events[index].event_id, field: 'decision', fields: ['decision'] }]);
  });

  it('a violation message rewritten', async () => {
    const index = events.findIndex((e) => e.decision.violations.length > 0);
    const log = tampered('message.jsonl', index, (e) => (e.decision.violations[0].message = 'nothing to see'));
    const ran = await replay(log);
    expect(ran.code).toBe(1);
    expect(ran.stdout).toContain(`mismatch: line ${index + 1}, event ${events[index].event_id}: violations[0].message differs`);
  });

  it('reports events recorded under another policy as policy-hash mismatches, not engine mismatches', async () => {
    const other = write('other-policy.yaml', readFileSync(POLICY, 'utf8') + '# reviewed\n');
    const ran = await runBin('policygate-replay', ['--policy', other, '--audit-log', REFERENCE, '--json']);
    expect(ran.code).toBe(1);
    const summary = json(ran);
    expect(summary.mismatched).toEqual([]);
    expect(summary.policy_hash_mismatches).toHaveLength(300);
    expect(summary.policy_hash_mismatches[0]).toMatchObject({ line: 1, event_id: events[0].event_id, policy_hash: events[0].policy_hash, decisions_match: true });
    const human = await runBin('policygate-replay', ['--policy', other, '--audit-log', REFERENCE]);
    expect(human.stdout).toMatch(/^ {2}policy-hash mismatches: +300$/m);
    expect(human.stdout).toContain(`policy-hash mismatch: line 1, event ${events[0].event_id}: recorded under ${events[0].policy_hash.slice(0, 12)}…`);
  });

  it('reports bad lines by number (invalid JSON, not an event, not UTF-8, torn at the end) and replays the rest', async () => {
    const bytes = Buffer.concat([
      Buffer.from(referenceLines.slice(0, 2).join('\n') + '\nnot json\n'),
      Buffer.from('{"event_id": "x"}\n'),
      Buffer.from([0x7b, 0xff, 0x7d, 0x0a]),
      Buffer.from(referenceLines.slice(2).join('\n') + '\n{"decision": {"deci'),
    ]);
    const ran = await replay(write('bad-lines.jsonl', bytes), '--json');
    expect(ran.code).toBe(1);
    const summary = json(ran);
    expect(summary.matched).toBe(300);
    expect(summary.bad_lines.map((b: any) => b.line)).toEqual([3, 4, 5, 2 + 3 + (referenceLines.length - 2) + 1]);
    expect(summary.bad_lines[2].reason).toBe('not valid UTF-8 text');
    expect(summary.bad_lines[3].reason).toMatch(/^torn last line/);
    const human = await replay(write('bad-lines.jsonl', bytes));
    expect(human.stdout).toMatch(/^bad line: line 3: invalid JSON/m);
  });

  it('compares numbers within --tolerance (default 1e-9 relative; 0 = exact)', async () => {
    const index = events.findIndex((e) => e.decision.violations.some((v: any) => Object.values(v.computed).some((x) => typeof x === 'number' && x !== 0)));
    const violation = events[index].decision.violations.findIndex((v: any) => Object.values(v.computed).some((x) => typeof x === 'number' && x !== 0));
    const key = Object.keys(events[index].decision.violations[violation].computed).find((k) => events[index].decision.violations[violation].computed[k] !== 0)!;
    const log = tampered('nudged.jsonl', index, (e) => (e.decision.violations[violation].computed[key] *= 1 + 1e-12));
    expect((await replay(log)).code).toBe(0);
    const exact = await replay(log, '--tolerance', '0');
    expect(exact.code).toBe(1);
    expect(exact.stdout).toContain(`event ${events[index].event_id}: violations[${violation}].computed.${key} differs`);
  });

  it('reports a chain break in a log written by policygate-eval when a line is removed', async () => {
    const log = join(tmp.dir, 'chained.jsonl');
    const args = exampleArgs().slice(0, 2).concat(exampleArgs().slice(4));
    await runBin('policygate-eval', [...args, '--intents', join(EXAMPLES, 'intents.jsonl'), '--audit-log', log]);
    const policy = join(EXAMPLES, 'policy.yaml');
    const intact = await runBin('policygate-replay', ['--policy', policy, '--audit-log', log]);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^ {2}chain breaks: +0$/m);
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    writeFileSync(log, [lines[0], ...lines.slice(2)].join('\n') + '\n');
    const cut = await runBin('policygate-replay', ['--policy', policy, '--audit-log', log]);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toMatch(/^ {2}chain breaks: +1$/m);
    expect(cut.stdout).toMatch(/^chain break: line 2: chain_seq 1 of chain .* missing/m);
  });
});

describe('policygate-replay with several --policy files (a log of two policies)', () => {
  const state = exampleArgs().slice(0, 2).concat(exampleArgs().slice(4)).slice(2); // without --policy
  const policyA = join(EXAMPLES, 'policy.yaml');
  const textA = readFileSync(policyA, 'utf8');
  // B: a looser AAPL cap, so the AAPL orders decide differently under it than under A.
  const policyB = write('policy-b.yaml', textA.replace('max_position_pct: 0.05 ', 'max_position_pct: 0.50 '));
  const policyC = write('policy-c.yaml', textA + '# another policy\n');
  const log = join(tmp.dir, 'two-policies.jsonl');
  const hashOf = async (path: string) => (await sdk.PolicyEngine.fromYaml(readFileSync(path, 'utf8'))).policyHash;

  it('replays each event under the policy whose hash it records: all match, exit 0', async () => {
    expect(textA).toContain('max_position_pct: 0.05 ');
    for (const policy of [policyA, policyB]) {
      const ran = await runBin('policygate-eval', ['--policy', policy, ...state, '--intents', join(EXAMPLES, 'intents.jsonl'), '--audit-log', log]);
      expect(ran.code, ran.stderr).not.toBe(2);
    }
    const events = readFileSync(log, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const half = events.length / 2;
    expect(new Set(events.slice(0, half).map((e) => e.policy_hash))).toEqual(new Set([await hashOf(policyA)]));
    expect(new Set(events.slice(half).map((e) => e.policy_hash))).toEqual(new Set([await hashOf(policyB)]));
    // The two policies decide some order differently: replaying under the wrong one would show it.
    const decided = (e: any) => ({ ...e.decision, eval_ms: 0 });
    expect(events.slice(0, half).map(decided)).not.toEqual(events.slice(half).map(decided));

    const ran = await runBin('policygate-replay', ['--policy', policyA, '--policy', policyB, '--audit-log', log]);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toContain(`  policy ${policyA} (policy hash ${(await hashOf(policyA)).slice(0, 12)}…): ${half} events\n`);
    expect(ran.stdout).toContain(`  policy ${policyB} (policy hash ${(await hashOf(policyB)).slice(0, 12)}…): ${half} events\n`);
    expect(ran.stdout.trimEnd().split('\n').at(-1)).toBe(`policygate-replay: OK, all ${events.length} events replay to the recorded decisions`);
    const summary = json(await runBin('policygate-replay', ['--policy', policyB, '--policy', policyA, '--audit-log', log, '--json']));
    expect(summary).toMatchObject({ ok: true, total: events.length, matched: events.length, mismatched: [], unknown_policy: [] });
    expect(summary.policies.map((p: any) => [p.policy, p.events])).toEqual([
      [policyB, half],
      [policyA, half],
    ]);
  });

  it('reports the events under none of the policies given as such, not as engine mismatches: exit 1', async () => {
    const events = readFileSync(log, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const half = events.length / 2;
    const ran = await runBin('policygate-replay', ['--policy', policyA, '--policy', policyC, '--audit-log', log, '--json']);
    expect(ran.code).toBe(1);
    const summary = json(ran);
    expect(summary).toMatchObject({ ok: false, total: events.length, matched: half, mismatched: [] });
    expect(summary.unknown_policy).toEqual(events.slice(half).map((e, k) => ({ line: half + k + 1, event_id: e.event_id, policy_hash: e.policy_hash })));
    const human = await runBin('policygate-replay', ['--policy', policyA, '--policy', policyC, '--audit-log', log]);
    expect(human.stdout).toMatch(/^ {2}under no given policy: +\d+$/m);
    expect(human.stdout).toContain(`unknown policy: line ${half + 1}, event ${events[half].event_id}: recorded under ${events[half].policy_hash.slice(0, 12)}…, none of the 2 policies given`);
    expect(human.stdout).not.toMatch(/^mismatch:/m);
  });
});

describe('policygate-replay size limits', () => {
  it('refuses an audit log over 256 MiB before reading it, with a clear message (exit 2)', async () => {
    const big = join(tmp.dir, 'huge.jsonl');
    writeFileSync(big, '');
    truncateSync(big, 256 * 2 ** 20 + 1); // sparse: no 256 MiB written
    const ran = await runBin('policygate-replay', ['--policy', POLICY, '--audit-log', big]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe(`policygate-replay: cannot read ${big}: it is 268,435,457 bytes, over the limit of 256 MiB for this input\n`);
  });
});

describe('policygate-replay errors: exit 2', () => {
  const expectError = (ran: Ran) => {
    expect(ran.code, ran.stderr).toBe(2);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).not.toMatch(/^\s+at /m);
    return ran.stderr;
  };

  it('names a missing audit log or policy file', async () => {
    const missing = join(tmp.dir, 'nope.jsonl');
    expect(expectError(await replay(missing))).toBe(`policygate-replay: file not found: ${missing}\n`);
    const noPolicy = join(tmp.dir, 'nope.yaml');
    expect(expectError(await runBin('policygate-replay', ['--policy', noPolicy, '--audit-log', REFERENCE]))).toBe(`policygate-replay: file not found: ${noPolicy}\n`);
  });

  it('gives the line and column of a policy error', async () => {
    const bad = write('bad.yaml', 'limits:\n  exposure:\n    max_position_pct: two\n');
    expect(expectError(await runBin('policygate-replay', ['--policy', bad, '--audit-log', REFERENCE]))).toMatch(
      /^policygate-replay: invalid policy in .*bad\.yaml:\n(.*\n)* {2}limits\.exposure\.max_position_pct \(line 3, column 23\): /,
    );
  });

  it('refuses a tolerance that is not a relative tolerance', async () => {
    for (const value of ['abc', '-1', '2', 'Infinity', '']) {
      expect(expectError(await replay(REFERENCE, `--tolerance=${value}`))).toContain('--tolerance must be a number ≥ 0 and < 1');
    }
  });

  it('explains a wrong command line', async () => {
    expect(expectError(await runBin('policygate-replay', ['--policy', POLICY]))).toContain('policygate-replay: missing --audit-log');
    expect(expectError(await runBin('policygate-replay', ['--audit', REFERENCE]))).toContain('unknown option --audit');
  });

  it('--help and --version exit 0', async () => {
    const help = await runBin('policygate-replay', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: policygate-replay --policy FILE.yaml \[--policy FILE.yaml …\] --audit-log FILE.jsonl \[--tolerance REL\] \[--json\]/);
    const { version } = JSON.parse(readFileSync(join(REPO, 'packages/policygate-capital/package.json'), 'utf8'));
    expect(await runBin('policygate-replay', ['--version'])).toEqual({ code: 0, stdout: `policygate-replay ${version}\n`, stderr: '' });
  });
});

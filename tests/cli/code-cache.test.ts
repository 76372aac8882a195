// policygate-eval's launcher (bin/policygate-eval.cjs) compiles the built script with the V8 code
// cache made at build. V8 checks only the script's length against the cache, so the launcher checks
// a checksum of every byte: a script changed after its cache was made (same length) must run as it
// now reads, never with the cached code of the old text. Runs copies of the real built files.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, REPO, binPath } from './cli.js';

const PKG = join(REPO, 'packages/policygate-capital');
const dir = mkdtempSync(join(tmpdir(), 'pg-code-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A copy of the launcher, the script and its cache, laid out as in the package.
function install(name: string, edit: (script: string) => string = (s) => s): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'dist/bin'), { recursive: true });
  copyFileSync(join(PKG, 'bin/policygate-eval.cjs'), join(root, 'bin/policygate-eval.cjs'));
  copyFileSync(join(PKG, 'dist/bin/policygate-eval.cache'), join(root, 'dist/bin/policygate-eval.cache'));
  writeFileSync(join(root, 'dist/bin/policygate-eval.cjs'), edit(readFileSync(join(PKG, 'dist/bin/policygate-eval.cjs'), 'utf8')));
  return join(root, 'bin/policygate-eval.cjs');
}

const seed = ['policy.yaml', 'intent.json', 'portfolio.json', 'market.json', 'execution.json'].flatMap((f) => [`--${f.split('.')[0]}`, join(EXAMPLES, f)]);
const run = (bin: string) => spawnSync(process.execPath, [bin, ...seed], { encoding: 'utf8' });

describe('policygate-eval with its code cache', () => {
  it('is the bin npm links, and gives the seed example’s MODIFY 25', () => {
    expect(binPath('policygate-eval')).toBe(join(PKG, 'bin/policygate-eval.cjs'));
    const r = run(install('as-built'));
    expect(r.status, r.stderr).toBe(0);
    const decision = JSON.parse(r.stdout);
    expect([decision.decision, decision.modified_intent.qty]).toEqual(['MODIFY', 25]);
    expect(decision.violations[0].message).toBe('Position 0.2000 breaches limit 0.0500.');
  });

  it('runs a script edited after its cache was made (same length) as it now reads', () => {
    // The message is built by code the build's warm-up run compiled, so it is in the cache.
    const bin = install('edited', (s) => {
      const message = /message: `Position (?=\$\{f4\(p\)\} breaches limit)/;
      expect(s).toMatch(message);
      return s.replace(message, 'message: `POSITION ');
    });
    const r = run(bin);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).violations[0].message).toBe('POSITION 0.2000 breaches limit 0.0500.');
  });

  it('runs without a cache, and with a cache that is not one', () => {
    const bin = install('no-cache');
    rmSync(join(dir, 'no-cache/dist/bin/policygate-eval.cache'));
    expect(JSON.parse(run(bin).stdout).modified_intent.qty).toBe(25);
    writeFileSync(join(dir, 'no-cache/dist/bin/policygate-eval.cache'), 'not a code cache');
    expect(JSON.parse(run(bin).stdout).modified_intent.qty).toBe(25);
  });
});

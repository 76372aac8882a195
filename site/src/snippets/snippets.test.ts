// The "use it from code" page shows these files; here each one runs on its runtime (real processes,
// the built package) and must print what its comments say it prints.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = fileURLToPath(new URL('../../../node_modules/.bin/', import.meta.url));
const policy = fileURLToPath(new URL('../../../tests/fixtures/conformance/reference-policy.yaml', import.meta.url));

// A scratch directory holding only policy.yaml, as a user's project would.
const cwd = mkdtempSync(join(tmpdir(), 'pgc-snippets-'));
copyFileSync(policy, join(cwd, 'policy.yaml'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** What the snippet's `console.log(...) // printed` comments promise, in order. */
function promised(file: string): string[] {
  return readFileSync(join(here, file), 'utf8')
    .split('\n')
    .flatMap((line) => {
      const m = /^\s*console\.log\(.*\);\s*\/\/ (.*)$/.exec(line);
      return m ? [m[1]!] : [];
    });
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('code snippets print what their comments say', () => {
  it.each([
    ['node.mjs', process.execPath, []],
    ['deno.ts', join(bin, 'deno'), ['run', '--no-remote', '--allow-read', '--allow-env=LOG_TOKENS,LOG_STREAM']],
    ['bun.ts', join(bin, 'bun'), ['run']],
  ] as const)('%s', async (file, command, args) => {
    const expected = promised(file);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const result = await run(command, [...args, join(here, file)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(expected);
  });
});

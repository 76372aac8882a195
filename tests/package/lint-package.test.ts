// The published package as tools see it: publint (package.json fields, exports, files) reports
// nothing, and are-the-types-wrong finds every entry's types for ESM consumers (node16 from ESM and
// bundlers; the package is ESM-only, so CommonJS `require` and node10 resolution are out of scope).
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { describe, expect, it } from 'vitest';
import { run } from '../runtimes/spawn.js';

const PKG = fileURLToPath(new URL('../../packages/policygate-capital/', import.meta.url));
const ATTW = fileURLToPath(new URL('../../node_modules/.bin/attw', import.meta.url));

describe('the package, linted', () => {
  it('publint: no errors, warnings or suggestions', async () => {
    const { messages } = await publint({ pkgDir: PKG, level: 'suggestion' });
    expect(messages).toEqual([]);
  });

  it('are-the-types-wrong (esm-only profile): no problem', async () => {
    const result = await run(ATTW, ['--pack', '.', '--profile', 'esm-only', '--format', 'json'], { cwd: PKG });
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{')));
    const problems = Object.values(report.problems as Record<string, { resolutionKind: string }[]>).flat();
    expect(problems.filter((p) => p.resolutionKind === 'node16-esm' || p.resolutionKind === 'bundler')).toEqual([]);
    expect(result.code).toBe(0);
  }, 120_000);
});

// The README's stateful-gate example must print what the README says it prints.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readmeSection } from '../package/readme-section.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('README: Stateful gate', () => {
  it('the example prints what the section shows (throttle, recovery after 60 s, kill switch trip and reset)', () => {
    const section = readmeSection('gate');
    const at = section.indexOf('<!-- readme-test:gate -->');
    expect(at).toBeGreaterThan(-1);
    const rest = section.slice(at);
    const code = /```js\n([\s\S]*?)```/.exec(rest)![1]!;
    const output = /```text\n([\s\S]*?)```/.exec(rest)![1]!;
    // Written inside the repository so that `policygate-capital` resolves to the workspace package.
    const dir = mkdtempSync(root + 'tests/readme/.run-gate-');
    try {
      writeFileSync(dir + '/gate.mjs', code);
      const printed = execFileSync(process.execPath, [dir + '/gate.mjs'], { cwd: root, encoding: 'utf8' });
      expect(printed).toBe(output);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

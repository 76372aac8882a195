// The stateful-gate page's example (/docs/gate/) must print what the page says it prints.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { docPage, markedBlocks } from '../package/readme-section.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('docs: Stateful gate', () => {
  it('the example prints what the section shows (throttle, recovery after 60 s, kill switch trip and reset)', () => {
    const [source, printed] = markedBlocks(docPage('gate'), 'gate');
    expect([source!.lang, printed!.lang]).toEqual(['js', 'text']);
    const [code, output] = [source!.code, printed!.code];
    // Written inside the repository so that `policygate-capital` resolves to the workspace package.
    const dir = mkdtempSync(root + 'tests/readme/.run-gate-');
    try {
      writeFileSync(dir + '/gate.mjs', code);
      const stdout = execFileSync(process.execPath, [dir + '/gate.mjs'], { cwd: root, encoding: 'utf8' });
      expect(stdout).toBe(output);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docs: Stateful gate under policy DSL v0.2', () => {
  it('the example prints what the section shows (order controls in maxQty, a duplicate, stale marks, a reduce-only exit)', () => {
    const [source, printed] = markedBlocks(docPage('gate'), 'gate-v02');
    expect([source!.lang, printed!.lang]).toEqual(['js', 'text']);
    const dir = mkdtempSync(root + 'tests/readme/.run-gate-v02-');
    try {
      writeFileSync(dir + '/gate.mjs', source!.code);
      const stdout = execFileSync(process.execPath, [dir + '/gate.mjs'], { cwd: root, encoding: 'utf8' });
      expect(stdout).toBe(printed!.code);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

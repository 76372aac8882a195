// The "Why this decision" page's example (/docs/explain/) must print what the page says it prints.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { docPage, markedBlocks } from '../package/readme-section.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('docs: Why this decision', () => {
  it('the example prints what the page shows (the AAPL override and its line, DENY not MODIFY, buy up to 25)', () => {
    const [source, printed] = markedBlocks(docPage('explain'), 'explain');
    expect([source!.lang, printed!.lang]).toEqual(['js', 'text']);
    // Written inside the repository so that `policygate-capital` resolves to the workspace package.
    const dir = mkdtempSync(root + 'tests/readme/.run-explain-');
    try {
      writeFileSync(dir + '/explain.mjs', source!.code);
      const stdout = execFileSync(process.execPath, [dir + '/explain.mjs'], { cwd: root, encoding: 'utf8' });
      expect(stdout).toBe(printed!.code);
      expect(stdout).toContain('overrides.symbols.AAPL.exposure.max_position_pct = 0.05 at line 29, column 9');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

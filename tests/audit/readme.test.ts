// The audit page's example (/docs/audit/) must print what the page says it prints.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { docPage, markedBlocks } from '../package/readme-section.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('docs: audit trail', () => {
  it('the example writes a durable log, replays it 3/3 and finds the edited line', () => {
    const [source, printed] = markedBlocks(docPage('audit'), 'audit');
    expect([source!.lang, printed!.lang]).toEqual(['js', 'text']);
    const [code, output] = [source!.code, printed!.code];
    // Inside the repository, so that `policygate-capital` resolves to the workspace package; the
    // example's relative paths (examples/policy.yaml, audit.jsonl) are taken from its own folder.
    const dir = mkdtempSync(root + 'tests/audit/.run-');
    try {
      mkdirSync(dir + '/examples');
      copyFileSync(root + 'examples/policy.yaml', dir + '/examples/policy.yaml');
      writeFileSync(dir + '/audit-example.mjs', code);
      const printed = execFileSync(process.execPath, [dir + '/audit-example.mjs'], { cwd: dir, encoding: 'utf8' });
      expect(printed).toBe(output);
      expect(readFileSync(dir + '/audit.jsonl', 'utf8').split('\n')).toHaveLength(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

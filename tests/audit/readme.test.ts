// The README's audit example must print what the README says it prints.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(root + 'README.md', 'utf8');

describe('README, audit trail', () => {
  it('the example writes a durable log, replays it 3/3 and finds the edited line', () => {
    const at = readme.indexOf('<!-- readme-test:audit -->');
    expect(at).toBeGreaterThan(-1);
    const rest = readme.slice(at);
    const code = /```js\n([\s\S]*?)```/.exec(rest)![1]!;
    const output = /```text\n([\s\S]*?)```/.exec(rest)![1]!;
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

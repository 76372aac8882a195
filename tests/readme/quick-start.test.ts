// The README's quick start must print what the README says it prints.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(root + 'README.md', 'utf8');

/** The code block after `<!-- readme-test:NAME -->` and the ```text block that follows it. */
function example(name: string): { code: string; output: string } {
  const at = readme.indexOf(`<!-- readme-test:${name} -->`);
  expect(at, `README marker readme-test:${name}`).toBeGreaterThan(-1);
  const rest = readme.slice(at);
  const code = /```js\n([\s\S]*?)```/.exec(rest)![1]!;
  const output = /```text\n([\s\S]*?)```/.exec(rest)![1]!;
  return { code, output };
}

describe('README', () => {
  it("quick start prints what it says (MODIFY 25, not the seed README's 50)", () => {
    const { code, output } = example('quick-start');
    // Written inside the repository so that `policygate-capital` resolves to the workspace package.
    const dir = mkdtempSync(root + 'tests/readme/.run-');
    try {
      writeFileSync(dir + '/quick-start.mjs', code);
      const printed = execFileSync(process.execPath, [dir + '/quick-start.mjs'], { cwd: root, encoding: 'utf8' });
      expect(printed).toBe(output);
      expect(output.split('\n')[1]).toBe('25');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts with the two commands a new user needs', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(firstBlock).toMatch(/^npm install && npm start\b/m);
    expect(firstBlock).toMatch(/^npm test\b/m);
  });
});

describe('the package README (shown on npm)', () => {
  it('quick start prints what it says', () => {
    const pkgReadme = readFileSync(root + 'packages/policygate-capital/README.md', 'utf8');
    const at = pkgReadme.indexOf('<!-- readme-test:package-quick-start -->');
    expect(at).toBeGreaterThan(-1);
    const code = /```js\n([\s\S]*?)```/.exec(pkgReadme.slice(at))![1]!;
    const output = /```text\n([\s\S]*?)```/.exec(pkgReadme.slice(at))![1]!;
    const dir = mkdtempSync(root + 'tests/readme/.run-');
    try {
      writeFileSync(dir + '/quick-start.mjs', code);
      writeFileSync(dir + '/policy.yaml', readFileSync(root + 'examples/policy.yaml', 'utf8'));
      const printed = execFileSync(process.execPath, [dir + '/quick-start.mjs'], { cwd: dir, encoding: 'utf8' });
      expect(printed).toBe(output);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not tell npm users to run the monorepo commands', () => {
    const pkgReadme = readFileSync(root + 'packages/policygate-capital/README.md', 'utf8');
    expect(pkgReadme).not.toMatch(/npm start/);
    expect(pkgReadme).toMatch(/npm install policygate-capital/);
  });
});

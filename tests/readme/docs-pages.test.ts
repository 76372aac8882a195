// The documentation pages' own examples: the getting-started quick start prints what the page says,
// the policy page's seed policy is examples/policy.yaml byte for byte and its v0.2 sample is a valid
// v0.2 policy, and the READMEs stay front doors (≤ 10,000 bytes) that link to the site.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PolicyEngine } from 'policygate-capital';
import { describe, expect, it } from 'vitest';
import { docPage, markedBlocks } from '../package/readme-section.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('docs: getting started', () => {
  it('the quick start prints what the page shows (MODIFY 25)', () => {
    const [source, printed] = markedBlocks(docPage('getting-started'), 'quick-start');
    expect([source!.lang, printed!.lang]).toEqual(['js', 'text']);
    const dir = mkdtempSync(root + 'tests/readme/.run-docs-');
    try {
      writeFileSync(dir + '/quick-start.mjs', source!.code);
      const stdout = execFileSync(process.execPath, [dir + '/quick-start.mjs'], { cwd: root, encoding: 'utf8' });
      expect(stdout).toBe(printed!.code);
      expect(stdout.split('\n').slice(0, 2)).toEqual(['MODIFY', '25']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docs: policy DSL', () => {
  it('shows the seed policy exactly as examples/policy.yaml holds it, and it loads', async () => {
    const [yaml] = markedBlocks(docPage('policy'), 'seed-policy', 1);
    expect(yaml!.code).toBe(readFileSync(root + 'examples/policy.yaml', 'utf8'));
    const engine = await PolicyEngine.fromYaml(yaml!.code);
    expect(engine.policyHash).toBe('656efd27a605065d8d30b768ed1a2ceee1722046b48fb7846a5eaf7c1c8f9a68');
  });

  // Needs an engine that implements the policy DSL v0.2.
  it('shows a v0.2 sample that loads as a v0.2 policy', async () => {
    const [yaml] = markedBlocks(docPage('policy'), 'v02-policy', 1);
    const engine = await PolicyEngine.fromYaml(yaml!.code);
    expect(engine.policy.version).toBe('0.2');
  });
});

describe('the READMEs are front doors', () => {
  it.each(['README.md', 'packages/policygate-capital/README.md'])('%s is at most 10,000 bytes and links to the docs site', (file) => {
    expect(statSync(root + file).size).toBeLessThanOrEqual(10_000);
    expect(readFileSync(root + file, 'utf8')).toMatch(/\/docs\/getting-started\//);
  });
});

// The docs' rules and runtimes pages (the old /rules/ and /code/ addresses redirect to them); the
// bundled browser example of the runtimes page runs in Chromium.
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';
import { RULE_IDS } from 'policygate-capital';
import { REFERENCE_POLICY } from '../../site/src/lib/presets';
import { docPage, markedBlocks, runtimeExamples } from '../package/readme-section';
import { expectDecision, screenshot } from './helpers';

test('the rules page lists every rule, and its links open presets that trigger them', async ({ page }, testInfo) => {
  await page.goto('/rules/'); // the old address
  await expect(page).toHaveURL(/\/docs\/rules\/$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Rules' })).toBeVisible();
  for (const id of [...RULE_IDS, 'SYS-003', 'EXEC-003', 'ORD-001', 'ORD-002', 'ORD-003', 'ORD-004', 'ORD-005']) {
    await expect(page.locator(`section.rule[id="${id}"]`)).toBeVisible();
  }
  await screenshot(page, testInfo, 'rules-page');

  await page
    .locator('section.rule[id="EXP-001"]')
    .getByRole('link', { name: /Try it/ })
    .click();
  await expect(page).toHaveURL(/\/#(preset=position-cap|w=)/);
  await expectDecision(page, { decision: 'MODIFY', rules: ['EXP-001'], killSwitchTriggered: false, modifiedQty: 25, intentId: 'order-position-cap' });
});

test('the runtimes page shows the tested examples for Node, Deno, Bun and the browser', async ({ page }, testInfo) => {
  await page.goto('/code/'); // the old address
  await expect(page).toHaveURL(/\/docs\/runtimes\/$/);
  for (const name of ['Node 20+', 'Deno 2', 'Bun', 'Browser, without a bundler', 'With a bundler']) {
    await expect(page.getByRole('heading', { level: 2, name, exact: true })).toBeVisible();
  }
  const shown = (await page.locator('main pre').allInnerTexts()).join('\n');
  for (const example of runtimeExamples(docPage('runtimes'))) {
    // Every line of each example is on the page (the first-line file name comment becomes the block's title).
    for (const line of example.source.code.split('\n').filter((l) => l.trim() && !/^\/\/ [\w-]+\.\w+$/.test(l))) expect(shown).toContain(line.trim());
  }
  await screenshot(page, testInfo, 'code-page');
});

test.describe('in Chromium', () => {
  // page.route does not see a service worker's fetches; this test is about the snippet, not offline.
  test.use({ serviceWorkers: 'block' });

  test('the bundled browser example prints what it says', async ({ page }) => {
    const [source] = markedBlocks(docPage('runtimes'), 'bundled browser.ts', 1);
    // Bundled as a user's bundler would (esbuild: the bundler under Astro's and Vitest's Vite).
    const bundle = await build({
      stdin: { contents: source!.code, loader: 'ts', resolveDir: process.cwd() },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const expected = [...source!.code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
    expect(expected).toEqual(['ALLOW']);
    await page.route('**/policy.yaml', (route) => route.fulfill({ body: REFERENCE_POLICY, contentType: 'application/yaml' }));
    await page.goto('/docs/runtimes/');
    const logs: string[] = [];
    page.on('console', (m) => logs.push(`${m.type()}:${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror:${e.message}`));
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text, type: 'module' });
    await expect.poll(() => logs).toContain(`log:${expected[0]}`);
    expect(logs.filter((l) => !l.startsWith('log:'))).toEqual([]);
  });
});

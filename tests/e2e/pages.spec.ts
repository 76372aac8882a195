// The rules reference and the "use it from code" page; the browser snippet runs in Chromium.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';
import { RULE_IDS } from 'policygate-capital';
import { REFERENCE_POLICY } from '../../site/src/lib/presets';
import { expectDecision, screenshot } from './helpers';

const snippet = (name: string) => fileURLToPath(new URL(`../../site/src/snippets/${name}`, import.meta.url));

test('the rules reference lists every rule, and its links open presets that trigger them', async ({ page }, testInfo) => {
  await page.goto('/rules/');
  await expect(page.getByRole('heading', { level: 1, name: 'Rules reference' })).toBeVisible();
  for (const id of RULE_IDS) await expect(page.locator(`section.rule[id="${id}"]`)).toBeVisible();
  await screenshot(page, testInfo, 'rules-page');

  await page.locator('section.rule[id="EXP-001"]').getByRole('link', { name: /Try it/ }).click();
  await expect(page).toHaveURL(/\/#(preset=position-cap|w=)/);
  await expectDecision(page, { decision: 'MODIFY', rules: ['EXP-001'], killSwitchTriggered: false, modifiedQty: 25, intentId: 'order-position-cap' });
});

test('the code page shows the tested snippets for Node, Deno, Bun and the browser', async ({ page }, testInfo) => {
  await page.goto('/code/');
  for (const [id, file] of [
    ['node', 'node.mjs'],
    ['deno', 'deno.ts'],
    ['bun', 'bun.ts'],
    ['browser', 'browser.ts'],
  ] as const) {
    const section = page.locator(`section[id="${id}"]`);
    await expect(section).toBeVisible();
    const shown = await section.locator('pre').nth(1).innerText();
    expect(shown.trim()).toBe(readFileSync(snippet(file), 'utf8').trim());
  }
  await screenshot(page, testInfo, 'code-page');
});

test.describe('in Chromium', () => {
  // page.route does not see a service worker's fetches; this test is about the snippet, not offline.
  test.use({ serviceWorkers: 'block' });

  test('the browser snippet prints what it says', async ({ page }) => {
    // Bundled as a user's bundler would (esbuild: the bundler under Astro's and Vitest's Vite).
    const bundle = await build({ entryPoints: [snippet('browser.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
    const expected = [...readFileSync(snippet('browser.ts'), 'utf8').matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
    expect(expected).toEqual(['ALLOW']);
    await page.route('**/policy.yaml', (route) => route.fulfill({ body: REFERENCE_POLICY, contentType: 'application/yaml' }));
    await page.goto('/code/');
    const logs: string[] = [];
    page.on('console', (m) => logs.push(`${m.type()}:${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror:${e.message}`));
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text, type: 'module' });
    await expect.poll(() => logs).toContain(`log:${expected[0]}`);
    expect(logs.filter((l) => !l.startsWith('log:'))).toEqual([]);
  });
});

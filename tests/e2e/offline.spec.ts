// Works offline once loaded: the service worker precaches the built site.
import { expect, test } from '@playwright/test';
import { findPreset } from '../../site/src/lib/presets';
import { expectDecision, openPlayground, screenshot } from './helpers';

test('after one visit the playground and its pages work with the network off', async ({ page, context }, testInfo) => {
  await openPlayground(page);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const cached = await page.evaluate(async () => (await Promise.all((await caches.keys()).map(async (k) => (await (await caches.open(k)).keys()).length))).reduce((a, b) => a + b, 0));
  expect(cached).toBeGreaterThanOrEqual(5);

  const logs: string[] = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => logs.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  await context.setOffline(true);
  try {
    expect(
      await page.evaluate(() =>
        fetch('/', { cache: 'no-store' }).then(
          () => 'cached',
          () => 'failed',
        ),
      ),
    ).toBe('cached');
    await page.reload();
    await expect(page.getByTestId('decision-badge')).toBeVisible(); // hydrated from the cache, and evaluated
    await expect(page.getByText('You are offline; the playground still works.')).toBeVisible();
    const drawdown = findPreset('drawdown')!;
    await page.locator('button[data-preset="drawdown"]').click();
    await expectDecision(page, { ...drawdown.expect, intentId: 'order-drawdown', policyText: drawdown.workspace.policy }).catch((e: Error) => {
      throw new Error(`${e.message}\nbrowser log while offline:\n${logs.join('\n')}`);
    });
    await screenshot(page, testInfo, 'offline-playground');

    // The docs pages are precached too.
    await page.getByRole('link', { name: 'Rules reference' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Rules' })).toBeVisible();
    await expect(page.locator('section.rule[id="ORD-001"]')).toBeVisible();
    await page.goto('/docs/runtimes/');
    await expect(page.getByRole('heading', { level: 1, name: 'Runtimes and bundlers' })).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
});

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

  await context.setOffline(true);
  try {
    expect(await page.evaluate(() => fetch('/', { cache: 'no-store' }).then(() => 'cached', () => 'failed'))).toBe('cached');
    await page.reload();
    await expect(page.getByText('You are offline; the playground still works.')).toBeVisible();
    const drawdown = findPreset('drawdown')!;
    await page.locator('button[data-preset="drawdown"]').click();
    await expectDecision(page, { ...drawdown.expect, intentId: 'order-drawdown', policyText: drawdown.workspace.policy });
    await screenshot(page, testInfo, 'offline-playground');

    await page.getByRole('link', { name: 'Rules reference' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Rules reference' })).toBeVisible();
    await page.getByRole('link', { name: 'Use it from code' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Use it from code' })).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
});

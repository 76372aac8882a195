// The whole workspace travels in the URL: a fresh browser restores the same decision.
import { expect, test } from '@playwright/test';
import { PRESETS } from '../../site/src/lib/presets';
import { editLine, editor, expectDecision, openPlayground, screenshot, sha256 } from './helpers';

test('a shared URL restores the same workspace and decision in a fresh page', async ({ page, browser }, testInfo) => {
  await openPlayground(page, '#preset=position-cap');
  const policy = PRESETS.find((p) => p.id === 'position-cap')!.workspace.policy;
  await expectDecision(page, { decision: 'MODIFY', rules: ['EXP-001'], killSwitchTriggered: false, modifiedQty: 25 });

  // Loosen AAPL's cap from 5% to 8%: the same order is now cut to 40, not 25.
  const before = page.url();
  await editLine(page, 'policy', 'max_position_pct: 0.05', 'max_position_pct: 0.08    # looser for this test');
  const edited = policy.replace('max_position_pct: 0.05    # tighter limit for AAPL', 'max_position_pct: 0.08    # looser for this test');
  await expectDecision(page, { decision: 'MODIFY', rules: ['EXP-001'], killSwitchTriggered: false, modifiedQty: 40, policyText: edited });
  await expect.poll(() => page.url()).not.toBe(before);
  // The button copies the same link the address bar shows.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy share link' }).click();
  await expect(page.getByText('Link copied to the clipboard.')).toBeVisible();
  const shared = await page.evaluate(() => navigator.clipboard.readText());
  expect(shared).toBe(page.url());
  expect(new URL(shared).hash).toMatch(/^#w=1[A-Za-z0-9_-]+$/);
  expect(shared).not.toContain('max_position_pct'); // compressed, not plain text

  // A brand-new browser context: no storage, no cache, nothing but the URL.
  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await other.goto(shared);
    await expectDecision(other, { decision: 'MODIFY', rules: ['EXP-001'], killSwitchTriggered: false, modifiedQty: 40, policyText: edited });
    await expect(editor(other, 'policy')).toContainText('max_position_pct: 0.08    # looser for this test');
    await expect(other.locator('button[data-preset][aria-pressed="true"]')).toHaveCount(0);
    await expect(other.getByTestId('policy-hash')).toHaveText(sha256(edited));
    await screenshot(other, testInfo, 'shared-url-restored');
  } finally {
    await fresh.close();
  }

  // Pasting a link into a tab that is already open (only the fragment changes) restores it too.
  await page.locator('button[data-preset="small-buy"]').click();
  await expectDecision(page, { ...PRESETS[0]!.expect, intentId: 'order-small-buy' });
  await page.goto(shared);
  await expectDecision(page, { decision: 'MODIFY', rules: ['EXP-001'], killSwitchTriggered: false, modifiedQty: 40, policyText: edited });
});

test('a damaged shared URL says so and falls back to the first preset', async ({ page }, testInfo) => {
  await page.goto('/#w=1AAAA-not-deflate');
  await expect(page.getByTestId('link-problem')).toContainText("This link's workspace could not be restored");
  await expectDecision(page, { ...PRESETS[0]!.expect, intentId: `order-${PRESETS[0]!.id}` });
  await screenshot(page, testInfo, 'shared-url-damaged');
});

test('a v0.2 preset travels in a shared URL and comes back as that preset', async ({ page, browser }) => {
  const preset = PRESETS.find((p) => p.id === 'reduce-only')!;
  await openPlayground(page, '#preset=reduce-only');
  await expectDecision(page, { ...preset.expect, intentId: 'order-reduce-only', policyText: preset.workspace.policy });
  await expect.poll(() => new URL(page.url()).hash).toMatch(/^#w=1[A-Za-z0-9_-]+$/);
  const shared = page.url();
  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await other.goto(shared);
    await expectDecision(other, { ...preset.expect, intentId: 'order-reduce-only', policyText: preset.workspace.policy });
    await expect(other.locator('button[data-preset="reduce-only"]')).toHaveAttribute('aria-pressed', 'true');
    await expect(editor(other, 'policy')).toContainText('reduce_only: true');
    await expect(other.getByText(preset.story)).toBeVisible();
  } finally {
    await fresh.close();
  }
});

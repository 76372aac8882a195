// "Why this decision" and "What you can do now" (issue 19): the explanation names the policy
// section and line of each limit and moves the policy editor there; "buy up to N" is an order the
// policy allows as it is, and one lot more breaks the rule it names; the DENY-not-MODIFY reason; the
// gauges of a MODIFY's reduced order; the order-rate and kill-switch gauges. At desktop and phone sizes.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { findPreset } from '../../site/src/lib/presets';
import { editLine, expectDecision, openPlayground, screenshot } from './helpers';

const seed = findPreset('position-cap')!;
/** The line of the AAPL override's max_position_pct in the seed policy (1-based). */
const capLine = seed.workspace.policy.split('\n').findIndex((l) => l.includes('max_position_pct: 0.05')) + 1;

const SIZES = [
  { name: 'desktop', width: 1440, height: 1000 },
  { name: 'phone', width: 390, height: 844 },
] as const;

const activePolicyLine = (page: Page) => page.locator('[data-editor-panel="policy"] .cm-activeLine');

for (const size of SIZES) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.use({ viewport: { width: size.width, height: size.height }, ...(size.name === 'phone' ? { isMobile: true, hasTouch: true } : {}) });

    test('"buy up to N" then "use this quantity" gives ALLOW with exactly N; N + 1 lot names the binding rule', async ({ page }, testInfo) => {
      await openPlayground(page, '#preset=position-cap');
      await expectDecision(page, seed.expect);
      const buy = page.getByTestId('can-buy');
      await expect(buy).toHaveAttribute('data-qty', '25');
      await expect(page.getByTestId('can-buy-qty')).toHaveText('25');
      await expect(page.getByTestId('can-buy-binding')).toHaveText('EXP-001');
      await expect(buy).toContainText('max_position_pct 5.00%');
      await page.getByTestId('use-buy').click();
      await expectDecision(page, { decision: 'ALLOW', rules: [], killSwitchTriggered: false });
      await expect(page.getByTestId('requested-qty')).toHaveText('25');
      // Nothing is left to buy at 25: the next lot is the binding rule's.
      await editLine(page, 'intent', '"qty": 25', '"qty": 26,');
      await expectDecision(page, { decision: 'MODIFY', rules: ['EXP-001'], killSwitchTriggered: false, modifiedQty: 25 });
      await screenshot(page, testInfo, `${size.name}-explain-n-plus-one`);
    });

    test('the seed example names overrides.symbols.AAPL.exposure and its line, and the link moves the policy editor there', async ({ page }, testInfo) => {
      await openPlayground(page, '#preset=position-cap');
      const why = page.getByTestId('why');
      await expect(why.getByTestId('why-outcome')).toHaveAttribute('data-reason', 'reduced');
      const row = why.locator('[data-testid="why-violations"] > li[data-rule="EXP-001"]');
      await expect(row.getByTestId('why-section').first()).toHaveText('overrides.symbols.AAPL.exposure');
      const link = row.getByTestId('source-link').first();
      await expect(link).toHaveAttribute('data-path', 'overrides.symbols.AAPL.exposure.max_position_pct');
      await expect(link).toHaveText(`line ${capLine}:9`);
      await expect(activePolicyLine(page)).not.toContainText('max_position_pct: 0.05');
      await link.click();
      await expect(page.locator('[data-editor-panel="policy"] .cm-content')).toBeFocused();
      await expect(activePolicyLine(page)).toContainText('max_position_pct: 0.05');
      await expect(page.locator('[data-editor-panel="policy"] .cm-activeLineGutter')).toHaveText(String(capLine));
      await expect(activePolicyLine(page)).toBeInViewport();
      await screenshot(page, testInfo, `${size.name}-explain-goto-line`);
    });
  });
}

test('DENY, not MODIFY: EXP-001 allows 23.5 but LOSS-002 fired too, and the reason quotes the decision rule', async ({ page }) => {
  await openPlayground(page, '#preset=position-cap');
  await editLine(page, 'portfolio', '"equity": 100000', '"equity": 94000,');
  await editLine(page, 'portfolio', '"start_of_day_equity"', '"start_of_day_equity": 95000,');
  await expectDecision(page, { decision: 'DENY', rules: ['LOSS-002', 'EXP-001'], killSwitchTriggered: true });
  const outcome = page.getByTestId('why-outcome');
  await expect(outcome).toHaveAttribute('data-reason', 'deny-not-modify');
  await expect(outcome).toContainText('DENY, not MODIFY: EXP-001 alone would reduce the order to 23.5, but LOSS-002 also fired');
  await expect(outcome).toContainText('all violations are EXP-001 and allowed_qty > 0 → MODIFY');
  await expect(page.getByTestId('why-kill-switch')).toContainText('limits.kill_switch');
  // Every order is blocked whatever its size: no quantity to offer.
  await expect(page.getByTestId('can-buy')).toHaveAttribute('data-blocked', 'LOSS-002');
  await expect(page.getByTestId('use-buy')).toHaveCount(0);
});

test('a MODIFY shows the gauges of the modified order beside the requested one, with headroom in money and shares', async ({ page }) => {
  await openPlayground(page, '#preset=position-cap');
  const requested = page.locator('[data-testid="gauges"] [data-metric="new_position_pct"]');
  const modified = page.locator('[data-testid="gauges-modified"] [data-metric="new_position_pct"]');
  await expect(requested).toHaveAttribute('data-status', 'breach');
  await expect(requested).toContainText('20.00% / limit 5.00%');
  await expect(requested.getByTestId('gauge-money')).toHaveText('over by 15,000.00 ≈ 75 units');
  await expect(modified).toHaveAttribute('data-status', 'headroom');
  await expect(modified).toContainText('5.00% / limit 5.00%');
  await expect(modified.getByTestId('gauge-money')).toHaveText('at the limit');
  await expect(page.locator('[data-testid="gauges-modified"] [data-metric="gross_exposure_x"] [data-testid="gauge-money"]')).toHaveText('headroom 195,000.00 ≈ 975 units');
});

test('the rate-limit and kill-switch presets show their own gauge in breach, not only green ones', async ({ page }) => {
  await openPlayground(page, '#preset=rate-limit');
  await expectDecision(page, { ...findPreset('rate-limit')!.expect, intentId: 'order-rate-limit' });
  const strategy = page.locator('[data-testid="state-gauges"] [data-metric="orders_last_60s_strategy"]');
  await expect(strategy).toHaveAttribute('data-status', 'breach');
  await expect(strategy).toContainText('10 in the last 60 s / limit 10 / min');
  await expect(page.locator('[data-testid="state-gauges"] [data-metric="orders_last_60s_global"]')).toHaveAttribute('data-status', 'headroom');
  await expect(page.locator('[data-testid="why-violations"] [data-rule="EXEC-002"] [data-testid="source-link"]')).toHaveAttribute('data-path', 'limits.execution.max_orders_per_minute_by_strategy');

  await page.locator('button[data-preset="kill-switch-active"]').click();
  await expectDecision(page, { ...findPreset('kill-switch-active')!.expect, intentId: 'order-kill-switch-active' });
  const kill = page.locator('[data-testid="state-gauges"] [data-metric="kill_switch"]');
  await expect(kill).toHaveAttribute('data-status', 'breach');
  await expect(kill).toContainText('ACTIVE');
  await expect(page.locator('[data-testid="why-violations"] [data-rule="KILL-001"]')).toContainText('execution.kill_switch_active');
});

test('a screenshot of the new views for the docs page', async ({ page }, testInfo) => {
  // Tall enough for the whole decision panel (it scrolls on its own beside the editors).
  await page.setViewportSize({ width: 1440, height: 3200 });
  await openPlayground(page, '#preset=position-cap');
  await expect(page.getByTestId('gauges-modified')).toBeVisible();
  await expect(page.getByTestId('why')).toBeVisible();
  await screenshot(page, testInfo, 'explain-full-page', true);
  const path = fileURLToPath(new URL('./artifacts/explain-workbench.png', import.meta.url));
  await page.getByTestId('decision').screenshot({ path });
  // The docs page shows the committed copy (site/public/screenshots/explain-workbench.png); set
  // UPDATE_SCREENSHOTS=1 to replace it with this run's.
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    const dir = fileURLToPath(new URL('../../site/public/screenshots/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    copyFileSync(path, `${dir}explain-workbench.png`);
  }
});

test('the docs page opens from the sidebar and shows the screenshot of the new views', async ({ page }) => {
  await page.goto('/docs/explain/');
  await expect(page.getByRole('heading', { level: 1, name: 'Why this decision', exact: true })).toBeVisible();
  await expect(page.locator('nav a[href="/docs/explain/"]').first()).toBeAttached();
  const image = page.locator('main img[src="/screenshots/explain-workbench.png"]');
  await expect(image).toBeVisible();
  expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
});

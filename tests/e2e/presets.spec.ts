// Every preset shows the decision it promises, computed by the real engine in the browser.
import { expect, test, type Page } from '@playwright/test';
import { evaluateWorkspace } from '../../site/src/lib/evaluate-workspace';
import { PRESETS, type Preset } from '../../site/src/lib/presets';
import { expectDecision, openPlayground, screenshot } from './helpers';

// The gauge that watches each rule's metric.
const METRIC_OF: Record<string, string> = {
  'LOSS-001': 'daily_return',
  'LOSS-002': 'drawdown',
  'EXP-001': 'new_position_pct',
  'EXP-002': 'gross_exposure_x',
  'EXP-003': 'net_exposure_x',
  'ORD-001': 'order_qty',
  'ORD-002': 'order_notional',
  'ORD-003': 'limit_price_deviation',
};

// Rules that deny before any metric is computed: no evidence, no gauges.
const NO_EVIDENCE = ['SYS-001', 'SYS-003'];

/** The gauges on the page: metric → status, in page order. */
async function gaugeStatuses(page: Page): Promise<[string, string][]> {
  return page.locator('[data-testid="gauges"] [data-metric]').evaluateAll((items) => items.map((g) => [g.getAttribute('data-metric')!, g.getAttribute('data-status')!] as [string, string]));
}

const gaugeOf = (page: Page, metric: string) => page.locator(`[data-testid="gauges"] [data-metric="${metric}"]`);

async function choose(page: Page, preset: Preset): Promise<void> {
  await page.locator(`button[data-preset="${preset.id}"]`).click();
  await expect(page.locator(`button[data-preset="${preset.id}"]`)).toHaveAttribute('aria-pressed', 'true');
  await expectDecision(page, { ...preset.expect, intentId: `order-${preset.id}`, policyText: preset.workspace.policy });
}

test('each preset shows its decision, violations, kill switch, hash and gauges', async ({ page }, testInfo) => {
  await openPlayground(page);
  for (const preset of PRESETS) {
    await test.step(preset.id, async () => {
      await choose(page, preset);
      await expect(page.getByText(preset.story)).toBeVisible();

      if (preset.expect.rules.some((r) => NO_EVIDENCE.includes(r))) {
        await expect(page.getByTestId('no-evidence')).toBeVisible();
        await expect(page.getByTestId('no-evidence')).toContainText(preset.expect.rules[0]!);
      } else {
        // One gauge per evidence item the engine gives (v0.2 items only when their limit is set), in its order.
        const result = await evaluateWorkspace(preset.workspace);
        if (!result.ok) throw new Error(`preset ${preset.id} has errors`);
        const statuses = await gaugeStatuses(page);
        expect(statuses.map(([metric]) => metric)).toEqual(result.decision.evidence.map((e) => e.metric));
        expect(statuses.length).toBe(preset.group === '0.2' ? (preset.id === 'futures-multiplier' ? 8 : 9) : 5);
        const breached = Object.entries(METRIC_OF)
          .filter(([rule]) => preset.expect.rules.includes(rule))
          .map(([, metric]) => metric);
        for (const [metric, status] of statuses) {
          if (breached.includes(metric)) expect(status, metric).toBe('breach');
          else expect(status, metric).not.toBe('breach');
        }
        // The de-risking sell: the position is still over its cap, but the order lowers it.
        if (preset.id === 'de-risking-sell') expect(Object.fromEntries(statuses).new_position_pct).toBe('reducing');
      }
      await screenshot(page, testInfo, `preset-${preset.id}`);
    });
  }
});

test('the v0.2 gauges show what the order really is', async ({ page }, testInfo) => {
  await openPlayground(page, '#preset=fat-finger');
  const find = (id: string) => PRESETS.find((p) => p.id === id)!;

  await test.step('fat finger: the size against its limit; a market order has no limit price deviation', async () => {
    await expectDecision(page, { ...find('fat-finger').expect, intentId: 'order-fat-finger' });
    await expect(gaugeOf(page, 'order_qty')).toContainText('10,000 / limit 1,000');
    await expect(gaugeOf(page, 'order_qty')).toContainText('over by 9,000');
    await expect(gaugeOf(page, 'order_notional')).toContainText('120,000.00 / limit 250,000.00');
    await expect(gaugeOf(page, 'limit_price_deviation')).toHaveAttribute('data-status', 'not-applicable');
    await expect(gaugeOf(page, 'limit_price_deviation')).toContainText('not a priced limit order');
    await expect(gaugeOf(page, 'price_age_seconds')).toContainText('0 s old / limit 5 s');
    await expect(page.getByRole('meter', { name: /^Limit price past the market: not a priced limit order/ })).toBeVisible();
  });

  await test.step('price collar: the limit price 10% past the market, against a 5% collar', async () => {
    await choose(page, find('price-collar'));
    await expect(gaugeOf(page, 'limit_price_deviation')).toHaveAttribute('data-status', 'breach');
    await expect(gaugeOf(page, 'limit_price_deviation')).toContainText('10.00% past the market / limit 5.00%');
  });

  await test.step('ES future: every exposure gauge counts the 50x multiplier', async () => {
    await choose(page, find('futures-multiplier'));
    await expect(gaugeOf(page, 'new_position_pct')).toContainText('15.00% / limit 10.00%');
    await expect(gaugeOf(page, 'gross_exposure_x')).toContainText('0.15×');
    await expect(gaugeOf(page, 'order_notional')).toContainText('750,000.00 / limit 1,000,000.00');
    // The ES order override sets no price collar: no deviation gauge at all.
    await expect(gaugeOf(page, 'limit_price_deviation')).toHaveCount(0);
    await expect(page.getByTestId('modified-qty')).toHaveText('2');
    await screenshot(page, testInfo, 'v02-futures-multiplier-gauges');
  });

  await test.step('reduce-only: the drawdown is past its limit, and the closing sell still passes', async () => {
    await choose(page, find('reduce-only'));
    await expect(gaugeOf(page, 'drawdown')).toHaveAttribute('data-status', 'reducing');
    await expect(gaugeOf(page, 'drawdown')).toContainText('reduce-only lets this order through');
    await expect(page.locator('[data-editor-panel="execution"] .cm-content')).toContainText('"kill_switch_active": true');
  });

  await test.step('whole lots: the MODIFY is a whole number of shares', async () => {
    await choose(page, find('whole-lots'));
    await expect(page.getByTestId('modified-qty')).toHaveText('190');
  });
});

for (const viewport of [
  { width: 390, height: 844, name: 'phone' },
  { width: 1440, height: 1000, name: 'desktop' },
]) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height }, ...(viewport.name === 'phone' ? { isMobile: true, hasTouch: true } : {}) });

    test('every preset button is reachable on screen, and a v0.2 preset is readable without sideways scrolling', async ({ page }, testInfo) => {
      // The last v0.2 preset, opened from a link: its button is brought into view, in its row on a phone.
      await openPlayground(page, '#preset=odd-lot');
      await expectDecision(page, { ...PRESETS.find((p) => p.id === 'odd-lot')!.expect, intentId: 'order-odd-lot' });
      const pressed = await page.locator('button[data-preset="odd-lot"]').boundingBox();
      expect(pressed!.x).toBeGreaterThanOrEqual(0);
      expect(pressed!.x + pressed!.width).toBeLessThanOrEqual(viewport.width);
      expect(pressed!.y + pressed!.height).toBeLessThanOrEqual(viewport.height);
      // The page never scrolls sideways (on a phone only the preset rows do), and the decision is on the first screen.
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      // On a phone that is the sticky decision bar (it takes the first lines of the screen, so the
      // full badge may start just below it); on a laptop the decision panel's badge.
      const shown = page.getByTestId(viewport.name === 'phone' ? 'decision-bar-badge' : 'decision-badge');
      await expect(shown).toHaveText(PRESETS.find((p) => p.id === 'odd-lot')!.expect.decision);
      const badge = await shown.boundingBox();
      expect(badge!.x + badge!.width).toBeLessThanOrEqual(viewport.width);
      expect(badge!.y + badge!.height).toBeLessThanOrEqual(viewport.height);
      await expect(page.getByRole('heading', { name: /DSL v0\.2/ })).toBeVisible();
      await screenshot(page, testInfo, `${viewport.name}-v02-odd-lot`);

      // Every preset button can be brought into view (its row scrolls on a phone), whole: inside its
      // row's visible part and inside the screen.
      for (const preset of PRESETS) {
        const button = page.locator(`button[data-preset="${preset.id}"]`);
        await button.evaluate((el) => el.scrollIntoView({ block: 'nearest', inline: 'nearest' }));
        const [box, row] = await Promise.all([button.boundingBox(), button.locator('xpath=ancestor::ul[1]').boundingBox()]);
        expect(box!.x, preset.id).toBeGreaterThanOrEqual(Math.max(0, row!.x) - 0.5);
        expect(box!.x + box!.width, preset.id).toBeLessThanOrEqual(Math.min(viewport.width, row!.x + row!.width) + 0.5);
      }
      await page.locator('button[data-preset="duplicate-order"]').click();
      await expectDecision(page, { ...PRESETS.find((p) => p.id === 'duplicate-order')!.expect, intentId: 'order-duplicate-order' });
      expect(await overflow()).toBeLessThanOrEqual(0);
      // Every gauge (nine for a v0.2 preset) and the violations table's region stay inside the screen width.
      await expect(page.locator('[data-testid="gauges"] [data-metric]')).toHaveCount(9);
      for (const item of await page.locator('[data-testid="gauges"] [data-metric], [role="region"][aria-label="Violations table"]').all()) {
        const box = await item.boundingBox();
        expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
      }
      await screenshot(page, testInfo, `${viewport.name}-v02-duplicate-order`, true);
    });
  });
}

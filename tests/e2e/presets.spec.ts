// Every preset shows the decision it promises, computed by the real engine in the browser.
import { expect, test } from '@playwright/test';
import { PRESETS } from '../../site/src/lib/presets';
import { expectDecision, openPlayground, screenshot } from './helpers';

// The gauge that watches each rule's metric.
const METRIC_OF: Record<string, string> = {
  'LOSS-001': 'daily_return',
  'LOSS-002': 'drawdown',
  'EXP-001': 'new_position_pct',
  'EXP-002': 'gross_exposure_x',
  'EXP-003': 'net_exposure_x',
};

test('each preset shows its decision, violations, kill switch, hash and gauges', async ({ page }, testInfo) => {
  await openPlayground(page);
  for (const preset of PRESETS) {
    await test.step(preset.id, async () => {
      await page.locator(`button[data-preset="${preset.id}"]`).click();
      await expect(page.locator(`button[data-preset="${preset.id}"]`)).toHaveAttribute('aria-pressed', 'true');
      await expectDecision(page, { ...preset.expect, intentId: `order-${preset.id}`, policyText: preset.workspace.policy });
      await expect(page.getByText(preset.story)).toBeVisible();

      const gauges = page.locator('[data-testid="gauges"] [data-metric]');
      if (preset.expect.rules.includes('SYS-001')) {
        await expect(page.getByTestId('no-evidence')).toBeVisible();
      } else {
        await expect(gauges).toHaveCount(5);
        const statuses = Object.fromEntries(
          await gauges.evaluateAll((items) => items.map((g) => [g.getAttribute('data-metric'), g.getAttribute('data-status')])),
        ) as Record<string, string>;
        const breached = Object.entries(METRIC_OF).filter(([rule]) => preset.expect.rules.includes(rule)).map(([, metric]) => metric);
        for (const [metric, status] of Object.entries(statuses)) {
          if (breached.includes(metric)) expect(status, metric).toBe('breach');
          else expect(status, metric).not.toBe('breach');
        }
        // The de-risking sell: the position is still over its cap, but the order lowers it.
        if (preset.id === 'de-risking-sell') expect(statuses.new_position_pct).toBe('reducing');
      }
      await screenshot(page, testInfo, `preset-${preset.id}`);
    });
  }
});

// Live evaluation as the user types, and errors shown where they are.
import { expect, test } from '@playwright/test';
import { findPreset } from '../../site/src/lib/presets';
import { editLine, editor, expectDecision, openPlayground, screenshot } from './helpers';

const smallBuy = findPreset('small-buy')!;

test('editing qty changes the decision', async ({ page }, testInfo) => {
  await openPlayground(page, '#preset=small-buy');
  await expectDecision(page, smallBuy.expect);

  await editLine(page, 'intent', '"qty": 10', '"qty": 100,');
  // 100 × $200 = 20% of equity against AAPL's 5% cap: cut to 25.
  await expectDecision(page, { decision: 'MODIFY', rules: ['EXP-001'], killSwitchTriggered: false, modifiedQty: 25 });
  await expect(page.getByTestId('requested-qty')).toHaveText('100');
  await expect(page.locator('button[data-preset][aria-pressed="true"]')).toHaveCount(0);
  await screenshot(page, testInfo, 'edit-qty-modify');

  await editLine(page, 'intent', '"qty": 100', '"qty": 20,');
  await expectDecision(page, { decision: 'ALLOW', rules: [], killSwitchTriggered: false });
  await expect(page.getByTestId('requested-qty')).toHaveText('20');

  await editLine(page, 'intent', '"side": "buy"', '"side": "sell",');
  await editLine(page, 'intent', '"qty": 20', '"qty": 30,');
  // A 30-share short is 6% of equity, over the cap the other way: symmetric MODIFY to 25.
  await expectDecision(page, { decision: 'MODIFY', rules: ['EXP-001'], killSwitchTriggered: false, modifiedQty: 25 });
});

test('a broken YAML policy shows the line, and the last good decision is greyed, not lost', async ({ page }, testInfo) => {
  await openPlayground(page, '#preset=small-buy');
  await expectDecision(page, smallBuy.expect);
  const lines = smallBuy.workspace.policy.split('\n');
  const lineNo = lines.findIndex((l) => l.includes('max_position_pct: 0.10')) + 1;

  // A syntax error: a second colon on the line.
  await editLine(page, 'policy', 'max_position_pct: 0.10', 'max_position_pct: 0.10: 5');
  const issues = page.getByTestId('issues-policy');
  await expect(issues).toContainText(`Line ${lineNo}, column`);
  await expect(issues).toContainText('YAML syntax error');
  await expect(page.locator('[data-editor-panel="policy"] .cm-error-line')).toHaveText(/max_position_pct: 0\.10: 5/);
  await expect(page.getByTestId('problems-summary')).toContainText(`Policy (YAML) line ${lineNo}`);
  const decision = page.getByTestId('decision');
  await expect(decision).toHaveAttribute('data-stale', 'true');
  await expect(page.getByTestId('decision-badge')).toHaveText('ALLOW');
  await expect(decision).toHaveCSS('filter', /grayscale/);
  await expect(editor(page, 'policy')).toHaveAttribute('aria-invalid', 'true');
  await screenshot(page, testInfo, 'broken-yaml-syntax');

  // A schema error: the field is named, at the same line.
  await editLine(page, 'policy', 'max_position_pct: 0.10', 'max_position_pct: 1.5');
  await expect(issues).toContainText(`Line ${lineNo}, column 23`);
  await expect(issues).toContainText('limits.exposure.max_position_pct');
  await expect(decision).toHaveAttribute('data-stale', 'true');
  await screenshot(page, testInfo, 'broken-yaml-schema');

  // The issue's button puts the cursor on the line.
  await issues.getByRole('button', { name: `Line ${lineNo}, column 23` }).click();
  await expect(editor(page, 'policy')).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.insertText('0.10');
  await expect(issues).toHaveCount(0);
  await expectDecision(page, smallBuy.expect);
  await expect(page.locator('.cm-error-line')).toHaveCount(0);
});

test('a JSON error points at the line and field in its editor', async ({ page }, testInfo) => {
  await openPlayground(page, '#preset=small-buy');
  const intentLines = smallBuy.workspace.intent.split('\n');
  const qtyLine = intentLines.findIndex((l) => l.includes('"qty"')) + 1;

  await editLine(page, 'intent', '"qty": 10', '"qty": -5,');
  const issues = page.getByTestId('issues-intent');
  await expect(issues).toContainText(`Line ${qtyLine}, column 3`);
  await expect(issues.locator('.issue-path')).toHaveText('qty');
  await expect(page.getByTestId('decision')).toHaveAttribute('data-stale', 'true');

  await editLine(page, 'intent', '"qty": -5', '"qty": 10');
  await expect(issues).toContainText(`Line ${qtyLine + 1}, column 3`); // missing comma: reported where the next member starts
  await expect(issues).toContainText("JSON syntax error: Expected ',' or '}'");
  await screenshot(page, testInfo, 'broken-json');

  await editLine(page, 'intent', '"qty": 10', '"qty": 10,');
  await expect(issues).toHaveCount(0);
  await expectDecision(page, smallBuy.expect);
});

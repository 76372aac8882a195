// Shared steps of the playground's end-to-end tests: reading the decision off the page, editing a
// line in a CodeMirror editor the way a user does, and saving screenshots as test artifacts.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { findPreset, type PresetExpectation } from '../../site/src/lib/presets';

export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });

/** Saves a screenshot to tests/e2e/artifacts/<name>.png and attaches it to the test report. */
export async function screenshot(page: Page, testInfo: TestInfo, name: string, fullPage = false): Promise<void> {
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path, fullPage });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The playground with a decision on screen. */
export async function openPlayground(page: Page, hash = ''): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('decision-badge')).toBeVisible();
  // The page is laid out once the explanation below the decision is in (it is computed after it).
  await expect(page.getByTestId('decision')).toHaveAttribute('aria-busy', 'false');
}

/** The editor's content element (the CodeMirror textbox) for one of the five editors. */
export const editor = (page: Page, id: string) => page.locator(`[data-editor-panel="${id}"] .cm-content`);

/**
 * Replaces the text of the first line of an editor that contains `contains` (after its
 * indentation) with `replacement`, with a click and the keyboard.
 */
export async function editLine(page: Page, id: string, contains: string, replacement: string): Promise<void> {
  const line = page.locator(`[data-editor-panel="${id}"] .cm-line`, { hasText: contains }).first();
  // CodeMirror renders only the lines in view: scroll the editor with the wheel until it shows.
  const scroller = page.locator(`[data-editor-panel="${id}"] .cm-scroller`);
  for (let tries = 0; (await line.count()) === 0 && tries < 30; tries++) {
    await scroller.hover();
    await page.mouse.wheel(0, 240);
    await page.waitForTimeout(50);
  }
  await line.click();
  await page.keyboard.press('Home'); // CodeMirror: to the end of the indentation
  await page.keyboard.press('Shift+End');
  await page.keyboard.insertText(replacement);
}

/** Asserts everything the decision panel shows against a preset's promised outcome. */
export async function expectDecision(page: Page, expected: PresetExpectation & { intentId?: string; policyText?: string }): Promise<void> {
  const decision = page.getByTestId('decision');
  if (expected.intentId) await expect(decision.getByText(expected.intentId, { exact: true })).toBeVisible();
  await expect(decision).toHaveAttribute('data-stale', 'false');
  // The explanation is computed after the decision and grows the view: wait for it, so that what is
  // clicked next does not move between the press and the release of the mouse.
  await expect(decision).toHaveAttribute('aria-busy', 'false');
  await expect(page.getByTestId('decision-badge')).toHaveText(expected.decision);
  if (expected.rules.length === 0) {
    await expect(page.getByTestId('no-violations')).toBeVisible();
  } else {
    await expect(page.locator('[data-testid="violations"] tbody tr')).toHaveCount(expected.rules.length);
    const rules = await page.locator('[data-testid="violations"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule')));
    expect(rules).toEqual(expected.rules);
  }
  await expect(page.getByTestId('kill-switch')).toHaveText(new RegExp(`^${expected.killSwitchTriggered}`));
  if (expected.modifiedQty !== undefined) await expect(page.getByTestId('modified-qty')).toHaveText(String(expected.modifiedQty));
  else await expect(page.getByTestId('modified-qty')).toHaveCount(0);
  if (expected.policyText !== undefined) await expect(page.getByTestId('policy-hash')).toHaveText(sha256(expected.policyText));
}

/** The promised outcome of a preset, by id. */
export function findPresetExpect(id: string): PresetExpectation {
  const preset = findPreset(id);
  if (!preset) throw new Error(`no preset ${id}`);
  return preset.expect;
}

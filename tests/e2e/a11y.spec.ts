// Accessible (names, keyboard, contrast) and readable on a laptop and a phone.
import AxeBuilder from '@axe-core/playwright';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { EDITORS, EDITOR_IDS } from '../../site/src/lib/workspace';
import { findPreset } from '../../site/src/lib/presets';
import { editLine, expectDecision, findPresetExpect, openPlayground, screenshot, sha256 } from './helpers';

/** Text elements whose contrast with their background is below WCAG AA (4.5:1; 3:1 for large text). */
async function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (c: string): Rgba => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return [0, 0, 0, 0];
      const p = m[1]!
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3];
      return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
    };
    const background = (el: Element | null): Rgba => {
      const layers: Rgba[] = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      return layers.reduceRight<Rgba>((under, top) => over(top, under), [255, 255, 255, 1]);
    };
    const lum = ([r, g, b]: Rgba) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const failures: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
      if (!own) continue;
      if (el.closest('.decision--stale, :disabled, .sr-only, .skip-link, noscript, script, style')) continue;
      const rect = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden') continue;
      const bg = background(el);
      const fg = over(parse(style.color), bg);
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a) as [number, number];
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) failures.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent!.trim().slice(0, 40)}" ${ratio.toFixed(2)}:1`);
    }
    return failures;
  });
}

test('every editor, gauge and control has an accessible name', async ({ page }) => {
  await openPlayground(page, '#preset=gross-breach');
  for (const id of EDITOR_IDS) await expect(page.getByRole('textbox', { name: EDITORS[id].label })).toBeVisible();
  // Five evidence gauges, and the execution state's (two order rates and the kill switch).
  await expect(page.getByTestId('gauges').getByRole('meter')).toHaveCount(5);
  await expect(page.getByTestId('state-gauges').getByRole('meter')).toHaveCount(3);
  for (const meter of await page.getByRole('meter').all()) await expect(meter).toHaveAttribute('aria-valuetext', /against limit/);
  await expect(page.getByRole('meter', { name: /^Gross exposure/ })).toHaveAttribute('aria-valuetext', /over by/);
  await expect(page.getByRole('columnheader', { name: 'Rule' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Append this evaluation' })).toBeEnabled();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('the v0.2 gauges have accessible names and readable text, the not-applicable and reduce-only ones included', async ({ page }) => {
  for (const id of ['fat-finger', 'reduce-only', 'price-collar']) {
    await openPlayground(page, `#preset=${id}`);
    await expectDecision(page, { ...findPresetExpect(id), intentId: `order-${id}` });
    await expect(page.getByTestId('gauges').getByRole('meter')).toHaveCount(9);
    await expect(page.getByTestId('state-gauges').getByRole('meter')).toHaveCount(3);
    for (const meter of await page.getByRole('meter').all()) await expect(meter).toHaveAttribute('aria-valuetext', /against limit/);
    expect(await lowContrast(page), id).toEqual([]);
  }
  await expect(page.getByRole('meter', { name: /^Limit price past the market: 10\.00% past the market/ })).toHaveAttribute('aria-valuetext', /over by 5\.00%/);
  await expect(page.getByRole('heading', { level: 3, name: /^DSL v0\.2/ })).toBeVisible();
  await expect(page.getByRole('list', { name: /^DSL v0\.2/ }).getByRole('button')).toHaveCount(10);
});

test('the playground works from the keyboard alone, and Tab never gets stuck in an editor', async ({ page }) => {
  await openPlayground(page);
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el?.getAttribute('data-preset') ?? el?.getAttribute('data-editor') ?? el?.textContent?.trim().slice(0, 30) ?? '';
    });
  // Tab from the top of the page to the drawdown preset and press it.
  let steps = 0;
  while ((await focused()) !== 'drawdown' && steps++ < 40) await page.keyboard.press('Tab');
  expect(await focused()).toBe('drawdown');
  await page.keyboard.press('Enter');
  await expectDecision(page, { ...findPresetExpect('drawdown'), intentId: 'order-drawdown' });

  // On into the editors: Tab moves from one editor to the next instead of inserting a tab.
  steps = 0;
  while ((await focused()) !== 'policy' && steps++ < 40) await page.keyboard.press('Tab');
  expect(await focused()).toBe('policy');
  const firstLine = page.locator('[data-editor-panel="policy"] .cm-line').first();
  const before = await firstLine.textContent();
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('intent');
  // No tab went into the policy: its first line (where the cursor was) is unchanged, and after the
  // playground's 250 ms debounce the engine still evaluates the preset's exact policy text. (The
  // editor's rendered text as a whole depends on how far the page has scrolled: CodeMirror renders
  // only the lines in view.)
  expect(await firstLine.textContent()).toBe(before);
  await page.waitForTimeout(500);
  await expect(page.getByTestId('decision')).toHaveAttribute('data-stale', 'false');
  await expect(page.getByTestId('policy-hash')).toHaveText(sha256(findPreset('drawdown')!.workspace.policy));
  await page.keyboard.press('Shift+Tab');
  expect(await focused()).toBe('policy');
});

test('text meets WCAG AA contrast on every page and in every decision state', async ({ page }) => {
  await openPlayground(page, '#preset=drawdown');
  expect(await lowContrast(page)).toEqual([]);
  for (const id of ['position-cap', 'de-risking-sell', 'monitor-mode']) {
    await page.locator(`button[data-preset="${id}"]`).click();
    await expectDecision(page, { ...findPresetExpect(id), intentId: `order-${id}` });
    expect(await lowContrast(page), id).toEqual([]);
  }
  // The error state: problem lists, banners, the marked line.
  await editLine(page, 'intent', '"qty": 100', '"qty": -1,');
  await expect(page.getByTestId('issues-intent')).toBeVisible();
  expect(await lowContrast(page), 'error state').toEqual([]);
  for (const path of ['/docs/rules/', '/docs/runtimes/', '/docs/semantics/']) {
    await page.goto(path);
    expect(await lowContrast(page), path).toEqual([]);
  }
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('every page fits the screen width and the decision is readable', async ({ page }, testInfo) => {
    await openPlayground(page, '#preset=position-cap');
    await expectDecision(page, { ...findPresetExpect('position-cap'), intentId: 'order-position-cap' });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    const badge = await page.getByTestId('decision-badge').boundingBox();
    expect(badge!.x).toBeGreaterThanOrEqual(0);
    expect(badge!.x + badge!.width).toBeLessThanOrEqual(390);
    await screenshot(page, testInfo, 'phone-playground', true);
    for (const path of ['/docs/rules/', '/docs/runtimes/', '/docs/semantics/']) {
      await page.goto(path);
      expect(await overflow(), path).toBeLessThanOrEqual(0);
    }
    await screenshot(page, testInfo, 'phone-code-page');
  });
});

/**
 * Every page of the built site (site/dist, which the e2e run serves): the playground and each docs
 * page, the API reference included; not the old addresses, which only redirect.
 */
function sitePages(): string[] {
  const dist = fileURLToPath(new URL('../../site/dist/', import.meta.url));
  if (!existsSync(dist)) return [];
  return readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html'))
    .filter((f) => !/<meta[^>]+http-equiv="refresh"/i.test(readFileSync(join(dist, f), 'utf8')))
    .map((f) => `/${f.replace(/\\/g, '/').replace(/index\.html$/, '')}`)
    .sort();
}
const PAGES = sitePages();

test('the axe scan covers the playground and every docs page', () => {
  for (const path of ['/', '/docs/', '/docs/rules/', '/docs/runtimes/', '/docs/api/', '/docs/api/node/', '/404.html']) expect(PAGES).toContain(path);
  expect(PAGES).not.toContain('/rules/'); // a redirect
});

// axe-core (the WCAG rules it automates) on every page at both sizes: no serious or critical violation.
for (const size of [
  { name: 'laptop', use: { viewport: { width: 1440, height: 1000 } } },
  { name: 'phone', use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
] as const) {
  test.describe(`axe on a ${size.name}`, () => {
    test.use(size.use);
    for (const path of PAGES) {
      test(`${path} has no serious or critical axe violation`, async ({ page }) => {
        test.setTimeout(240_000); // the generated API pages are long: axe takes a minute on them on a busy machine
        if (path === '/') await openPlayground(page, '#preset=gross-breach');
        else await page.goto(path);
        // Expressive Code makes a code block that scrolls sideways focusable from an idle callback
        // after load: scan the page as a reader gets it, once its scripts have run.
        await page.waitForFunction(() => [...document.querySelectorAll('.expressive-code pre')].every((p) => p.scrollWidth <= p.clientWidth || p.hasAttribute('tabindex')));
        const { violations } = await new AxeBuilder({ page }).analyze();
        const found = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) on ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        expect(found).toEqual([]);
      });
    }
  });
}

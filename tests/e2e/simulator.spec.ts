// The trading-day simulator, the exposure view and the export, in the BUILT site: the drawdown
// crash trips the kill switch at the right order on the timeline, its exported files give the same
// decisions through the real policygate-eval, a scenario link restores, and the home page's cold
// load stays fast and within its JavaScript budget.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { findScenario } from '../../site/src/lib/sim/presets';
import { parseJsonl, runExportedCommand } from './export-cli';
import { screenshot } from './helpers';

const SIZES = [
  { width: 1440, height: 1000, name: 'desktop' },
  { width: 390, height: 844, name: 'phone' },
] as const;

const crash = findScenario('drawdown-crash')!;

/** The blotter's order rows: intent id, gate decision, CLI (stateless) decision, tripped flag. */
async function blotterOrders(page: Page) {
  return page.locator('[data-testid="blotter"] tbody tr[data-kind="order"]').evaluateAll((rows) =>
    rows.map((r) => ({
      id: r.getAttribute('data-intent'),
      decision: r.getAttribute('data-decision'),
      stateless: r.querySelector('td:nth-of-type(6) .pill')?.textContent ?? null,
      tripped: r.getAttribute('data-tripped') === 'true',
    })),
  );
}

for (const size of SIZES) {
  test.describe(`simulator at ${size.width}×${size.height}`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });

    test('the drawdown crash trips the kill switch at crash-4 on its timeline, and its export gives the same decisions through policygate-eval --intents', async ({ page }, testInfo) => {
      await page.goto('/#scenario=drawdown-crash');
      await expect(page.getByRole('tab', { name: 'Simulator' })).toHaveAttribute('aria-selected', 'true');
      await expect(page.locator('[data-testid="blotter"] tbody tr[data-kind="order"]')).toHaveCount(crash.expect.decisions.length);
      const rows = await blotterOrders(page);
      expect(rows.map((r) => r.decision)).toEqual(crash.expect.decisions);
      expect(rows.filter((r) => r.tripped).map((r) => r.id)).toEqual(['crash-4']);

      // The trip marker sits on the timeline at crash-4's time (10:41:00), between the 10:40 crash and crash-5.
      const timeline = page.getByTestId('timeline');
      await timeline.scrollIntoViewIfNeeded();
      await expect(page.getByTestId('timeline-equity')).toHaveAttribute('data-ready', 'true');
      const trip = page.locator('[data-testid="kill-marker"][data-event="trip"]');
      await expect(trip).toHaveCount(1);
      await expect(trip).toHaveAttribute('data-intent', 'crash-4');
      await expect(trip).toHaveAttribute('data-at', '2026-02-18T10:41:00Z');
      await expect(page.locator('[data-testid="kill-marker"][data-event="reset"]')).toHaveAttribute('data-at', '2026-02-18T11:45:00Z');
      // Placed by the chart's own scale: the first event (09:35) is the plot's left edge, the last (11:55) its right.
      const over = (await page.locator('[data-testid="timeline-equity"] .u-over').boundingBox())!;
      const tripBox = (await trip.boundingBox())!;
      const fraction = (10 * 3600 + 41 * 60 - (9 * 3600 + 35 * 60)) / (11 * 3600 + 55 * 60 - (9 * 3600 + 35 * 60));
      expect(Math.abs(tripBox.x - (over.x + fraction * over.width))).toBeLessThan(3);
      await expect(page.getByTestId('kill-events')).toContainText('tripped at order crash-4');
      await screenshot(page, testInfo, `simulator-timeline-${size.name}`);

      // Export: the zip's files through the real bin.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sim-export').click()]);
      const dir = mkdtempSync(join(tmpdir(), 'pg-sim-e2e-'));
      await download.saveAs(join(dir, 'scenario.zip'));
      execFileSync('unzip', ['-q', 'scenario.zip'], { cwd: dir });
      const commands = readFileSync(join(dir, 'run-orders.sh'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('npx policygate-eval'));
      expect(commands).toHaveLength(rows.length);
      const gate = [];
      for (const command of commands) gate.push(...(await runExportedCommand(dir, command)).decisions);
      expect(gate.map((d) => d.decision)).toEqual(rows.map((r) => r.decision));
      expect(gate.map((d) => d.intent_id)).toEqual(rows.map((r) => r.id));
      expect(gate.find((d) => d.kill_switch_triggered)?.intent_id).toBe('crash-4');
      expect(gate).toEqual(parseJsonl(readFileSync(join(dir, 'gate-decisions.jsonl'), 'utf8')));
      // The one stateless command shown on the page: the CLI column, line for line.
      const statelessCommand = await page.getByTestId('stateless-command').textContent();
      const stateless = await runExportedCommand(dir, statelessCommand!);
      expect(stateless.decisions.map((d) => d.decision)).toEqual(rows.map((r) => r.stateless));
    });

    test('a scenario edited in the page restores from its link', async ({ page, browser }) => {
      await page.goto('/');
      await page.getByRole('tab', { name: 'Simulator' }).click();
      await page.locator('button[data-scenario="throttle-burst"]').click();
      await expect(page.locator('[data-testid="blotter"] tbody tr[data-kind="order"]')).toHaveCount(16);
      await page.getByTestId('add-at').fill('10:06:00');
      await page.getByTestId('add-qty').fill('7');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await expect(page.locator('[data-testid="blotter"] tbody tr[data-kind="order"]')).toHaveCount(17);
      await expect(page.locator('button[data-scenario="throttle-burst"]')).toHaveAttribute('aria-pressed', 'false');
      await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#sim=1/);
      const before = await blotterOrders(page);
      const url = page.url();
      const other = await browser.newPage({ viewport: { width: size.width, height: size.height } });
      await other.goto(url);
      await expect(other.locator('[data-testid="blotter"] tbody tr[data-kind="order"]')).toHaveCount(17);
      expect(await blotterOrders(other)).toEqual(before);
      await other.close();
      // Back to the workspace: the address bar holds the workspace again.
      await page.getByRole('tab', { name: 'Workspace' }).click();
      await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#w=1/);
    });

    test('the exposure view shows each symbol before and after the order under the decision', async ({ page }, testInfo) => {
      await page.goto('/#preset=position-cap');
      await expect(page.getByTestId('decision-badge')).toHaveText('MODIFY');
      const exposure = page.getByTestId('exposure');
      await exposure.scrollIntoViewIfNeeded();
      await expect(page.getByTestId('exposure-chart')).toHaveAttribute('data-ready', 'true');
      await expect(exposure.locator('tr[data-symbol="AAPL"]')).toBeVisible();
      await expect(exposure).toContainText('as sent (qty 25)');
      await screenshot(page, testInfo, `exposure-${size.name}`);
    });
  });
}

test('export to code: the snippet and the command of the workspace on screen, with copy buttons here and on the code page', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/#preset=position-cap');
  await expect(page.getByTestId('decision-badge')).toHaveText('MODIFY');
  await page.getByTestId('export-toggle').click();
  const snippet = page.getByTestId('export-snippet');
  await expect(snippet).toContainText("from 'policygate-capital'");
  await expect(snippet).toContainText('"intent_id": "order-position-cap"');
  await page.getByRole('button', { name: 'Deno' }).click();
  await expect(snippet).toContainText("from 'npm:policygate-capital'");
  await page.getByRole('button', { name: /^Copy decide\.ts/ }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await snippet.textContent());
  await expect(page.getByTestId('export-command')).toHaveText(/^npx policygate-eval --policy policy\.yaml --intent intent\.json/);

  // The "use it from code" page: every code block has a copy button that copies it.
  await page.goto('/docs/runtimes/');
  const blocks = page.locator('.expressive-code');
  const count = await blocks.count();
  expect(count).toBeGreaterThan(2);
  await expect(page.locator('.expressive-code button[title="Copy to clipboard"]')).toHaveCount(count);
  const first = blocks.first();
  await first.hover();
  await first.locator('button[title="Copy to clipboard"]').click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  // Compared line by line without blank lines (Expressive Code renders each line as its own block).
  const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered lines, with their line breaks
  expect(lines(copied)).toEqual(lines(await first.locator('pre').innerText()));
});

/** Milliseconds from navigation start to the decision badge, in a fresh context (no cache, no service worker). */
async function coldFirstDecision(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { __firstDecision?: number };
    new MutationObserver((_, obs) => {
      if (document.querySelector('[data-testid="decision-badge"]')) {
        w.__firstDecision = performance.now();
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(url);
  await expect(page.getByTestId('decision-badge')).toBeVisible();
  const ms = await page.evaluate(() => (window as unknown as { __firstDecision: number }).__firstDecision);
  await context.close();
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Budgets (see /docs/playground/): the first decision of a cold load on the project's 2-core
// machine while other suites run, and the JavaScript the home page loads before any interaction.
const FIRST_DECISION_BUDGET_MS = 4000;
// 300 kB measured with everything merged (the explain views lazy; the decision bar, the kept audit
// log and its zip eager): 290 kB was the simulator's branch alone.
const HOME_JS_GZIP_BUDGET = 310 * 1024;
// A build of the site from before the charts, served at this address, is measured in turns with
// this one (same machine, same moment): the first decision must not be slower (within 10 % + 50 ms of noise).
const BASELINE = process.env.PLAYGROUND_BASELINE_URL;

test('cold load: the first decision is on screen within budget, and not slower than before the charts', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const ours: number[] = [];
  const before: number[] = [];
  for (let i = 0; i < 7; i++) {
    ours.push(await coldFirstDecision(browser, `${baseURL}/`));
    if (BASELINE) before.push(await coldFirstDecision(browser, BASELINE));
  }
  const show = (xs: number[]) => `${xs.map((t) => t.toFixed(0)).join(', ')}; median ${median(xs).toFixed(0)}`;
  console.log(`cold first decision (ms, 7 loads): now ${show(ours)}${BASELINE ? ` | before the charts ${show(before)}` : ''}`);
  expect(median(ours)).toBeLessThan(FIRST_DECISION_BUDGET_MS);
  if (BASELINE) expect(median(ours)).toBeLessThanOrEqual(median(before) * 1.1 + 50);
});

/** The scripts a page at `url` loads until its first decision and network idle, with no interaction. */
async function scriptsBeforeInteraction(browser: Browser, url: string) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const scripts = new Map<string, Buffer>();
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script' || new URL(response.url()).pathname.endsWith('.js')) {
      void response.body().then((body) => scripts.set(new URL(response.url()).pathname, body));
    }
  });
  await page.goto(url);
  await expect(page.getByTestId('decision-badge')).toBeVisible();
  await page.waitForLoadState('networkidle');
  const before = new Map(scripts);
  const gzip = [...before.values()].reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
  const raw = [...before.values()].reduce((n, b) => n + b.length, 0);
  return { page, context, scripts, before, gzip, raw };
}

test("the home page's JavaScript before interaction stays within budget; the simulator and uPlot are lazy chunks", async ({ browser, baseURL }) => {
  const { page, context, scripts, before, gzip, raw } = await scriptsBeforeInteraction(browser, `${baseURL}/`);
  console.log(`home page JS before interaction: ${before.size} files, ${(raw / 1024).toFixed(1)} kB raw, ${(gzip / 1024).toFixed(1)} kB gzip: ${[...before.keys()].join(', ')}`);
  if (BASELINE) {
    const base = await scriptsBeforeInteraction(browser, BASELINE);
    console.log(`before the charts: ${base.before.size} files, ${(base.raw / 1024).toFixed(1)} kB raw, ${(base.gzip / 1024).toFixed(1)} kB gzip`);
    await base.context.close();
  }
  expect(gzip).toBeLessThanOrEqual(HOME_JS_GZIP_BUDGET);
  expect(
    [...before.keys()].some((k) => /uPlot|Simulator/.test(k)),
    'no lazy chunk before interaction',
  ).toBe(false);

  // Scrolling to the exposure chart and opening the simulator fetch the lazy chunks: uPlot and the simulator.
  await page.getByTestId('exposure').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('exposure-chart')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('tab', { name: 'Simulator' }).click();
  await expect(page.getByTestId('timeline-equity')).toHaveAttribute('data-ready', 'true');
  await page.waitForLoadState('networkidle');
  const lazy = [...scripts.keys()].filter((k) => !before.has(k));
  console.log(`lazy chunks: ${lazy.map((k) => `${k} ${(gzipSync(scripts.get(k)!, { level: 9 }).length / 1024).toFixed(1)} kB`).join(', ')}`);
  expect(lazy.some((k) => /uPlot/.test(k))).toBe(true);
  expect(lazy.some((k) => /Simulator/.test(k))).toBe(true);
  await context.close();
});

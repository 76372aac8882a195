// The documentation site: every page opens, every internal link leads somewhere (no 404), and the
// search works offline (Pagefind, precached by the service worker) and finds a rule by its id.
import { expect, test } from '@playwright/test';

const PAGES = [
  ['/docs/', 'Documentation'],
  ['/docs/getting-started/', 'Getting started'],
  ['/docs/policy/', 'Policy DSL'],
  ['/docs/rules/', 'Rules'],
  ['/docs/semantics/', 'Evaluation semantics'],
  ['/docs/gate/', 'Stateful gate'],
  ['/docs/audit/', 'Audit trail and replay'],
  ['/docs/cli/', 'Command line'],
  ['/docs/serve/', 'HTTP service'],
  ['/docs/redis/', 'Shared state on Redis'],
  ['/docs/runtimes/', 'Runtimes and bundlers'],
  ['/docs/performance/', 'Performance'],
  ['/docs/security/', 'Security'],
  ['/docs/api/readme/', null],
] as const;

test('every docs page opens with its title', async ({ page }) => {
  for (const [path, title] of PAGES) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    if (title) await expect(page.getByRole('heading', { level: 1, name: title, exact: true }), path).toBeVisible();
  }
  // The API reference is generated from the TSDoc of both entry points.
  await page.goto('/docs/api/');
  await expect(page.locator('main')).toContainText('PolicyEngine');
  await page.goto('/docs/api/node/');
  await expect(page.locator('main')).toContainText('FileAuditSink');
});

test('every internal link of the site leads to a page, and every #fragment to an element', async ({ page, request, baseURL }) => {
  const seen = new Set<string>();
  const queue: string[] = ['/', ...PAGES.map(([p]) => p)];
  const broken: string[] = [];
  const fragments: { from: string; href: string }[] = [];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const response = await request.get(path);
    if (response.status() !== 200) {
      broken.push(`${path}: ${response.status()}`);
      continue;
    }
    if (!(response.headers()['content-type'] ?? '').includes('text/html')) continue;
    const html = await response.text();
    for (const [, href] of html.matchAll(/<a\b[^>]*\bhref="([^"]+)"/g)) {
      const url = new URL(href!.replaceAll('&amp;', '&'), new URL(path, baseURL));
      if (url.origin !== new URL(baseURL!).origin) continue;
      // Fragments of the hand-written pages (the generated API pages' `-1` anchors are TypeDoc's).
      if (url.hash && url.pathname.startsWith('/docs/') && !url.pathname.startsWith('/docs/api/')) fragments.push({ from: path, href: url.pathname + url.hash });
      if (!seen.has(url.pathname)) queue.push(url.pathname);
    }
  }
  expect(broken).toEqual([]);
  expect(seen.has('/docs/api/node/')).toBe(true); // the API reference of both entry points was crawled too

  // Fragments: the element exists on the target page (checked in a browser, after rendering).
  const byPage = new Map<string, Set<string>>();
  for (const { href } of fragments) {
    const [pathname, hash] = href.split('#') as [string, string];
    if (!byPage.has(pathname)) byPage.set(pathname, new Set());
    byPage.get(pathname)!.add(decodeURIComponent(hash));
  }
  const missing: string[] = [];
  for (const [pathname, ids] of byPage) {
    await page.goto(pathname);
    for (const id of ids) if (id && (await page.locator(`[id="${id}"]`).count()) === 0) missing.push(`${pathname}#${id}`);
  }
  expect(missing).toEqual([]);
});

test('search works offline and finds the rules page from "ORD-001"', async ({ page, context }) => {
  await page.goto('/docs/getting-started/');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await context.setOffline(true);
  try {
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    await page.getByRole('button', { name: 'Search' }).first().click();
    const input = page.getByRole('dialog', { name: 'Search' }).getByRole('textbox', { name: 'Search' });
    await input.fill('ORD-001');
    const hit = page.locator('.pagefind-ui__result-link', { hasText: 'Rules' }).first();
    await expect(hit).toBeVisible();
    await hit.click();
    await expect(page).toHaveURL(/\/docs\/rules\//);
    await expect(page.getByRole('heading', { level: 1, name: 'Rules' })).toBeVisible();
    await expect(page.locator('section.rule[id="ORD-001"]')).toBeAttached();
  } finally {
    await context.setOffline(false);
  }
});

// The playground defects a new user found (issue 19: 1, 2, 3, 6, 8), each on a laptop (1440×1000)
// and a phone (390×844): the decision stays on screen while editing, wrapped YAML keeps its
// indentation, an audit log of two policies downloads as files that the real `policygate-replay`
// replays, the audit log survives a reload, and editors below the fold have their line numbers beside
// their lines before they are scrolled into view.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { findPreset, V02_POLICY } from '../../site/src/lib/presets';
import { EDITOR_IDS } from '../../site/src/lib/workspace';
import { editLine, expectDecision, findPresetExpect, openPlayground, screenshot, sha256 } from './helpers';

// The launcher npm links as `policygate-replay` (it runs the built CLI).
const REPLAY_BIN = fileURLToPath(new URL('../../packages/policygate-capital/bin/policygate-replay.js', import.meta.url));

function run(file: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

/** Runs the command the page shows (`npx policygate-replay …`) with the real bin, in `dir`. */
async function replayAsShown(page: Page, dir: string) {
  const shown = (await page.getByTestId('audit-command').textContent())!.trim();
  expect(shown).toMatch(/^npx policygate-replay /);
  const args = shown.replace(/^npx policygate-replay /, '').split(/\s+/);
  return { args, ...(await run(process.execPath, [REPLAY_BIN, ...args], dir)) };
}

async function save(page: Page, name: RegExp, dir: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  const path = join(dir, download.suggestedFilename());
  await download.saveAs(path);
  return path;
}

async function append(page: Page, presetId: string, count: number) {
  await page.locator(`button[data-preset="${presetId}"]`).click();
  await expectDecision(page, { ...findPresetExpect(presetId), intentId: `order-${presetId}` });
  await page.getByTestId('audit-append').click();
  await expect(page.getByTestId('audit-entries').locator('li')).toHaveCount(count);
}

const SIZES = [
  { name: 'laptop', use: { viewport: { width: 1440, height: 1000 } } },
  { name: 'phone', use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
] as const;

for (const size of SIZES) {
  test.describe(`on a ${size.name}`, () => {
    test.use(size.use);

    test('defect 1: the decision stays on screen, clear of the cursor, while any editor is edited', async ({ page }, testInfo) => {
      await openPlayground(page, '#preset=small-buy');
      const phone = size.name === 'phone';
      // On a phone the compact bar shows the decision; on a laptop the full decision beside the editors.
      const badge = phone ? page.getByTestId('decision-bar-badge') : page.getByTestId('decision-badge');
      const bar = page.getByTestId('decision-bar');
      await expect(bar).toHaveAttribute('aria-live', 'polite');
      await expect(bar).toHaveAttribute('role', 'status');
      // CodeMirror scrolls to the cursor in its next measure (an animation frame): what the user sees
      // once the frame is drawn is checked, so each check waits up to 2 s for the geometry to hold.
      const check = (where: string) =>
        expect(async () => {
          const geometry = await page.evaluate(
            ({ phone }) => {
              const shown = document.querySelector(phone ? '[data-testid="decision-bar"]' : '[data-testid="decision-badge"]')!.getBoundingClientRect();
              const caret = document.querySelector('.cm-focused .cm-cursor-primary')?.getBoundingClientRect() ?? null;
              return { shown: { top: shown.top, bottom: shown.bottom, height: shown.height }, caret: caret && { top: caret.top, bottom: caret.bottom }, height: window.innerHeight };
            },
            { phone },
          );
          expect(geometry.shown.height, where).toBeGreaterThan(10);
          expect(geometry.shown.top, where).toBeGreaterThanOrEqual(0);
          expect(geometry.shown.bottom, where).toBeLessThanOrEqual(geometry.height);
          expect(geometry.caret, where).not.toBeNull();
          // The cursor is in the window and not under the bar.
          expect(geometry.caret!.bottom, where).toBeLessThanOrEqual(geometry.height);
          if (phone) expect(geometry.caret!.top, where).toBeGreaterThanOrEqual(geometry.shown.bottom);
        }).toPass({ timeout: 2_000 });
      for (const id of EDITOR_IDS) {
        const first = page.locator(`[data-editor-panel="${id}"] .cm-line`).first();
        await first.scrollIntoViewIfNeeded();
        await first.click();
        // Down through the editor, then back up: the page and the editor scroll with the cursor.
        const steps = id === 'policy' ? 30 : 12;
        for (let k = 0; k < steps; k++) {
          await page.keyboard.press('ArrowDown');
          await check(`${id}, ${k + 1} down`);
        }
        for (let k = 0; k < steps; k++) {
          await page.keyboard.press('ArrowUp');
          await check(`${id}, ${k + 1} up`);
        }
      }
      // A change of qty while typing: the decision on screen follows it.
      await editLine(page, 'intent', '"qty": 10', '"qty": 60,');
      await expect(badge).toHaveText('MODIFY');
      await check('after the edit');
      await expect(page.getByTestId('decision-bar-qty')).toHaveText('qty 25 of 60');
      await expect(page.getByTestId('decision-bar-rule')).toHaveText(/EXP-001/);
      await expect(bar).toContainText('Decision MODIFY');
      if (phone) await screenshot(page, testInfo, 'phone-decision-bar-while-editing');
      // A problem in the inputs: the bar says so, and keeps the last good decision.
      await editLine(page, 'intent', '"qty": 60', '"qty": -1,');
      await expect(page.getByTestId('decision-bar-problems')).toHaveText(/^1 problem in the inputs; last good:/);
      await check('with a problem');
    });

    test('defect 2: a wrapped YAML line keeps its indentation', async ({ page }, testInfo) => {
      await openPlayground(page, '#preset=small-buy');
      const comment = '# tighter limit for AAPL, which is a long comment that wraps on a phone and on a laptop alike because it goes on and on';
      await editLine(page, 'policy', 'max_position_pct: 0.05', `max_position_pct: 0.05    ${comment}`);
      await expectDecision(page, { ...findPresetExpect('small-buy'), intentId: 'order-small-buy' });
      const rows = await page.evaluate(() => {
        const line = [...document.querySelectorAll('[data-editor-panel="policy"] .cm-line')].find((l) => l.textContent!.includes('goes on and on'))!;
        const indent = /^ */.exec(line.textContent!)![0].length;
        // The first character after the indentation, and every row the line wraps into.
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        let seen = 0;
        let textLeft = Number.NaN;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const len = node.textContent!.length;
          if (seen + len > indent) {
            const r = document.createRange();
            r.setStart(node, indent - seen);
            r.setEnd(node, indent - seen + 1);
            textLeft = r.getBoundingClientRect().left;
            break;
          }
          seen += len;
        }
        const all = document.createRange();
        all.selectNodeContents(line);
        const byRow = new Map<number, number>();
        for (const rect of all.getClientRects()) {
          if (rect.width === 0) continue;
          const top = Math.round(rect.top);
          byRow.set(top, Math.min(byRow.get(top) ?? Number.POSITIVE_INFINITY, rect.left));
        }
        const lefts = [...byRow].sort((a, b) => a[0] - b[0]).map(([, left]) => left);
        return { indent, textLeft, lefts, lineLeft: line.getBoundingClientRect().left };
      });
      expect(rows.indent).toBe(8);
      expect(rows.lefts.length).toBeGreaterThanOrEqual(2); // it does wrap
      // The first row starts with the indentation; every other row starts under the text, not at column 0.
      expect(rows.lefts[0]!).toBeLessThan(rows.textLeft - 10);
      for (const left of rows.lefts.slice(1)) expect(left).toBeGreaterThanOrEqual(rows.textLeft - 1);
      await page.locator('[data-editor-panel="policy"] .cm-line', { hasText: 'goes on and on' }).scrollIntoViewIfNeeded();
      await screenshot(page, testInfo, `${size.name}-wrapped-yaml`);
    });

    test('defect 3: an audit log of two policies downloads as files that policygate-replay replays (exit 0)', async ({ page }, testInfo) => {
      const dir = mkdtempSync(join(tmpdir(), 'pgc-e2e-audit2-'));
      try {
        await openPlayground(page);
        // Two events under the seed policy, two under the v0.2 policy, and one more under the seed.
        const ids = ['small-buy', 'position-cap', 'fat-finger', 'duplicate-order', 'gross-breach'];
        for (const [k, id] of ids.entries()) await append(page, id, k + 1);
        const hashes = [sha256(findPreset('small-buy')!.workspace.policy), sha256(V02_POLICY)];
        const files = hashes.map((h) => `policy-${h.slice(0, 12)}.yaml`);
        await expect(page.getByTestId('audit-command')).toHaveText(`npx policygate-replay --policy ${files[0]} --policy ${files[1]} --audit-log policygate-audit.jsonl`);

        // Everything in one archive, opened with the system's unzip.
        const zip = await save(page, /Download all/, dir);
        expect(zip.endsWith('policygate-audit.zip')).toBe(true);
        const unzip = await run('unzip', ['-q', zip, '-d', join(dir, 'zip')], dir);
        expect(unzip.stderr).toBe('');
        expect(unzip.code).toBe(0);
        expect(readdirSync(join(dir, 'zip')).sort()).toEqual(['README.txt', ...files, 'policygate-audit.jsonl'].sort());
        expect(readFileSync(join(dir, 'zip', files[1]!), 'utf8')).toBe(V02_POLICY);
        const readme = readFileSync(join(dir, 'zip', 'README.txt'), 'utf8');
        expect(readme).toContain(`  npx policygate-replay --policy ${files[0]} --policy ${files[1]} --audit-log policygate-audit.jsonl\n`);
        const fromZip = await replayAsShown(page, join(dir, 'zip'));
        await testInfo.attach('policygate-replay (zip)', { body: `${fromZip.args.join(' ')}\n${fromZip.stdout}${fromZip.stderr}`, contentType: 'text/plain' });
        expect(fromZip.stderr).toBe('');
        expect(fromZip.code).toBe(0);
        expect(fromZip.stdout).toMatch(/matched:\s+5\n/);

        // And one file at a time.
        const one = join(dir, 'one');
        await run('mkdir', [one], dir);
        await save(page, /Download policygate-audit\.jsonl/, one);
        for (const f of files) await save(page, new RegExp(`Download ${f.replace('.', '\\.')}`), one);
        const separately = await replayAsShown(page, one);
        expect(separately.stderr).toBe('');
        expect(separately.code).toBe(0);
        // Not vacuous: the log under only one of its policies fails.
        const half = await run(process.execPath, [REPLAY_BIN, '--policy', files[0]!, '--audit-log', 'policygate-audit.jsonl'], one);
        expect(half.code).toBe(1);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('defect 6: the audit log is kept across reloads until it is cleared, and the panel says where', async ({ page }) => {
      const dir = mkdtempSync(join(tmpdir(), 'pgc-e2e-audit-keep-'));
      try {
        await openPlayground(page);
        await append(page, 'small-buy', 1);
        await append(page, 'fat-finger', 2);
        await expect(page.getByTestId('audit-storage')).toContainText('local storage');
        await expect(page.getByTestId('audit-storage')).toContainText('at most 1 MiB');
        const before = await page.getByTestId('audit-entries').textContent();

        await page.reload();
        await expect(page.getByTestId('decision-badge')).toBeVisible();
        await expect(page.getByTestId('audit-entries').locator('li')).toHaveCount(2);
        expect(await page.getByTestId('audit-entries').textContent()).toBe(before);
        await expect(page.getByTestId('audit-status')).toHaveText('Restored 2 events kept in this browser.');
        // The restored log goes on as the same chain: one more event, then the CLI sees no break.
        await append(page, 'drawdown', 3);
        await page.getByTestId('audit-verify').click();
        await expect(page.getByTestId('audit-status')).toHaveText('Replayed in this page: all 3 events give the same decision under the policy they were recorded with.');
        await save(page, /Download all/, dir);
        await run('unzip', ['-q', 'policygate-audit.zip'], dir);
        const events = readFileSync(join(dir, 'policygate-audit.jsonl'), 'utf8')
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l));
        expect(events.map((e) => e.chain_seq)).toEqual([0, 1, 2]);
        expect(new Set(events.map((e) => e.chain_id)).size).toBe(1);
        const replayed = await replayAsShown(page, dir);
        expect(replayed.code).toBe(0);
        expect(replayed.stdout).toMatch(/chain breaks:\s+0/);

        // Cleared means cleared, after a reload too.
        await page.getByRole('button', { name: 'Clear', exact: true }).click();
        await expect(page.getByTestId('audit-entries')).toHaveCount(0);
        await page.reload();
        await expect(page.getByTestId('decision-badge')).toBeVisible();
        await expect(page.getByTestId('audit-storage')).toBeVisible();
        await expect(page.getByTestId('audit-entries')).toHaveCount(0);
        await expect(page.getByTestId('audit-append')).toBeEnabled();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('defect 8: editors below the fold have their line numbers beside their lines, in the text font, before they are scrolled to', async ({ page }) => {
      await openPlayground(page, '#preset=small-buy');
      const aligned = () =>
        page.evaluate(() => {
          const report: { id: string; below: boolean; problems: string[] }[] = [];
          for (const panel of document.querySelectorAll<HTMLElement>('[data-editor-panel]')) {
            const problems: string[] = [];
            const lines = [...panel.querySelectorAll<HTMLElement>('.cm-content > .cm-line')];
            const numbers = [...panel.querySelectorAll<HTMLElement>('.cm-lineNumbers .cm-gutterElement')].filter((g) => /^\d+$/.test(g.textContent!) && getComputedStyle(g).visibility !== 'hidden');
            for (const [k, line] of lines.entries()) {
              const number = numbers.find((g) => g.textContent === String(k + 1));
              if (!number) {
                problems.push(`no number for line ${k + 1}`);
                continue;
              }
              const l = line.getBoundingClientRect();
              const g = number.getBoundingClientRect();
              if (Math.abs(l.top - g.top) > 1 || Math.abs(l.height - g.height) > 1) problems.push(`line ${k + 1}: text at ${l.top}+${l.height}, number at ${g.top}+${g.height}`);
            }
            const gutters = panel.querySelector('.cm-gutters')!.getBoundingClientRect();
            const content = panel.querySelector('.cm-content')!.getBoundingClientRect();
            if (Math.abs(gutters.height - content.height) > 1) problems.push(`gutter ${gutters.height} px high, text ${content.height} px`);
            const fonts = [getComputedStyle(panel.querySelector('.cm-gutters')!).fontFamily, getComputedStyle(panel.querySelector('.cm-content')!).fontFamily];
            if (fonts[0] !== fonts[1]) problems.push(`gutter font ${fonts[0]}, text font ${fonts[1]}`);
            report.push({ id: panel.dataset.editorPanel!, below: panel.getBoundingClientRect().top > window.innerHeight, problems });
          }
          return { report, scrollY: window.scrollY };
        });
      const first = await aligned();
      expect(first.scrollY).toBe(0);
      expect(first.report.filter((r) => r.below).length).toBeGreaterThanOrEqual(2); // the case in question is there
      for (const r of first.report) expect(r.problems, r.id).toEqual([]);
      // Another workspace loaded while the editors are out of view: measured again.
      await page.locator('button[data-preset="fat-finger"]').click();
      await expectDecision(page, { ...findPresetExpect('fat-finger'), intentId: 'order-fat-finger' });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(200);
      const second = await aligned();
      for (const r of second.report) expect(r.problems, `${r.id} after a preset`).toEqual([]);
    });
  });
}

// One SDK, four runtimes: the same runtime-neutral script (conformance-run.mjs) runs the conformance
// cases (v0.1 and v0.2) and the reference audit replay against the BUILT package on Node, Deno, Bun and Chromium.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from '../conformance/cases.js';
import { launchChromium } from './chromium.js';
import { run, type Finished } from './spawn.js';
import { serveStatic } from './static-server.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const MAIN = join(REPO, 'tests/runtimes/main.mjs');
const BIN = join(REPO, 'node_modules/.bin');

// Expected counts come from the data, not from constants.
const CASES = readJsonl('cases.jsonl').length;
const CASES_V02 = readJsonl('cases-v02.jsonl').length;
const EVENTS = readJsonl('reference-audit.jsonl').length;

/** The report lines every runtime must print. */
function expectAllPassed(lines: readonly string[]) {
  expect(lines).toContain(`conformance cases: ${CASES} passed, 0 failed`);
  expect(lines).toContain(`conformance cases v0.2: ${CASES_V02} passed, 0 failed`);
  expect(lines).toContain(`reference audit replay: ${EVENTS} passed, 0 failed`);
  expect(lines.at(-1)).toBe(`${CASES + CASES_V02 + EVENTS} passed, 0 failed`);
}

function expectCleanRun(name: string, result: Finished) {
  console.log(`[${name}]\n${result.stdout.trim()}${result.stderr.trim() ? `\n[${name} stderr]\n${result.stderr.trim()}` : ''}`);
  expectAllPassed(result.stdout.trim().split('\n'));
  expect(result.code).toBe(0);
}

beforeAll(() => {
  if (!existsSync(join(REPO, 'packages/policygate-capital/dist/index.js'))) throw new Error('build the package first: npm run build');
});

describe('the built package runs the conformance suite unchanged on every runtime', () => {
  it('holds data to run', () => {
    expect(CASES).toBe(1500);
    expect(CASES_V02).toBe(1500);
    expect(EVENTS).toBe(300);
  });

  it('on Node', async () => {
    const result = await run(process.execPath, [MAIN]);
    expect(result.stdout).toContain(`on node ${process.versions.node}`);
    expectCleanRun('node', result);
  });

  it('on Deno (read access to the repository only, no remote imports)', async () => {
    const denoDir = mkdtempSync(join(tmpdir(), 'pgc-deno-'));
    try {
      // yaml's Node build (which Deno resolves) reads two debug variables when it parses.
      const result = await run(join(BIN, 'deno'), ['run', '--no-remote', `--allow-read=${REPO}`, '--allow-env=LOG_TOKENS,LOG_STREAM', MAIN], {
        env: { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1' },
      });
      expect(result.stdout).toMatch(/ on deno \d+\.\d+/);
      expectCleanRun('deno', result);
    } finally {
      rmSync(denoDir, { recursive: true, force: true });
    }
  });

  it('on Bun', async () => {
    const result = await run(join(BIN, 'bun'), ['run', MAIN]);
    expect(result.stdout).toMatch(/ on bun \d+\.\d+/);
    expectCleanRun('bun', result);
  });

  describe('in headless Chromium, loaded as ESM from a static server with an import map', () => {
    let server: Awaited<ReturnType<typeof serveStatic>>;
    beforeAll(async () => {
      server = await serveStatic(dirname(REPO), [basename(REPO)]);
    });
    afterAll(() => server?.close());

    it('passes every case and replays every event', async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
        await page.goto(`${server.url}/${basename(REPO)}/tests/runtimes/index.html`);
        await page.waitForFunction(() => (window as any).__report || (window as any).__error, undefined, { timeout: 50_000 });
        const { report, error, userAgent } = await page.evaluate(() => ({ report: (window as any).__report, error: (window as any).__error, userAgent: navigator.userAgent }));
        console.log(`[chromium]\n${report ? report.lines.join('\n') : `error: ${error}`}`);
        expect(error).toBeUndefined();
        expect(errors).toEqual([]);
        expect(userAgent).toMatch(/Chrome\/\d+/);
        expectAllPassed(report.lines);
        expect(report.failed).toBe(0);
      } finally {
        await browser.close();
      }
    });
  });
});

// End-to-end tests of the playground: the BUILT static site (site/dist, made by `npm run build -w
// site`) served by `astro preview`, driven in headless Debian Chromium. Never `playwright install`.
import { defineConfig } from '@playwright/test';
import { chromiumPath } from '../../scripts/system-deps.mjs';

const port = Number(process.env.PLAYGROUND_E2E_PORT ?? 4329);

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  // No retries: a test that fails once is a defect to find (the two of 2026-12-03 were a click lost
  // to the layout shift of the explanation arriving, and a caret checked before CodeMirror's scroll).
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: chromiumPath(), // the one scripts/setup.mjs checks before any test runs
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
    trace: 'off',
  },
  webServer: {
    // node runs astro directly (no npx wrapper), so stopping the server stops the server itself.
    command: `node ../node_modules/astro/astro.js preview --host 127.0.0.1 --port ${port}`,
    cwd: '../../site',
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});

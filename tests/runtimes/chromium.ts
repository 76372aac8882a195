// Launches the Debian Chromium through playwright-core (never `playwright install`).
import { chromium, type Browser } from 'playwright-core';
import { chromiumPath } from '../../scripts/system-deps.mjs';

/** Where the system Chromium lives (`PGC_CHROMIUM` overrides it; scripts/setup.mjs checks it). */
export const CHROMIUM_PATH = chromiumPath();

/** A headless Chromium with no background network traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

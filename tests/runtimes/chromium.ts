// Launches the Debian Chromium through playwright-core (never `playwright install`).
import { chromium, type Browser } from 'playwright-core';

/** Where the system Chromium lives. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** A headless Chromium with no background network traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

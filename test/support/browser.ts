// Headless Chromium for tests of the pages Firewatch serves: Debian's chromium driven by playwright-core.
// CI installs it (.ci/run); elsewhere a test that needs it is skipped when it is not installed, and says so.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** In CI the browser must be there; on a developer's machine without it, browser tests are skipped. */
export const hasBrowser = existsSync(CHROMIUM) || process.env.CI === 'true';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

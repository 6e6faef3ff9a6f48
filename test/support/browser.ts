// Headless Chromium for tests of the pages Firewatch serves: Debian's chromium driven by playwright-core.
// CI installs it (.ci/run); elsewhere a test that needs it is skipped when it is not installed, and says so.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** In CI the browser must be there; on a developer's machine without it, browser tests are skipped. */
export const hasBrowser = existsSync(CHROMIUM) || process.env.CI === 'true';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A browser context that lets axe-core's script in past the pages' CSP (which, rightly, lets nothing in). */
export function testContext(browser: Browser, options: { javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext({ bypassCSP: true, ...options });
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** What axe-core reports as serious or critical on the page, one line per rule and element. */
export async function seriousA11yProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  // Runs in the page, where axe-core's script has defined `axe`; with no context it checks the whole document.
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: () => Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} at ${n.target.join(' ')}`));
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * Keeps a screenshot of the page under test-results/ (ignored by git) for whoever looks at a run;
 * UPDATE_SCREENSHOTS=1 also writes it to docs/screenshots/, where the README shows it.
 */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  const shot = await page.screenshot({ path: `test-results/${name}.png`, fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS) await writeFile(`docs/screenshots/${name}.png`, shot);
}

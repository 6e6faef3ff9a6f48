// The insights, follow-up and audit pages in a real browser: no serious accessibility problem on any,
// the charts' SVG parses as XML, and each page is kept as a screenshot.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema.js';
import { hasBrowser, keepScreenshot, launchBrowser, seriousA11yProblems, testContext } from '../support/browser.js';
import { DAY, seedAlertGroup, seedFollowup, seedIncident } from '../support/console-seed.js';
import { useFirewatch } from '../support/harness.js';

const fw = useFirewatch({ console: true });
let browser: Browser | undefined;

beforeAll(async () => {
  const db = fw.db;
  const severities = ['sev1', 'sev2', 'sev3', 'sev4'];
  for (let i = 0; i < 24; i += 1) {
    const id = await seedIncident(db, {
      title: `Incident ${i}`,
      severity: severities[i % 4],
      type: ['availability', 'performance', 'security'][i % 3],
      ageMs: (i * 3 + 1) * DAY,
      ackAfterMin: 2 + (i % 7) * 3,
      resolveAfterMin: 30 + (i % 5) * 40,
    });
    if (i % 2 === 0) await seedAlertGroup(db, 'prom', `Alert${i % 6}`, id);
    await seedFollowup(db, id, {
      text: `Follow-up of incident ${i}`,
      owner: i % 2 ? 'U0ALICE' : 'U0BOB',
      dueInDays: i - 10,
      doneBy: i % 3 === 0 ? 'U0CAROL' : undefined,
    });
  }
  for (let i = 0; i < 5; i += 1)
    await db
      .insert(auditLog)
      .values({ actor: 'U0ALICE', action: 'override.created', subject: `primary-${i}`, before: null, after: { user: 'U0BOB', hours: i } });
  if (hasBrowser) browser = await launchBrowser();
});
afterAll(() => browser?.close());

/** Every chart's SVG, parsed as XML by the browser: the names of any that do not parse. */
const unparsableCharts = (tab: Page) =>
  // A string, since this runs in the page, whose DOM types the Node project does not load.
  tab.evaluate<string[]>(`[...document.querySelectorAll('svg.chart')]
    .filter((svg) => new DOMParser().parseFromString(svg.outerHTML, 'image/svg+xml').querySelector('parsererror'))
    .map((svg) => svg.getAttribute('aria-labelledby'))`);

describe.runIf(hasBrowser)('the insights, follow-up and audit pages in a browser', () => {
  it('are accessible, without JavaScript as with it', async () => {
    for (const javaScriptEnabled of [true, false]) {
      const tab = await (await testContext(browser!, { javaScriptEnabled })).newPage();
      tab.setDefaultTimeout(10_000);
      await tab.goto(`${fw.app.url}/`);
      await tab.getByRole('link', { name: 'Alice Doe (Firewatch Test)' }).click();
      await expect.poll(() => tab.locator('header .who').textContent()).toContain('Signed in as');

      await tab.getByRole('link', { name: 'Insights' }).click();
      await expect.poll(() => tab.locator('h1').textContent()).toBe('Insights');
      // Six charts of incidents, follow-ups and alert groups, and two of the services they affected.
      expect(await tab.locator('svg.chart[role="img"]').count()).toBe(8);
      await tab.getByRole('figure', { name: 'Incidents per week by severity' }).getByText('The numbers').click();
      await expect.poll(() => tab.getByRole('table').first().isVisible()).toBe(true);
      if (javaScriptEnabled) {
        expect(await unparsableCharts(tab)).toEqual([]);
        expect(await seriousA11yProblems(tab)).toEqual([]);
        await keepScreenshot(tab, 'console-insights');
      }

      await tab.getByRole('link', { name: 'Follow-ups' }).click();
      await expect.poll(() => tab.locator('h1').textContent()).toBe('Follow-ups');
      await tab.getByLabel('Show').selectOption('overdue');
      await tab.getByRole('button', { name: 'Filter' }).click();
      await tab.waitForURL(/state=overdue/);
      await expect.poll(() => tab.locator('tbody strong.overdue').count()).toBeGreaterThan(0);
      expect(await tab.locator('tbody tr').count()).toBe(await tab.locator('tbody strong.overdue').count());
      await tab.getByLabel('Show').selectOption('all');
      await tab.getByRole('button', { name: 'Filter' }).click();
      await tab.waitForURL(/state=all/);
      await expect.poll(() => tab.locator('tbody tr').count()).toBe(24);
      if (javaScriptEnabled) {
        expect(await seriousA11yProblems(tab)).toEqual([]);
        await keepScreenshot(tab, 'console-followups');
      }

      await tab.getByRole('link', { name: 'Audit log' }).click();
      await expect.poll(() => tab.locator('h1').textContent()).toBe('Audit log');
      // Signing in is on the log too; the overrides are what this checks.
      await tab.getByLabel('Action').selectOption('override.created');
      await tab.getByRole('button', { name: 'Filter' }).click();
      await tab.waitForURL(/action=override\.created/);
      await tab.getByText('Before and after').first().click();
      await expect.poll(() => tab.locator('pre.json').first().textContent()).toBe('{"user":"U0BOB","hours":4}');
      if (javaScriptEnabled) {
        expect(await seriousA11yProblems(tab)).toEqual([]);
        await keepScreenshot(tab, 'console-audit');
      }
      await tab.context().close();
    }
  }, 90_000);
});

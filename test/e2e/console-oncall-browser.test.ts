// The on-call page in a real browser: signed in through the emulator, the page and its DST week read
// without serious accessibility problems, and its plain GET form (no script) chooses a schedule and weeks.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBrowser, keepScreenshot, launchBrowser, seriousA11yProblems, testContext } from '../support/browser.js';
import { useFirewatch } from '../support/harness.js';

const fw = useFirewatch({
  console: true,
  config: {
    schedules: [
      {
        id: 'ops',
        time_zone: 'Europe/Berlin',
        rotation: { start: '2026-01-05T09:00', length: '1w', users: ['U0ALICE', 'U0BOB'] },
        overrides: [{ user: 'U0CAROL', start: '2027-03-24T12:00', end: '2027-03-25T12:00' }],
      },
      { id: 'web', time_zone: 'America/New_York', rotation: { start: '2026-01-05T09:00', length: '1d', users: ['U0BOB', 'U0CAROL'] } },
    ],
  },
});

let browser: Browser | undefined;
beforeAll(async () => {
  if (hasBrowser) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.runIf(hasBrowser)('the on-call page in a browser', () => {
  it('reads without serious accessibility problems, and its plain form (the page has no script) focuses one schedule', async () => {
    const tab = await (await testContext(browser!)).newPage();
    await tab.goto(`${fw.app.url}/oncall`);
    await tab.getByRole('link', { name: 'Alice Doe (Firewatch Test)' }).click();
    await expect.poll(() => tab.locator('header .who').textContent()).toContain('Signed in as Alice Doe');
    await tab.goto(`${fw.app.url}/oncall?from=2027-03-20&weeks=2`);
    await expect.poll(() => tab.locator('h1').textContent()).toBe('On-call');
    await expect.poll(() => tab.getByText('Clocks go forward 1 h (CET→CEST)').count()).toBe(1);
    expect(await tab.getByRole('table', { name: 'On call now' }).count()).toBe(1);
    expect(await tab.getByRole('table', { name: 'ops: week from Sat 2027-03-20' }).getByText('Override').count()).toBe(1);
    expect(await tab.locator('script').count()).toBe(0);
    expect(await seriousA11yProblems(tab)).toEqual([]);
    await keepScreenshot(tab, 'console-oncall');

    await tab.getByLabel('Schedule').selectOption('web');
    await tab.getByLabel('Show').selectOption('1');
    await tab.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => tab.locator('h2[id^="schedule-"]').allTextContents()).toEqual(['web']);
    expect(new URL(tab.url()).searchParams.get('weeks')).toBe('1');
    expect(await tab.getByRole('table', { name: /^web: week from/ }).count()).toBe(1);
    expect(await seriousA11yProblems(tab)).toEqual([]);
    await tab.close();
  });
});

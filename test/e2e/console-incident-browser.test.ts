// The incident page in a real browser: an update posted through Slack appears on the open page's timeline
// without a reload, once; and the page has no serious accessibility problem.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBrowser, keepScreenshot, launchBrowser, seriousA11yProblems, testContext } from '../support/browser.js';
import { useFirewatch } from '../support/harness.js';

const fw = useFirewatch({ console: true });
let browser: Browser | undefined;

beforeAll(async () => {
  if (hasBrowser) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.runIf(hasBrowser)('the incident page in a browser', () => {
  it('shows an update made in Slack live, without a reload', async () => {
    const { id } = await fw.declare('Checkout latency in EU');
    await fw.run('update Looking at the payment provider', { incident: id });
    const tab = await (await testContext(browser!)).newPage();
    await tab.goto(`${fw.app.url}/`);
    await tab.getByRole('link', { name: 'Alice Doe (Firewatch Test)' }).click();
    await expect.poll(() => tab.locator('header .who').textContent()).toContain('Signed in as Alice Doe');
    await tab.goto(`${fw.app.url}/incidents/INC-${id}`);
    await expect.poll(() => tab.locator('h1').textContent()).toContain(`INC-${id}: Checkout latency in EU`);
    const items = tab.locator('#timeline li');
    const before = await items.count();
    // The page is loaded; mark it, so a reload would show.
    await tab.evaluate("document.body.setAttribute('data-loaded-once', 'yes')");

    await fw.run('update Failing over to the second provider', { incident: id });
    await expect.poll(() => items.last().textContent(), { timeout: 10_000 }).toContain('Failing over to the second provider');
    expect(await items.count()).toBe(before + 1);
    expect(await tab.locator('body').getAttribute('data-loaded-once')).toBe('yes');

    expect(await seriousA11yProblems(tab)).toEqual([]);
    await keepScreenshot(tab, 'console-incident');
    await tab.close();
  });
});

// An internal status page (`status_page.public: false`) in a real browser: signed out, the page sends the
// browser to sign in; signed in through the emulator, the page, a component's and the incident history
// show what was published, and axe finds no serious problem on any of them.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBrowser, launchBrowser, seriousA11yProblems, testContext } from '../support/browser.js';
import { useFirewatch } from '../support/harness.js';

const fw = useFirewatch({
  console: true,
  config: {
    status_page: {
      title: 'Internal Status',
      public: false,
      components: [
        { id: 'api', name: 'API' },
        { id: 'builds', name: 'Build farm' },
      ],
    },
  },
});

let browser: Browser | undefined;
beforeAll(async () => {
  if (hasBrowser) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.runIf(hasBrowser)('an internal status page in a browser', () => {
  it('asks for the sign-in first, then reads without serious accessibility problems', async () => {
    const { id } = await fw.declare('Build farm queue stuck');
    await fw.run('statuspage builds major_outage Builds are queued; staff only', { incident: id });

    const tab = await (await testContext(browser!)).newPage();
    await tab.goto(`${fw.app.url}/status/history`);
    expect(new URL(tab.url()).pathname).toBe('/openid/connect/authorize');
    await tab.getByRole('link', { name: 'Alice Doe (Firewatch Test)' }).click();
    await expect.poll(() => tab.locator('header .who').textContent()).toContain('Signed in as Alice Doe');

    for (const [path, h1] of [
      ['/status', 'Internal Status'],
      ['/status?component=builds', 'Build farm · Internal Status'],
      ['/status/history', 'Incident history · Internal Status'],
    ] as const) {
      const response = await tab.goto(`${fw.app.url}${path}`);
      expect(response?.status(), path).toBe(200);
      expect(await tab.locator('h1').textContent(), path).toBe(h1);
      expect(await tab.locator('body').textContent(), path).toContain('Builds are queued; staff only');
      expect(await seriousA11yProblems(tab), path).toEqual([]);
    }
    await tab.context().close();
  });
});

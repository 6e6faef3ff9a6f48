// The public status page in a real browser with JavaScript turned off: everything is there without it, a
// published title that is HTML shows as text, and the page asks for nothing beyond itself.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBrowser, launchBrowser } from '../support/browser.js';
import { useFirewatch } from '../support/harness.js';

const fw = useFirewatch({
  config: {
    status_page: {
      title: 'Acme Status',
      components: [
        { id: 'api', name: 'API' },
        { id: 'web', name: 'Website' },
      ],
    },
  },
});
let browser: Browser;

beforeAll(async () => {
  if (hasBrowser) browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe.runIf(hasBrowser)('/status in a browser without JavaScript', () => {
  it('shows the title, each component’s state and the published incident, with injected markup as text', async () => {
    const title = '<img src=x onerror="document.title=1">Checkout errors';
    const { id } = await fw.declare(title, { severity: 'sev2' });
    await fw.run('statuspage web major_outage <i>Checkout</i> is failing for everyone', { incident: id });

    const context = await browser.newContext({ javaScriptEnabled: false });
    const tab = await context.newPage();
    const requested: string[] = [];
    tab.on('request', (r) => requested.push(r.url()));
    const response = await tab.goto(`${fw.app.url}/status`);
    expect(response?.status()).toBe(200);

    expect(await tab.locator('h1').textContent()).toBe('Acme Status');
    expect(await tab.title()).toBe('Acme Status');
    expect(await tab.locator('.banner').textContent()).toBe('Major System Outage');
    expect(await tab.locator('li.component').allTextContents()).toEqual(['APIOperational', 'WebsiteMajor outage']);
    expect(await tab.locator('article h3').allTextContents()).toEqual([title]);
    expect(await tab.locator('article .update p').first().textContent()).toContain('<i>Checkout</i> is failing for everyone');
    expect(await tab.locator('article img, article i').count()).toBe(0);
    expect(requested).toEqual([`${fw.app.url}/status`]);
    await context.close();
  });
});

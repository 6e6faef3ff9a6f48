// Nothing from a CDN, on every console page: each answers with the CSP that lets scripts, styles, images
// and connections come from Firewatch only, and a real browser loading each (its stylesheet, scripts, SVG
// charts and live timeline) asks nothing of any other origin. The pages people land on when something did
// not work (signed out, sign-in failed, console not configured, no such incident, a refused declaration)
// have no serious accessibility problem either.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../support/app.js';
import { hasBrowser, keepScreenshot, launchBrowser, seriousA11yProblems, testContext } from '../support/browser.js';
import { seedFollowup } from '../support/console-seed.js';
import { visitAs } from '../support/console.js';
import { useFirewatch } from '../support/harness.js';

const fw = useFirewatch({
  console: true,
  config: {
    schedules: [
      { id: 'ops', time_zone: 'Europe/Berlin', rotation: { start: '2026-01-05T09:00', length: '1w', users: ['U0ALICE', 'U0BOB'] } },
    ],
  },
});
let browser: Browser | undefined;
let incidentId = 0;

beforeAll(async () => {
  if (hasBrowser) browser = await launchBrowser();
});
beforeAll(async () => {
  const { id } = await fw.declare('Edge cache misses');
  await fw.run('update Purging the cache', { incident: id });
  await seedFollowup(fw.db, id, { text: 'Alert on the cache hit ratio', owner: 'U0BOB', dueInDays: 7 });
  incidentId = id;
});
afterAll(async () => {
  await browser?.close();
});

/** Every page of the console's navigation, and an incident's page with its live timeline. */
const consolePages = () => [
  '/',
  '/incidents',
  '/incidents/new',
  `/incidents/INC-${incidentId}`,
  '/insights',
  '/oncall',
  '/followups',
  '/audit',
];

/** A CSP header as directive → sources. */
function directives(csp: string | null): Record<string, string[]> {
  return Object.fromEntries(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name!, sources]),
  );
}

function expectFirewatchOnly(csp: string | null, where: string): void {
  const policy = directives(csp);
  expect(policy['default-src'], where).toEqual(["'none'"]);
  expect(policy['script-src'], where).toEqual(["'self'"]);
  expect(policy['style-src'], where).toEqual(["'self'"]);
  expect(policy['img-src'], where).toEqual(["'self'", 'data:']);
  expect(policy['connect-src'], where).toEqual(["'self'"]);
}

describe('the console’s Content-Security-Policy', () => {
  it('lets scripts, styles, images and connections come from Firewatch only, on every console page', async () => {
    const alice = await visitAs(fw.slack, fw.app.url, 'U0ALICE');
    for (const path of [...consolePages(), '/incidents/INC-999999', '/oncall?schedule=ops&weeks=1']) {
      const res = await alice.get(path);
      expect(res.status, path).toBe(path === '/incidents/INC-999999' ? 404 : 200);
      expectFirewatchOnly(res.headers.get('content-security-policy'), path);
    }
    const refused = await alice.post('/incidents/new', { title: 'Refused', severity: 'sev3', lead: 'nobody' });
    expect(refused.status).toBe(400);
    expectFirewatchOnly(refused.headers.get('content-security-policy'), 'a refused declaration');
  });
});

async function signedInTab(): Promise<Page> {
  const tab = await (await testContext(browser!)).newPage();
  await tab.goto(`${fw.app.url}/`);
  await tab.getByRole('link', { name: 'Alice Doe (Firewatch Test)' }).click();
  await expect.poll(() => tab.locator('header .who').textContent()).toContain('Signed in as Alice Doe');
  return tab;
}

describe.runIf(hasBrowser)('the console pages in a browser', () => {
  it('load nothing from outside Firewatch: every request each page makes goes to its own origin', async () => {
    const tab = await signedInTab();
    for (const path of consolePages()) {
      const requested: string[] = [];
      const record = (r: { url: () => string }) => requested.push(r.url());
      tab.on('request', record);
      const res = await tab.goto(`${fw.app.url}${path}`);
      expect(res?.status(), path).toBe(200);
      // The incident page's scripts run after the load: its live timeline connects, so wait for that too.
      if (path.startsWith('/incidents/INC-')) await expect.poll(() => requested.some((u) => u.includes('/events'))).toBe(true);
      tab.off('request', record);
      expect(requested, path).toContain(`${fw.app.url}${path}`);
      const elsewhere = requested.filter((u) => !u.startsWith('data:') && new URL(u).origin !== fw.app.url);
      expect(elsewhere, path).toEqual([]);
      expectFirewatchOnly(res!.headers()['content-security-policy'] ?? null, path);
    }
    await tab.close();
  });

  it('the no-such-incident page and a refused declaration have no serious accessibility problem', async () => {
    const tab = await signedInTab();
    const missing = await tab.goto(`${fw.app.url}/incidents/INC-999999`);
    expect(missing?.status()).toBe(404);
    expect(await tab.locator('h1').textContent()).toBe('No such incident');
    expect(await seriousA11yProblems(tab)).toEqual([]);
    await keepScreenshot(tab, 'console-not-found');

    await tab.goto(`${fw.app.url}/incidents/new`);
    await tab.getByLabel('Title').fill('Declared with a bad lead');
    await tab.getByLabel('Lead (Slack user ID; empty for none yet)').fill('nobody');
    await tab.getByRole('button', { name: 'Declare' }).click();
    await expect.poll(() => tab.locator('[role="alert"]').textContent()).toContain('The incident was not declared');
    expect(await tab.getByLabel(/^Lead/).getAttribute('aria-invalid')).toBe('true');
    expect(await seriousA11yProblems(tab)).toEqual([]);
    await keepScreenshot(tab, 'console-declare-refused');
    await tab.close();
  });

  it('the signed-out and sign-in-failed pages have no serious accessibility problem', async () => {
    const tab = await signedInTab();
    await tab.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => tab.locator('h1').textContent()).toBe('You are signed out');
    expect(await seriousA11yProblems(tab)).toEqual([]);
    await keepScreenshot(tab, 'console-signed-out');

    const failed = await tab.goto(`${fw.app.url}/auth/slack/callback?code=x&state=not-this-browsers`);
    expect(failed?.status()).toBe(400);
    expect(await tab.locator('h1').textContent()).toBe('Sign-in failed');
    expect(await seriousA11yProblems(tab)).toEqual([]);
    await keepScreenshot(tab, 'console-sign-in-failed');
    await tab.close();
  });

  it('the console-not-configured page has no serious accessibility problem', async () => {
    const plain = await startApp(fw.slack, fw.database.database);
    try {
      const tab = await (await testContext(browser!)).newPage();
      const res = await tab.goto(`${plain.url}/`);
      expect(res?.status()).toBe(404);
      expect(await tab.locator('h1').textContent()).toBe('The console is not configured');
      expect(await seriousA11yProblems(tab)).toEqual([]);
      await keepScreenshot(tab, 'console-not-configured');
      await tab.close();
    } finally {
      await plain.stop();
    }
  });
});

// The status page in a real browser, with JavaScript off and on: the same page either way (it has no
// script), a published title that is HTML shows as text, and the page asks for nothing beyond itself. The
// publication flow end to end: declared in Slack, nothing public; the summary's Status page button, the
// preview, Publish; then the page shows the public message and never the internal update. The incident
// history, the same with JavaScript off and on, paged by plain links. No serious axe problem on the page, a
// component's page, the incident history or an unknown component's 404.
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidents, statusPublications } from '../../src/db/schema.js';
import { hasBrowser, keepScreenshot, launchBrowser, seriousA11yProblems, testContext } from '../support/browser.js';
import { useFirewatch } from '../support/harness.js';
import { clickButton } from '../support/slack-requests.js';

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

/** What a person reads on /status: the heading, the banner, each component and the incidents' titles. */
async function readPage(javaScriptEnabled: boolean, path = '/status') {
  const context = await testContext(browser, { javaScriptEnabled });
  const tab = await context.newPage();
  const requested: string[] = [];
  tab.on('request', (r) => requested.push(r.url()));
  const response = await tab.goto(`${fw.app.url}${path}`);
  const read = {
    status: response?.status(),
    h1: await tab.locator('h1').textContent(),
    banner: await tab.locator('.banner').textContent(),
    components: await tab.locator('li .component').allTextContents(),
    incidents: await tab.locator('article h3').allTextContents(),
    updates: await tab.locator('article .update p').allTextContents(),
    requested,
  };
  return { tab, context, read };
}

describe.runIf(hasBrowser)('/status in a browser', () => {
  it('is the same page with JavaScript off and on, injected markup shown as text', async () => {
    const title = '<img src=x onerror="document.title=1">Checkout errors';
    const { id } = await fw.declare(title, { severity: 'sev2' });
    await fw.run('statuspage web major_outage <i>Checkout</i> is failing for everyone', { incident: id });

    const off = await readPage(false);
    expect(off.read.status).toBe(200);
    expect(off.read.h1).toBe('Acme Status');
    expect(await off.tab.title()).toBe('Acme Status');
    expect(off.read.banner).toBe('Major System Outage');
    expect(off.read.components).toEqual(['APIOperational', 'WebsiteMajor outage']);
    expect(off.read.incidents).toEqual([title]);
    expect(off.read.updates[0]).toContain('<i>Checkout</i> is failing for everyone');
    expect(await off.tab.locator('article img, article i').count()).toBe(0);
    expect(off.read.requested).toEqual([`${fw.app.url}/status`]);
    await off.context.close();

    const on = await readPage(true);
    expect(on.read).toEqual(off.read);
    expect(await on.tab.title()).toBe('Acme Status');
    // The history link is a plain link: it works the same with or without JavaScript.
    await on.tab.getByRole('link', { name: 'Website history' }).click();
    await expect.poll(() => on.tab.locator('h1').textContent()).toBe('Website · Acme Status');
    expect(on.tab.url()).toBe(`${fw.app.url}/status?component=web`);
    await on.context.close();
  });

  it('publishes from Slack through the preview, and the page shows the public message, never the internal update', async () => {
    const { id, channel } = await fw.declare('Kafka broker kf-7 lost its disk', { severity: 'sev2' });
    await fw.run('update Internal: the numbat rebalance is stuck on kf-7', { incident: id });
    const before = await readPage(false);
    expect(before.read.incidents).not.toContain('Slow API responses');
    await before.context.close();

    const summary = fw.slack.messagesIn(channel).find((m) => JSON.stringify(m.blocks).includes('incident_status_page'));
    await clickButton(fw.app.url, fw.slack, summary!, 'incident_status_page');
    const form = await fw.slack.waitFor(() =>
      fw.slack.modal('U0ALICE')?.callbackId === 'statuspage_form' ? fw.slack.modal('U0ALICE') : undefined,
    );
    await form.submit({
      title: 'Slow API responses',
      components: ['api'],
      state: 'degraded_performance',
      message: 'Some API calls are slow; we are on it.',
    });
    const preview = fw.slack.modal('U0ALICE')!;
    expect(preview.callbackId).toBe('statuspage_preview');
    expect(preview.text()).toContain('*Slow API responses*\n*Investigating* · Some API calls are slow; we are on it.');
    expect((await preview.submit({})).errors).toBeUndefined();

    // axe runs as a script in the page, so these are read with JavaScript on (the page has none of its own).
    const after = await readPage(true);
    expect(after.read.components[0]).toBe('APIDegraded performance');
    expect(after.read.incidents).toContain('Slow API responses');
    expect(after.read.updates.join('\n')).toContain('Some API calls are slow; we are on it.');
    const text = (await after.tab.locator('body').textContent()) ?? '';
    expect(text).not.toMatch(/numbat|kf-7|Kafka/);
    expect(await seriousA11yProblems(after.tab)).toEqual([]);
    await keepScreenshot(after.tab, 'status-page');
    await after.context.close();

    const history = await readPage(true, '/status?component=api');
    expect(history.read.status).toBe(200);
    expect(history.read.h1).toBe('API · Acme Status');
    expect(history.read.incidents).toContain('Slow API responses');
    expect(await seriousA11yProblems(history.tab)).toEqual([]);
    await keepScreenshot(history.tab, 'status-component');
    await history.context.close();
  });
});

/** Noon UTC on `day` of the month `k` months before this one. */
function monthsAgo(k: number, day: number) {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, day, 12));
}
/** A publication at a time of the test's choosing (the command stamps now), as the page reads it. */
async function publishAt(
  incidentId: number,
  at: Date,
  status: 'investigating' | 'resolved',
  state: 'major_outage' | 'operational',
  message: string,
) {
  const [row] = await fw.db.select({ title: incidents.title }).from(incidents).where(eq(incidents.id, incidentId));
  await fw.db.insert(statusPublications).values({
    incidentId,
    title: row!.title,
    status,
    components: [{ id: 'api', state }],
    message,
    publishedBy: 'U0ALICE',
    publishedAt: at,
  });
}

/** What a person reads on the incident history: the months, the incidents' titles and lines, the page links. */
async function readHistory(tab: Page) {
  return {
    h1: await tab.locator('h1').textContent(),
    months: await tab.locator('section h2').allTextContents(),
    incidents: await tab.locator('article h3').allTextContents(),
    meta: await tab.locator('article .meta').allTextContents(),
    updates: await tab.locator('article .update p').allTextContents(),
    pages: await tab.getByRole('navigation', { name: 'Incident history pages' }).getByRole('link').allTextContents(),
  };
}

describe.runIf(hasBrowser)('/status/history in a browser', () => {
  it('is the same with JavaScript off and on, its older and newer links work without a script, and axe finds nothing serious', async () => {
    const { id } = await fw.declare('Payment confirmations delayed', { severity: 'sev2' });
    await fw.run('update Internal: the wombat consumer group is rebalancing', { incident: id });
    await fw.run('statuspage web partial_outage Some payment confirmations arrive late', { incident: id });
    await fw.run('resolve Consumers caught up', { incident: id });
    await fw.run('statuspage web operational Confirmations are on time again', { incident: id });
    const lastMonth = await fw.declare('Elevated API error rates');
    await publishAt(lastMonth.id, monthsAgo(1, 12), 'investigating', 'major_outage', 'About 5% of API requests fail.');
    await publishAt(lastMonth.id, new Date(monthsAgo(1, 12).getTime() + 5_400_000), 'resolved', 'operational', 'A bad node was removed.');
    const older = await fw.declare('Database maintenance overran');
    await publishAt(older.id, monthsAgo(4, 8), 'investigating', 'major_outage', 'The API is read-only while maintenance finishes.');

    const off = await (await testContext(browser, { javaScriptEnabled: false })).newPage();
    const requested: string[] = [];
    off.on('request', (r) => requested.push(r.url()));
    await off.goto(`${fw.app.url}/status`);
    await off.getByRole('link', { name: 'Incident history' }).click();
    await expect.poll(() => off.locator('h1').textContent()).toBe('Incident history · Acme Status');
    expect(off.url()).toBe(`${fw.app.url}/status/history`);
    const first = await readHistory(off);
    expect(first.months).toHaveLength(3);
    expect(first.incidents).toEqual(expect.arrayContaining(['Payment confirmations delayed', 'Elevated API error rates']));
    expect(first.incidents).not.toContain('Database maintenance overran');
    const payments = first.incidents.indexOf('Payment confirmations delayed');
    expect(first.meta[payments]).toMatch(/^Began .* UTC · Resolved .* UTC · Components: Website$/);
    expect(first.updates.join('\n')).toContain('Confirmations are on time again');
    expect((await off.locator('body').textContent()) ?? '').not.toMatch(/wombat|Consumers caught up/);
    expect(first.pages).toEqual(['Older →']);

    await off.getByRole('link', { name: 'Older →' }).click();
    await expect.poll(() => off.url()).toBe(`${fw.app.url}/status/history?page=2`);
    const second = await readHistory(off);
    expect(second.incidents).toEqual(['Database maintenance overran']);
    expect(second.meta[0]).toMatch(/Ongoing: Investigating · Components: API$/);
    expect(second.pages).toEqual(['← Newer']);
    await off.getByRole('link', { name: '← Newer' }).click();
    await expect.poll(() => off.url()).toBe(`${fw.app.url}/status/history`);
    expect(await readHistory(off)).toEqual(first);
    expect(requested.every((url) => url.startsWith(`${fw.app.url}/status`))).toBe(true);
    await off.context().close();

    const on = await (await testContext(browser)).newPage();
    await on.goto(`${fw.app.url}/status/history`);
    expect(await readHistory(on)).toEqual(first);
    expect(await seriousA11yProblems(on)).toEqual([]);
    await keepScreenshot(on, 'status-incident-history');
    await on.goto(`${fw.app.url}/status/history?page=2`);
    expect(await seriousA11yProblems(on)).toEqual([]);
    await on.context().close();
  });

  it('answers an unknown component with a 404 page that axe finds nothing serious on, linking to the real ones', async () => {
    const tab = await (await testContext(browser)).newPage();
    const response = await tab.goto(`${fw.app.url}/status?component=cdn`);
    expect(response?.status()).toBe(404);
    expect(await tab.getByRole('list').getByRole('link').allTextContents()).toEqual(['API', 'Website']);
    expect(await seriousA11yProblems(tab)).toEqual([]);
    await tab.context().close();
  });
});

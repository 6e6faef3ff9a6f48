// The incident page in a real browser: an update posted through Slack appears on the open page's timeline
// without a reload, once; with JavaScript its forms go through the JSON API (the update arrives on the live
// timeline, a refusal is shown in the form), without it they post to the console's routes; and the page,
// with pages and their receipts, follow-ups, alerts and a postmortem on it, has no serious accessibility problem.
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postmortems } from '../../src/db/schema.js';
import { hasBrowser, keepScreenshot, launchBrowser, seriousA11yProblems, testContext } from '../support/browser.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { postAlertmanager } from '../support/alertmanager.js';
import { SmtpTestServer } from '../support/smtp-server.js';

const ALERT_TOKEN = 'console-browser-alerts-token-0123456789';
const smtp = new SmtpTestServer();
beforeAll(() => smtp.start());
afterAll(() => smtp.stop());

const fw = useFirewatch({
  console: true,
  env: () => ({ SMTP_URL: smtp.url, SMTP_FROM: 'pager@firewatch.test' }),
  config: {
    integrations: [{ id: 'prom', type: 'alertmanager', token: ALERT_TOKEN, severity: 'sev3' }],
    people: [{ user: 'U0BOB', email: 'bob@example.com', rules: [{ after: '0m', via: ['slack', 'email'] }] }],
  },
});
let browser: Browser | undefined;

beforeAll(async () => {
  if (hasBrowser) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** A tab signed in as Alice through the emulator's authorize page (plain links, so it works without JavaScript too). */
async function signedInTab(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const tab = await (await testContext(browser!, options)).newPage();
  await tab.goto(`${fw.app.url}/`);
  await tab.getByRole('link', { name: 'Alice Doe (Firewatch Test)' }).click();
  await expect.poll(() => tab.locator('header .who').textContent()).toContain('Signed in as Alice Doe');
  return tab;
}

async function openIncident(tab: Page, id: number, title: string): Promise<void> {
  await tab.goto(`${fw.app.url}/incidents/INC-${id}`);
  await expect.poll(() => tab.locator('h1').textContent()).toContain(`INC-${id}: ${title}`);
  // Marked once loaded, so a reload or a form's navigation would show.
  await tab.evaluate("document.body.setAttribute('data-loaded-once', 'yes')");
}

const postedInSlack = (channel: string, text: string) =>
  fw.slack.waitFor(() => fw.slack.messagesIn(channel).find((m) => fw.slack.textOf(m).includes(text)));

describe.runIf(hasBrowser)('the incident page in a browser', () => {
  it('shows an update made in Slack live, without a reload', async () => {
    const { id } = await fw.declare('Checkout latency in EU');
    await fw.run('update Looking at the payment provider', { incident: id });
    const tab = await signedInTab();
    await openIncident(tab, id, 'Checkout latency in EU');
    const items = tab.locator('#timeline li');
    const before = await items.count();

    await fw.run('update Failing over to the second provider', { incident: id });
    await expect.poll(() => items.last().textContent(), { timeout: 10_000 }).toContain('Failing over to the second provider');
    expect(await items.count()).toBe(before + 1);
    expect(await tab.locator('body').getAttribute('data-loaded-once')).toBe('yes');

    expect(await seriousA11yProblems(tab)).toEqual([]);
    await keepScreenshot(tab, 'console-incident');
    await tab.close();
  });

  it('with JavaScript, sends its forms to the JSON API: the update arrives on the live timeline, a refusal shows in the form', async () => {
    const { id, channel } = await fw.declare('Payments webhook backlog');
    const tab = await signedInTab();
    await openIncident(tab, id, 'Payments webhook backlog');
    const requests: Request[] = [];
    tab.on('request', (r) => requests.push(r));
    const token = await tab.locator('meta[name="csrf-token"]').getAttribute('content');
    const updates = `${fw.app.url}/api/v1/incidents/INC-${id}/updates`;
    const timeline = tab.locator('#timeline li');

    const message = tab.getByRole('textbox', { name: 'Update', exact: true });
    await message.fill('Draining the backlog');
    await tab.getByLabel('Severity').selectOption('sev2');
    await tab.getByRole('button', { name: 'Post update' }).click();
    await expect.poll(() => timeline.last().textContent(), { timeout: 10_000 }).toContain('Draining the backlog');
    const sent = requests.filter((r) => r.url() === updates);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method()).toBe('POST');
    expect(sent[0]!.headers()).toMatchObject({ 'content-type': 'application/json', 'x-csrf-token': token });
    expect(sent[0]!.postDataJSON()).toEqual({ message: 'Draining the backlog', severity: 'sev2', expected_status: 'investigating' });
    expect(requests.filter((r) => r.url().startsWith(`${fw.app.url}/incidents/INC-${id}/`) && r.method() === 'POST')).toEqual([]);
    expect(await message.inputValue()).toBe('');
    await postedInSlack(channel, 'Draining the backlog');
    expect((await fw.incident(id)).severity).toBe('sev2');
    // The summary and the forms are redrawn from the server: the severity shown, and the one to keep, are SEV2.
    const summary = tab.locator('section[aria-labelledby="summary"]');
    await expect.poll(() => summary.locator('dt:text-is("Severity") + dd').textContent()).toBe('SEV2');
    expect(await tab.getByLabel('Severity').locator('option').first().textContent()).toBe('Keep SEV2');

    // Whitespace passes the browser's `required`; the API refuses it, and its message is shown in the form.
    const answered = tab.waitForResponse((r) => r.url() === updates);
    await message.fill('   ');
    await tab.getByRole('button', { name: 'Post update' }).click();
    const refusal = await answered;
    expect(refusal.status()).toBe(400);
    const { error } = (await refusal.json()) as { error: { message: string } };
    expect(error.message).toContain('write the update');
    await expect.poll(() => tab.locator('form.update [role="alert"]').textContent()).toBe(error.message);
    expect(await tab.locator('form.update [role="alert"]').isVisible()).toBe(true);

    // The status form, through the same endpoint; the next change is judged against the status it answered.
    await tab.getByLabel('New status').selectOption('identified');
    await tab.getByLabel('What changed').fill('Found the stuck consumer');
    await tab.getByRole('button', { name: 'Change status' }).click();
    await expect.poll(() => timeline.last().textContent(), { timeout: 10_000 }).toContain('Found the stuck consumer');
    expect((await fw.incident(id)).status).toBe('identified');
    await expect.poll(() => summary.locator('dt:text-is("Status") + dd').textContent()).toBe('Identified');
    expect(await tab.getByLabel('New status').locator('option').allTextContents()).not.toContain('Identified');
    expect(
      requests
        .filter((r) => r.url() === updates)
        .at(-1)!
        .postDataJSON(),
    ).toEqual({
      message: 'Found the stuck consumer',
      status: 'identified',
      expected_status: 'investigating',
    });
    await postedInSlack(channel, 'Found the stuck consumer');
    // Moved in Slack meanwhile: the page's next change is stale, refused with 409, and says so.
    await fw.run('status monitoring Consumer restarted', { incident: id });
    await tab.getByLabel('New status').selectOption('resolved');
    await tab.getByLabel('What changed').fill('From a page that had not caught up');
    const stale = tab.waitForResponse((r) => r.url() === updates);
    await tab.getByRole('button', { name: 'Change status' }).click();
    const conflict = await stale;
    expect(conflict.status()).toBe(409);
    const staleMessage = ((await conflict.json()) as { error: { message: string } }).error.message;
    expect(staleMessage).toContain('monitoring');
    await expect.poll(() => tab.locator('form.status [role="alert"]').textContent()).toBe(staleMessage);
    expect((await fw.incident(id)).status).toBe('monitoring');

    expect(await tab.locator('body').getAttribute('data-loaded-once')).toBe('yes');
    expect(await seriousA11yProblems(tab)).toEqual([]);
    await keepScreenshot(tab, 'console-incident-refused');
    await tab.close();
  });

  it('without JavaScript, posts the update form to the console route and comes back to the page', async () => {
    const { id, channel } = await fw.declare('Search index lag');
    const tab = await signedInTab({ javaScriptEnabled: false });
    await tab.goto(`${fw.app.url}/incidents/INC-${id}`);
    expect(await tab.locator('h1').textContent()).toContain(`INC-${id}: Search index lag`);
    const requests: Request[] = [];
    tab.on('request', (r) => requests.push(r));
    await tab.getByRole('textbox', { name: 'Update', exact: true }).fill('Reindexing the last hour');
    await tab.getByRole('button', { name: 'Post update' }).click();
    await expect.poll(() => tab.locator('#timeline li').last().textContent()).toContain('Reindexing the last hour');
    expect(new URL(tab.url()).pathname).toBe(`/incidents/INC-${id}`);
    const posted = requests.filter((r) => r.method() === 'POST').map((r) => new URL(r.url()).pathname);
    expect(posted).toEqual([`/incidents/INC-${id}/update`]);
    expect(requests.filter((r) => r.url().includes('/api/'))).toEqual([]);
    await postedInSlack(channel, 'Reindexing the last hour');
    await tab.close();
  });

  it('with pages and their receipts, follow-ups, alerts and a postmortem on it, has no serious accessibility problem', async () => {
    const res = await postAlertmanager(fw.app.url, ALERT_TOKEN, '{}:{alertname="DiskFull"}', [
      {
        labels: { alertname: 'DiskFull', instance: 'db-1' },
        annotations: { summary: 'Disk full on db-1' },
        fingerprint: 'fp-diskfull-db-1',
      },
    ]);
    expect(res.status).toBe(202);
    const id = Number(/INC-(\d+)/.exec(((await res.json()) as { incident: string }).incident)![1]);
    await fw.drained(id);
    const { channelId } = await fw.incident(id);
    await fw.run('page <@U0BOB>', { channel: channelId! });
    await until(
      async () => (await fw.events(id, 'page_attempt')).find((e) => (e.data as { state?: string }).state === 'sent'),
      'the e-mail receipt',
      15_000,
    );
    await fw.run('followup Add a disk usage alert at 80% <@U0CAROL> due:2030-01-31', { incident: id });
    await fw.db.insert(postmortems).values([
      { incidentId: id, version: 1, markdown: '# Postmortem\n\nFirst draft.', createdBy: 'U0ALICE' },
      {
        incidentId: id,
        version: 2,
        markdown:
          '# Postmortem\n\n## Impact\n\n- **Writes** failed for 12 minutes\n\n| Time | Event |\n| --- | --- |\n| 10:02 | Disk full |',
        createdBy: 'U0BOB',
      },
    ]);

    const tab = await signedInTab();
    await tab.goto(`${fw.app.url}/incidents/INC-${id}`);
    await expect.poll(() => tab.locator('#pages').textContent()).toBe('Pages');
    expect(await tab.locator('section:has(#pages) table').count()).toBe(1);
    expect(await tab.locator('ul.receipts li').allTextContents()).toEqual(expect.arrayContaining(['Slack DM sent']));
    expect(await tab.locator('section:has(#followups) tbody tr').count()).toBe(1);
    expect(await tab.locator('#postmortem').textContent()).toBe('Postmortem (version 2)');
    expect(await tab.locator('#alerts').textContent()).toBe('Alerts (1)');
    expect(await seriousA11yProblems(tab)).toEqual([]);
    await keepScreenshot(tab, 'console-incident-full');
    await tab.close();
  });
});

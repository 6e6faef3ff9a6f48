// The incident list and the declare form in a real browser (they carry no script of their own): sign in, see the list,
// narrow it with the filter form, declare from the form and land on the new incident's address while Slack
// gets its channel. Neither page has a serious accessibility problem.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBrowser, keepScreenshot, launchBrowser, seriousA11yProblems, testContext } from '../support/browser.js';
import { useFirewatch } from '../support/harness.js';
import { settledOutbox } from '../support/outbox.js';

const fw = useFirewatch({ console: true });
let browser: Browser | undefined;
beforeAll(async () => {
  if (hasBrowser) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.runIf(hasBrowser)('the console incidents pages in a browser', () => {
  it('lists, filters, and declares from the form', async () => {
    const outage = await fw.declare('Checkout errors in EU', { severity: 'sev1' });
    const slow = await fw.declare('Search is slow', { severity: 'sev3' });
    const tab = await (await testContext(browser!)).newPage();
    await tab.goto(`${fw.app.url}/`);
    await tab.getByRole('link', { name: 'Alice Doe (Firewatch Test)' }).click();
    await expect.poll(() => tab.locator('h1').textContent()).toBe('Incidents');
    const keys = () => tab.locator('tbody tr td:first-child').allTextContents();
    expect(await keys()).toEqual([`INC-${slow.id}`, `INC-${outage.id}`]);
    expect(await seriousA11yProblems(tab)).toEqual([]);
    await keepScreenshot(tab, 'console-incidents');

    await tab.getByRole('checkbox', { name: 'SEV1' }).check();
    await tab.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(keys).toEqual([`INC-${outage.id}`]);
    expect(new URL(tab.url()).searchParams.getAll('severity')).toEqual(['sev1']);
    expect(await tab.getByRole('checkbox', { name: 'SEV1' }).isChecked()).toBe(true);

    await tab.getByRole('link', { name: 'Declare' }).click();
    await expect.poll(() => tab.locator('h1').textContent()).toBe('Declare an incident');
    expect(await tab.getByLabel('Lead (Slack user ID; empty for none yet)').inputValue()).toBe('U0ALICE');
    expect(await seriousA11yProblems(tab)).toEqual([]);
    await tab.getByLabel('Title').fill('Payments declined from the console');
    await tab.getByLabel('Severity').selectOption('sev2');
    await tab.getByLabel('Type').selectOption('availability');
    await tab.getByLabel('Description').fill('Card payments fail for some customers');
    await keepScreenshot(tab, 'console-declare');
    await tab.getByRole('button', { name: 'Declare' }).click();
    await expect.poll(() => new URL(tab.url()).pathname).toMatch(/^\/incidents\/INC-\d+$/);
    const id = Number(/INC-(\d+)$/.exec(new URL(tab.url()).pathname)![1]);
    await settledOutbox(fw.db, id);
    const incident = await fw.incident(id);
    expect(incident).toMatchObject({ declaredBy: 'U0ALICE', source: 'console', severity: 'sev2' });
    expect(fw.slack.channels.get(incident.channelId!)?.name).toBe(`inc-${id}-payments-declined-from-the-console`);

    await tab.goto(`${fw.app.url}/incidents`);
    expect(await keys()).toEqual([`INC-${id}`, `INC-${slow.id}`, `INC-${outage.id}`]);
    await tab.close();
  });
});

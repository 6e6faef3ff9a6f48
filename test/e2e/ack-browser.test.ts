// The acknowledgement page in a real browser, as a person woken by an e-mail or a push opens it: the link
// shows the page without acknowledging, the button acknowledges, and a second visit says it was used.
// UPDATE_SCREENSHOTS=1 also writes the README's screenshots of both pages.
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pages } from '../../src/db/schema.js';
import { ackUrl, issueAckToken } from '../../src/paging/ack-tokens.js';
import { hasBrowser, launchBrowser } from '../support/browser.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');
const fw = useFirewatch();
let browser: Browser;

beforeAll(async () => {
  if (hasBrowser) browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe.runIf(hasBrowser)('the acknowledgement page in a browser', () => {
  it('shows the incident without acknowledging, acknowledges on its button, and then says the link was used', async () => {
    const { id, channel } = await fw.declare('Checkout latency over 2 s in eu-west-1');
    await fw.run('page <@U0BOB>', { channel, incident: id });
    const [page] = await fw.db.select().from(pages).where(eq(pages.incidentId, id)).orderBy(asc(pages.id));
    const token = await issueAckToken(fw.db, fw.app.services.secret, { pageId: page!.id, userId: 'U0BOB' });

    const tab = await browser.newPage({ viewport: { width: 480, height: 520 } });
    await tab.goto(ackUrl(fw.app.url, token));
    await expect.poll(() => tab.locator('h1').textContent()).toBe(`INC-${id}: Checkout latency over 2 s in eu-west-1`);
    expect((await fw.db.select().from(pages).where(eq(pages.id, page!.id)))[0]!.state).toBe('triggered');
    if (process.env.UPDATE_SCREENSHOTS) await tab.screenshot({ path: path.join(SCREENSHOTS, 'ack-confirm.png') });

    await tab.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => tab.locator('h1').textContent()).toBe('Acknowledged');
    await until(
      async () => ((await fw.db.select().from(pages).where(eq(pages.id, page!.id)))[0]?.state === 'acknowledged' ? true : undefined),
      'the page acknowledged',
    );
    if (process.env.UPDATE_SCREENSHOTS) await tab.screenshot({ path: path.join(SCREENSHOTS, 'ack-done.png') });

    await tab.goto(ackUrl(fw.app.url, token));
    await expect.poll(() => tab.locator('body').textContent()).toContain('This acknowledgement link was already used.');
    await tab.close();
  });
});

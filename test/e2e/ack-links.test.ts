import { asc, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { firewatchSecret, incidents, pages, type Page } from '../../src/db/schema.js';
import { loadFirewatchSecret } from '../../src/db/secret.js';
import type { Firewatch } from '../../src/firewatch.js';
import { ackUrl, issueAckToken } from '../../src/paging/ack-tokens.js';
import { startEmulator } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { useFirewatch } from '../support/harness.js';
import { spawnApp, type AppProcess } from '../support/process.js';
import type { SlackEmulator } from '../support/slack-emulator/index.js';

const fw = useFirewatch();

interface Paged {
  id: number;
  channel: string;
  page: Page;
  token: string;
}

/** Declares an incident, pages Bob in Slack, and issues Bob a link for that page, as an e-mail would carry. */
async function pageBob(title: string): Promise<Paged> {
  const { id, channel } = await fw.declare(title);
  expect(await fw.run('page <@U0BOB>', { channel, incident: id })).toContain(`Paging <@U0BOB> for INC-${id}.`);
  const page = await pageOf(id);
  const token = await issueAckToken(fw.db, fw.app.services.secret, { pageId: page.id, userId: 'U0BOB' });
  return { id, channel, page, token };
}

async function pageOf(incidentId: number): Promise<Page> {
  const [page] = await fw.db.select().from(pages).where(eq(pages.incidentId, incidentId)).orderBy(asc(pages.id));
  if (!page) throw new Error(`INC-${incidentId} has no page`);
  return page;
}

async function open(
  token: string,
  method: 'GET' | 'POST' = 'GET',
  base = fw.app.url,
): Promise<{ status: number; html: string; type: string }> {
  const r = await fetch(ackUrl(base, token), {
    method,
    ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' } : {}),
  });
  return { status: r.status, html: await r.text(), type: r.headers.get('content-type') ?? '' };
}

async function acknowledged(incidentId: number, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while ((await pageOf(incidentId)).state !== 'acknowledged') {
    if (Date.now() - started > timeoutMs) throw new Error(`the page of INC-${incidentId} was not acknowledged within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const acknowledgements = async (id: number) => (await fw.events(id, 'page_acknowledged')).length;
const bobDm = (id: number) => fw.dmsTo('U0BOB').find((m) => fw.slack.textOf(m).includes(`INC-${id}*`));

describe('GET /ack/<token>', () => {
  it('shows a page naming the incident and the person, with an Acknowledge button, and acknowledges nothing', async () => {
    const { id, channel, token } = await pageBob('Checkout latency');
    const { status, html, type } = await open(token);
    expect(status).toBe(200);
    expect(type).toBe('text/html; charset=utf-8');
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain(`INC-${id}: Checkout latency`);
    expect(html).toContain('<strong>bob</strong>');
    expect(html).toContain('<form method="post">');
    expect(html).toMatch(/<button type="submit">Acknowledge<\/button>/);
    expect(html).not.toMatch(/<script|<link|src=/);

    // Mail scanners open links, some more than once.
    await open(token);
    await fw.drained(id);
    expect((await pageOf(id)).state).toBe('triggered');
    expect(await acknowledgements(id)).toBe(0);
    expect(fw.slack.channels.get(channel)?.members.has('U0BOB')).toBe(false);
  });

  it('escapes the incident title', async () => {
    const { token } = await pageBob('Login <script>alert("x")</script> & more');
    const { html } = await open(token);
    expect(html).toContain('Login &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(html).not.toContain('<script>');
  });

  it('names a private incident by its key only', async () => {
    const { id, token } = await pageBob('Credential leak at vendor');
    await fw.db.update(incidents).set({ isPrivate: true }).where(eq(incidents.id, id));
    const { status, html } = await open(token);
    expect(status).toBe(200);
    expect(html).toContain(`INC-${id}`);
    expect(html).not.toContain('Credential leak');
  });
});

describe('POST /ack/<token>', () => {
  it('acknowledges the page as its person: the Slack DM says so and the person joins the incident channel', async () => {
    const { id, channel, token } = await pageBob('Payments failing');
    const { status, html } = await open(token, 'POST');
    expect(status).toBe(200);
    expect(html).toContain('<h1>Acknowledged</h1>');
    expect(html).toContain(`INC-${id}: Payments failing`);
    expect(html).toContain('escalation stopped');

    const page = await pageOf(id);
    expect(page.state).toBe('acknowledged');
    expect(page.acknowledgedBy).toBe('U0BOB');
    await fw.drained(id);
    expect(fw.slack.textOf(bobDm(id)!)).toContain('Acknowledged by <@U0BOB>');
    expect(fw.slack.channels.get(channel)?.members.has('U0BOB')).toBe(true);
  });

  it('says a second use was already used, and changes nothing', async () => {
    const { id, token } = await pageBob('Queue backlog');
    expect((await open(token, 'POST')).status).toBe(200);
    const again = await open(token, 'POST');
    expect(again.status).toBe(410);
    expect(again.html).toContain('This acknowledgement link was already used.');
    expect((await open(token)).status).toBe(410);
    await fw.drained(id);
    expect(await acknowledgements(id)).toBe(1);
  });

  it('says the page is over when it was acknowledged in Slack meanwhile, and changes nothing', async () => {
    const { id, token } = await pageBob('Search index stale');
    await bobDm(id)!.button('Acknowledge').click({ user: 'U0BOB' });
    // Bolt answers the click first and acknowledges right after.
    await acknowledged(id);
    await fw.drained(id);

    const shown = await open(token);
    expect(shown.status).toBe(410);
    expect(shown.html).toContain('This page is over: <strong>bob</strong> already acknowledged it.');
    const posted = await open(token, 'POST');
    expect(posted.status).toBe(410);
    expect(posted.html).toContain('This page is over');
    await fw.drained(id);
    expect(await acknowledgements(id)).toBe(1);
  });

  it('says the page is over once its incident is resolved', async () => {
    const { id, channel, token } = await pageBob('Cache stampede');
    await fw.run('resolve fixed', { channel, incident: id });
    const posted = await open(token, 'POST');
    expect(posted.status).toBe(410);
    expect(posted.html).toContain('its incident was resolved');
    expect((await pageOf(id)).state).toBe('resolved');
  });

  it('acknowledges a page that ran out of levels, as the Slack button still does', async () => {
    const { id, channel, token } = await pageBob('Replication lag');
    expect(await fw.run('page <@U0BOB>', { channel, incident: id })).toContain('that was the last level, and nobody acknowledged');
    expect((await pageOf(id)).state).toBe('exhausted');
    const posted = await open(token, 'POST');
    expect(posted.status).toBe(200);
    expect((await pageOf(id)).state).toBe('acknowledged');
  });

  it('answers 404 for a forged, altered or unknown token, and changes nothing', async () => {
    const { id, page, token } = await pageBob('DNS flapping');
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const [, , nonce] = token.split('.');
    for (const forged of [
      token.slice(0, -1) + last,
      token.replace(`${page.id}.U0BOB.`, `${page.id}.U0CAROL.`),
      `${page.id}.U0BOB.${nonce}.${'x'.repeat(43)}`,
      'not-a-token',
    ]) {
      const shown = await open(forged);
      expect(shown.status, forged).toBe(404);
      expect(shown.html).toContain('This acknowledgement link is not valid.');
      expect((await open(forged, 'POST')).status, forged).toBe(404);
    }
    await fw.drained(id);
    expect((await pageOf(id)).state).toBe('triggered');
    expect(await acknowledgements(id)).toBe(0);
  });

  it('acknowledges once when the link is posted twice at the same moment', async () => {
    const { id, token } = await pageBob('Disk full on db-2');
    const answers = await Promise.all([open(token, 'POST'), open(token, 'POST')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 410]);
    expect(answers.find((a) => a.status === 410)?.html).toContain('already used');
    await fw.drained(id);
    expect(await acknowledgements(id)).toBe(1);
  });
});

describe('the generated FIREWATCH_SECRET', () => {
  it('is one secret for every app started on the database at once, kept in the database', async () => {
    await fw.db.delete(firewatchSecret);
    const apps: Firewatch[] = await Promise.all([fw.startApp(), fw.startApp()]);
    try {
      const [a, b] = apps as [Firewatch, Firewatch];
      const rows = await fw.db.select().from(firewatchSecret);
      expect(rows).toHaveLength(1);
      expect(a.services.secret).toBe(rows[0]!.secret);
      expect(b.services.secret).toBe(rows[0]!.secret);
      expect(a.services.secret.length).toBeGreaterThanOrEqual(32);

      const { page } = await pageBob('Secret shared across replicas');
      const token = await issueAckToken(fw.db, a.services.secret, { pageId: page.id, userId: 'U0BOB' });
      expect((await open(token, 'GET', b.url)).status).toBe(200);
    } finally {
      await Promise.all(apps.map((app) => app.stop()));
    }
  });

  it('is FIREWATCH_SECRET instead when that is set, and the stored one is left alone', async () => {
    const stored = await loadFirewatchSecret(fw.db, undefined);
    expect(await loadFirewatchSecret(fw.db, 'configured-secret-of-32-characters!')).toBe('configured-secret-of-32-characters!');
    expect(await loadFirewatchSecret(fw.db, undefined)).toBe(stored);
  });

  // Separate processes share one database only on Postgres; PGlite is one process by design.
  describe.runIf(process.env.DATABASE_URL)('on Postgres, with two Firewatch processes', () => {
    let database: TestDatabase | undefined;
    let emu: SlackEmulator | undefined;
    const processes: AppProcess[] = [];
    afterAll(async () => {
      for (const p of processes) await p.kill('SIGKILL');
      await emu?.close();
      await database?.destroy();
    });

    it(
      'starts both at once on a fresh database, and each accepts a link signed with the one stored secret',
      { timeout: 120_000 },
      async () => {
        database = await createTestDatabase();
        emu = await startEmulator();
        processes.push(...(await Promise.all([spawnApp(emu, database, {}), spawnApp(emu, database, {})])));
        const rows = await database.database.db.select().from(firewatchSecret);
        expect(rows).toHaveLength(1);
        const secret = rows[0]!.secret;

        const [incident] = await database.database.db
          .insert(incidents)
          .values({ title: 'Two replicas', severity: 'sev1', status: 'investigating', declaredBy: 'U0ALICE' })
          .returning();
        const [page] = await database.database.db
          .insert(pages)
          .values({ incidentId: incident!.id, policyId: 'direct', policy: { id: 'direct', repeat: 0, levels: [] } })
          .returning();
        const token = await issueAckToken(database.database.db, secret, { pageId: page!.id, userId: 'U0BOB' });
        for (const p of processes) expect((await open(token, 'GET', p.url)).status, p.url).toBe(200);
      },
    );
  });
});

// The console's incident page over real HTTP: summary, roles, timeline, pages with their receipts,
// follow-ups and the postmortem's versions, everything typed escaped; private incidents 404 exactly as
// missing ones; the update and status forms go through the same domain call as Slack's /incident update;
// and the live timeline streams new events as server-sent events, resuming after Last-Event-ID.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidents, postmortems } from '../../src/db/schema.js';
import { cookieHeader, visitAs } from '../support/console.js';
import { escapeHtml } from '../../src/http/html.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { SmtpTestServer } from '../support/smtp-server.js';
import { postAlertmanager } from '../support/alertmanager.js';
import { openEventStream } from '../support/event-stream.js';

const ALERT_TOKEN = 'console-alerts-token-0123456789';
const smtp = new SmtpTestServer();
beforeAll(() => smtp.start());
afterAll(() => smtp.stop());

const fw = useFirewatch({
  console: true,
  env: () => ({ SMTP_URL: smtp.url, SMTP_FROM: 'pager@firewatch.test' }),
  config: {
    escalation_tick: '* * * * * *',
    integrations: [{ id: 'prom', type: 'alertmanager', token: ALERT_TOKEN, severity: 'sev3' }],
    alert_routes: [{ match: '{team="db"}', set: { severity: 'sev2' } }],
    people: [{ user: 'U0BOB', email: 'bob@example.com', rules: [{ after: '0m', via: ['slack', 'email'] }] }],
  },
});

const INJECTION = '<script>alert(1)</script><img src=x onerror=alert(2)>';

async function page(path: string, user = 'U0ALICE') {
  const visitor = await visitAs(fw.slack, fw.app.url, user);
  const res = await visitor.get(path);
  return { status: res.status, body: await res.text(), visitor };
}

describe('the console incident page', () => {
  it('lists the alerts that opened the incident, each with why it went where it went, labels escaped', async () => {
    const group = `{}:{alertname="DiskFull${Date.now()}"}`;
    const fingerprint = `fp-${Date.now()}`;
    const post = () =>
      postAlertmanager(fw.app.url, ALERT_TOKEN, group, [
        { labels: { alertname: 'DiskFull', team: 'db', note: INJECTION }, annotations: { summary: 'Disk full on db-1' }, fingerprint },
      ]);
    const res = await post();
    expect(res.status).toBe(202);
    const { incident } = (await res.json()) as { incident: string };
    const { status, body } = await page(`/incidents/${incident}`);
    expect(status).toBe(200);
    expect(body).toContain('Alerts (1)');
    expect((await post()).status).toBe(202);
    // The repeat is no second row: the alert's one row counts it.
    const again = (await page(`/incidents/${incident}`)).body;
    expect(again).toContain('Alerts (1)');
    expect(again).toContain('(2 events)');
    expect(body).toMatch(/route 1 \{team=(&quot;|")db(&quot;|")\} → sev2[^<]*opened INC-/);
    expect(body).not.toContain(INJECTION);
    expect(body).toContain(escapeHtml(`note=${JSON.stringify(INJECTION)}`));
  });

  it('shows the summary, roles, timeline, pages with receipts and follow-ups, with every typed string escaped', async () => {
    const { id, channel } = await fw.declare(`Checkout down ${INJECTION}`);
    await fw.run(`update Rolling back ${INJECTION}`, { incident: id });
    await fw.run('page <@U0BOB>', { channel });
    await until(
      async () => (await fw.events(id, 'page_attempt')).find((e) => (e.data as { state?: string }).state === 'sent'),
      'the e-mail receipt',
      15_000,
    );
    await fw.run('followup Add a canary for checkout <@U0CAROL> due:2030-01-31', { incident: id });

    const { status, body } = await page(`/incidents/INC-${id}`);
    expect(status).toBe(200);
    expect(body).toContain(`INC-${id}: Checkout down &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;`);
    expect(body).not.toContain('<script>alert(1)');
    expect(body).not.toContain('<img src=x');
    expect(body).toContain('SEV3');
    expect(body).toContain(`https://slack.com/app_redirect?channel=${channel}`);
    expect(body).toContain('Open in Slack');
    expect(body).toMatch(/<strong>lead<\/strong>: alice/);
    expect(body).toMatch(/<ol id="timeline"[^>]*>/);
    expect(body).toContain('posted an update');
    expect(body).toContain('Rolling back &lt;script&gt;');
    expect(body).toMatch(/id="event-\d+"/);
    // Bob's page: his Slack DM and the e-mail, with its state and time.
    expect(body).toContain('<td>bob</td>');
    expect(body).toContain('Slack DM sent');
    expect(body).toMatch(/email to [^:]+: <span class="attempt-(sent|delivered)">/);
    expect(body).toContain('Add a canary for checkout');
    expect(body).toMatch(/<td>Add a canary for checkout<\/td><td>carol<\/td><td><time datetime="2030-01-31">2030-01-31<\/time>/);
  });

  it('renders the newest postmortem safely, lists its versions, and shows an older one on ?version=', async () => {
    const { id } = await fw.declare('Postmortem versions');
    await fw.db.insert(postmortems).values([
      { incidentId: id, version: 1, markdown: '# Postmortem v1\n\n- **Root:** first draft', createdBy: 'U0ALICE' },
      {
        incidentId: id,
        version: 2,
        markdown: `# Postmortem v2\n\nHTML stays text: ${INJECTION}\n\n| A | B |\n| --- | --- |\n| x | y |`,
        createdBy: 'U0BOB',
      },
    ]);
    const newest = (await page(`/incidents/INC-${id}`)).body;
    expect(newest).toContain('Postmortem (version 2)');
    expect(newest).toContain('<h2>Postmortem v2</h2>');
    expect(newest).toContain('HTML stays text: &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(newest).not.toContain('<img src=x');
    expect(newest).toContain('<td>x</td>');
    expect(newest).toContain(`href="/incidents/INC-${id}?version=1#postmortem"`);
    const older = (await page(`/incidents/INC-${id}?version=1`)).body;
    expect(older).toContain('Postmortem (version 1)');
    expect(older).toContain('<li><strong>Root:</strong> first draft</li>');
    expect((await page(`/incidents/INC-${id}?version=9`)).status).toBe(404);
  });

  it('answers an outsider asking for a private incident exactly as for a missing one or a malformed key', async () => {
    const { id } = await fw.declare('Leaked credentials');
    await fw.db.update(incidents).set({ isPrivate: true }).where(eq(incidents.id, id));
    const carol = await visitAs(fw.slack, fw.app.url, 'U0CAROL');
    const secret = await carol.get(`/incidents/INC-${id}`);
    const missing = await carol.get('/incidents/INC-999999');
    const malformed = await carol.get('/incidents/INC-abc');
    expect(secret.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(malformed.status).toBe(404);
    const body = await secret.text();
    expect(body).toBe(await missing.text());
    expect(body).toBe(await malformed.text());
    expect(body).not.toContain('Leaked');
    expect((await carol.get(`/incidents/INC-${id}/events`)).status).toBe(404);
    const member = await page(`/incidents/INC-${id}`);
    expect(member.status).toBe(200);
    expect(member.body).toContain('Private');
  });

  it('posts an update and changes the status through the forms, and Slack is told', async () => {
    const { id, channel } = await fw.declare('Forms reach Slack');
    const alice = await visitAs(fw.slack, fw.app.url, 'U0ALICE');
    const update = await alice.post(`/incidents/INC-${id}/update`, {
      message: `Cache warmed ${INJECTION}`,
      severity: 'sev2',
      expected: 'investigating',
    });
    expect(update.status).toBe(303);
    expect(update.headers.get('location')).toBe(`/incidents/INC-${id}#timeline-heading`);
    await fw.drained(id);
    expect((await fw.incident(id)).severity).toBe('sev2');
    await fw.slack.waitFor(() => fw.slack.messagesIn(channel).find((m) => fw.slack.textOf(m).includes('Cache warmed')));

    const moved = await alice.post(`/incidents/INC-${id}/status`, {
      status: 'identified',
      message: 'Found the bad deploy',
      expected: 'investigating',
    });
    expect(moved.status).toBe(303);
    await fw.drained(id);
    expect((await fw.incident(id)).status).toBe('identified');
    await fw.slack.waitFor(() => fw.slack.messagesIn(channel).find((m) => fw.slack.textOf(m).includes('Found the bad deploy')));

    const stale = await alice.post(`/incidents/INC-${id}/status`, {
      status: 'monitoring',
      message: 'Stale form',
      expected: 'investigating',
    });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('role="alert"');
    const empty = await alice.post(`/incidents/INC-${id}/update`, { message: '  ' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Write the update');

    const forged = await fetch(`${fw.app.url}/incidents/INC-${id}/update`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookieHeader(alice.cookies), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ message: 'No token' }).toString(),
    });
    expect(forged.status).toBe(403);
    expect((await fw.events(id, 'status_update')).map((e) => (e.data as { message: string }).message)).not.toContain('No token');
  });

  it('streams new timeline events live and resumes after Last-Event-ID', async () => {
    const { id } = await fw.declare('Live timeline');
    const alice = await visitAs(fw.slack, fw.app.url, 'U0ALICE');
    const last = Math.max(...(await fw.events(id)).map((e) => e.id));
    const live = await openEventStream(`${fw.app.url}/incidents/INC-${id}/events`, alice.cookies, { lastEventId: String(last) });
    try {
      expect(live.contentType).toContain('text/event-stream');
      await fw.run(`update Streaming ${INJECTION}`, { incident: id });
      const event = await live.next((e) => e.data.includes('Streaming'));
      expect(event.event).toBe('timeline');
      const { id: eventId, html } = JSON.parse(event.data) as { id: number; html: string };
      expect(event.id).toBe(String(eventId));
      expect(html).toMatch(new RegExp(`^<li id="event-${eventId}"`));
      expect(html).toContain('Streaming &lt;script&gt;');
    } finally {
      live.close();
    }
    const resumed = await openEventStream(`${fw.app.url}/incidents/INC-${id}/events`, alice.cookies, { lastEventId: String(last) });
    try {
      const again = await resumed.next((e) => e.data.includes('Streaming'));
      expect(Number(again.id)).toBeGreaterThan(last);
    } finally {
      resumed.close();
    }
  });
});

describe('stopping the app', () => {
  it('ends the open live timelines, so stopping does not wait on them', async () => {
    const { startApp, testConfig } = await import('../support/app.js');
    const { consoleEnv } = await import('../support/console.js');
    const { id } = await fw.declare('Stopping with a page open');
    const other = await startApp(fw.slack, fw.database.database, testConfig({}), await consoleEnv(fw.slack));
    const alice = await visitAs(fw.slack, other.url, 'U0ALICE');
    const live = await openEventStream(`${other.url}/incidents/INC-${id}/events`, alice.cookies);
    await live.next((e) => e.event === 'timeline');
    await other.stop();
    await live.ended;
  });
});

// Replicas share one database only on Postgres; PGlite is one process's embedded database.
describe.runIf(process.env.DATABASE_URL)(
  'the live timeline across two apps on one Postgres (skipped on PGlite: one process owns its database)',
  () => {
    it('shows on app B’s stream a change made through app A', async () => {
      const { openDatabase } = await import('../../src/db/client.js');
      const { startApp, testConfig } = await import('../support/app.js');
      const { consoleEnv } = await import('../support/console.js');
      // App B has a database connection of its own: only the database's notifications can tell it.
      const own = await openDatabase({ url: fw.database.url, dataDir: '' });
      const b = await startApp(fw.slack, own, testConfig({}), await consoleEnv(fw.slack));
      try {
        const { id } = await fw.declare('Across replicas');
        const alice = await visitAs(fw.slack, b.url, 'U0ALICE');
        const live = await openEventStream(`${b.url}/incidents/INC-${id}/events`, alice.cookies, {
          lastEventId: String(Math.max(...(await fw.events(id)).map((e) => e.id))),
        });
        try {
          await fw.run('update Made on app A', { incident: id });
          const event = await live.next((e) => e.data.includes('Made on app A'), 2_000 + 3_000);
          expect(event.event).toBe('timeline');
        } finally {
          live.close();
        }
      } finally {
        await b.stop();
        await own.close();
      }
    });
  },
);

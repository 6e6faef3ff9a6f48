// The console's incident list and declare form over real HTTP, signed in through the emulator: private
// incidents reach only their members (list, search and count alike), every filter narrows, paging by key
// walks every incident once, user text is escaped, bad filters are a 400 that says why, and declaring from
// the console goes through the outbox to Slack as the signed-in person.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { incidents, timelineEvents, type NewIncident } from '../../src/db/schema.js';
import { post, visitAs, type ConsoleVisitor } from '../support/console.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { settledOutbox } from '../support/outbox.js';
import { slashCommand, submitView } from '../support/slack-requests.js';

const fw = useFirewatch({ console: true });
let alice: ConsoleVisitor;
let bob: ConsoleVisitor;
beforeAll(async () => {
  alice = await visitAs(fw.slack, fw.app.url, 'U0ALICE');
  bob = await visitAs(fw.slack, fw.app.url, 'U0BOB');
});

/** The incident keys a list page shows, in its order. */
const keysIn = (html: string): string[] => [...html.matchAll(/<tr><td><a href="\/incidents\/(INC-\d+)">/g)].map((m) => m[1]!);
const countIn = (html: string): number => Number(/(\d+) incidents? on this page/.exec(html)?.[1] ?? 0);

async function page(visitor: ConsoleVisitor, path: string, status = 200): Promise<string> {
  const r = await visitor.get(path);
  const html = await r.text();
  expect(r.status, html).toBe(status);
  return html;
}

async function maxIncident(): Promise<number> {
  const [row] = await fw.db.select({ max: sql<number | null>`max(${incidents.id})` }).from(incidents);
  return Number(row?.max ?? 0);
}

/** Declares a private incident from Slack's modal as U0ALICE, and waits until Slack has its channel. */
async function declarePrivateInSlack(title: string): Promise<number> {
  const before = fw.slack.views.length;
  await slashCommand(fw.app.url, fw.slack, 'declare', { triggerId: fw.slack.triggerId({ user: 'U0ALICE' }) });
  const { view } = await fw.slack.waitFor(() => fw.slack.views[before]);
  await submitView(fw.app.url, fw.slack, view, {
    title: { value: { type: 'plain_text_input', value: title } },
    severity: { value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'sev2' }, value: 'sev2' } } },
    description: { value: { type: 'plain_text_input', value: null } },
    lead: { value: { type: 'users_select', selected_user: 'U0ALICE' } },
    private: {
      value: { type: 'checkboxes', selected_options: [{ value: 'private', text: { type: 'plain_text', text: 'Private incident' } }] },
    },
  });
  const id = await until(async () => {
    const [row] = await fw.db
      .select({ id: incidents.id })
      .from(incidents)
      .where(sql`${incidents.title} = ${title}`);
    return row?.id;
  }, `${title} is declared`);
  await settledOutbox(fw.db, id);
  return id;
}

const seeded = (rows: Array<Partial<NewIncident> & { title: string }>) =>
  fw.db
    .insert(incidents)
    .values(rows.map((r): NewIncident => ({ severity: 'sev3', status: 'investigating', declaredBy: 'U0CAROL', ...r })))
    .returning();

describe('the console incident list', () => {
  it('sends people who are not signed in to sign in', async () => {
    for (const path of ['/', '/incidents', '/incidents/new']) {
      const r = await fetch(`${fw.app.url}${path}`, { redirect: 'manual' });
      expect(r.status).toBe(302);
      expect(r.headers.get('location')).toBe('/login');
    }
  });

  it('shows public incidents to everyone and a private one only to its member, in the list, the search and the count', async () => {
    const open = await fw.declare('Checkout errors in EU');
    const secret = await declarePrivateInSlack('Payroll export leaked');
    const mine = await page(alice, '/');
    const theirs = await page(bob, '/incidents');
    expect(keysIn(mine)).toEqual([`INC-${secret}`, `INC-${open.id}`]);
    expect(keysIn(theirs)).toEqual([`INC-${open.id}`]);
    expect(countIn(mine)).toBe(2);
    expect(countIn(theirs)).toBe(1);
    expect(theirs).not.toContain('Payroll');
    expect(keysIn(await page(alice, '/incidents?q=payroll'))).toEqual([`INC-${secret}`]);
    const searched = await page(bob, '/incidents?q=payroll');
    expect(keysIn(searched)).toEqual([]);
    expect(searched).toContain('No incidents match these filters.');

    // Each row: the key links to the incident's page, the channel opens in Slack, the time is UTC.
    const incident = await fw.incident(open.id);
    expect(theirs).toContain(`<a href="/incidents/INC-${open.id}">INC-${open.id}</a>`);
    expect(theirs).toContain(`https://slack.com/app_redirect?channel=${open.channel}`);
    expect(theirs).toContain(`<time datetime="${incident.createdAt.toISOString()}">`);
    expect(theirs).toContain('aria-current="page"');
  });

  it('narrows by each filter: status, severity, type, declared from/until, and text in titles and updates', async () => {
    const [a, b, c] = await seeded([
      {
        title: 'Filtertest alpha',
        severity: 'sev1',
        type: 'availability',
        status: 'investigating',
        createdAt: new Date('2026-01-10T12:00:00Z'),
      },
      { title: 'Filtertest bravo', severity: 'sev2', type: 'security', status: 'resolved', createdAt: new Date('2026-02-10T12:00:00Z') },
      { title: 'Filtertest charlie', severity: 'sev4', type: 'data', status: 'closed', createdAt: new Date('2026-03-10T23:59:00Z') },
    ]);
    await fw.db
      .insert(timelineEvents)
      .values({ incidentId: c!.id, kind: 'status_update', actor: 'U0CAROL', data: { message: 'Rolled back the frobnicator' } });
    const keys = async (query: string) => keysIn(await page(bob, `/incidents?q=Filtertest&${query}`));
    const [ka, kb, kc] = [a, b, c].map((i) => `INC-${i!.id}`);
    expect(await keys('')).toEqual([kc, kb, ka]);
    expect(await keys('status=resolved&status=closed')).toEqual([kc, kb]);
    expect(await keys('status=investigating')).toEqual([ka]);
    expect(await keys('severity=sev1&severity=sev2')).toEqual([kb, ka]);
    expect(await keys('type=security')).toEqual([kb]);
    expect(await keys('since=2026-02-10')).toEqual([kc, kb]);
    expect(await keys('until=2026-02-09')).toEqual([ka]);
    // "until" takes in the whole of its day.
    expect(await keys('since=2026-03-10&until=2026-03-10')).toEqual([kc]);
    expect(keysIn(await page(bob, '/incidents?q=frobnicator'))).toEqual([kc]);
    // The form shows what was chosen.
    const html = await page(bob, '/incidents?q=Filtertest&status=resolved&severity=sev2&type=security&since=2026-02-01');
    expect(html).toContain('name="status" value="resolved" checked');
    expect(html).toContain('name="severity" value="sev2" checked');
    expect(html).toContain('<option value="security" selected>');
    expect(html).toContain('name="since" value="2026-02-01"');
  });

  it('leaves drills out unless the box is ticked', async () => {
    const [drill] = await seeded([{ title: 'Drilltest failover', drill: true }]);
    expect(keysIn(await page(bob, '/incidents?q=Drilltest'))).toEqual([]);
    expect(keysIn(await page(bob, '/incidents?q=Drilltest&drills=1'))).toEqual([`INC-${drill!.id}`]);
  });

  it('renders HTML in titles and in the search box as text', async () => {
    const [hostile] = await seeded([{ title: '<script>alert(1)</script> & "quotes" <img src=x onerror=alert(2)>' }]);
    const html = await page(bob, `/incidents?q=${encodeURIComponent('<script>')}`);
    expect(keysIn(html)).toEqual([`INC-${hostile!.id}`]);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('name="q" maxlength="200" value="&lt;script&gt;"');
  });

  it('answers a bad filter with 400 and what is wrong with it, and an empty result says so', async () => {
    const cases: Array<[string, string]> = [
      ['status=bogus', 'Unknown status &quot;bogus&quot;'],
      ['severity=sev9', 'Unknown severity &quot;sev9&quot;'],
      ['type=weather', 'Unknown type &quot;weather&quot;'],
      ['since=2026-13-45', '&quot;2026-13-45&quot; is not a date'],
      ['until=yesterday', '&quot;yesterday&quot; is not a date'],
      ['since=2026-03-02&until=2026-03-01', 'is before'],
      ['after=abc', 'page link is broken'],
      [`q=${'x'.repeat(201)}`, 'keep it to 200 or fewer'],
    ];
    for (const [query, message] of cases) {
      const html = await page(bob, `/incidents?${query}`, 400);
      expect(html, query).toContain(message);
      expect(html).toContain('role="alert"');
      expect(keysIn(html)).toEqual([]);
    }
    expect(await page(bob, '/incidents?q=nothing-is-called-this')).toContain('No incidents match these filters.');
  });

  it('walks 120 incidents 50 at a time by key, keeping the filters, without duplicates or gaps', async () => {
    const rows = await seeded(
      Array.from({ length: 130 }, (_, i) => ({ title: `Pagewalk ${i}`, isPrivate: i % 13 === 0, severity: i % 2 ? 'sev2' : 'sev3' })),
    );
    const visible = rows
      .filter((r) => !r.isPrivate && r.severity === 'sev2')
      .map((r) => `INC-${r.id}`)
      .reverse();
    const seen: string[] = [];
    let path: string | undefined = '/incidents?q=Pagewalk&severity=sev2';
    const sizes: number[] = [];
    while (path) {
      const html = await page(bob, path);
      const keys = keysIn(html);
      sizes.push(keys.length);
      seen.push(...keys);
      const older = /<a href="([^"]+)" rel="next">Older incidents<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, '&');
      if (older) {
        expect(older).toContain('q=Pagewalk');
        expect(older).toContain('severity=sev2');
        expect(html).toContain(path === '/incidents?q=Pagewalk&severity=sev2' ? 'Older incidents' : 'Newest incidents');
      }
      path = older;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(visible);
    expect(sizes).toEqual([50, 10]);

    // All of them, private ones left out, as 50, 50 and the rest.
    const all: string[] = [];
    path = '/incidents?q=Pagewalk';
    const allSizes: number[] = [];
    while (path) {
      const html = await page(bob, path);
      allSizes.push(keysIn(html).length);
      all.push(...keysIn(html));
      path = /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    }
    expect(all).toEqual(
      rows
        .filter((r) => !r.isPrivate)
        .map((r) => `INC-${r.id}`)
        .reverse(),
    );
    expect(all).toHaveLength(120);
    expect(allSizes).toEqual([50, 50, 20]);
  });
});

describe('declaring from the console', () => {
  it('offers the form with the signed-in person as lead and the default severity', async () => {
    const html = await page(alice, '/incidents/new');
    expect(html).toContain('name="lead" value="U0ALICE"');
    expect(html).toContain('<option value="sev4" selected>');
    expect(html).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('declares as the signed-in person, lands on the incident, and Slack gets its channel', async () => {
    const r = await alice.post('/incidents/new', {
      title: 'Console declared outage',
      severity: 'sev2',
      type: 'availability',
      description: 'Seen from the console',
      lead: 'U0ALICE',
    });
    expect(r.status).toBe(303);
    const id = Number(/^\/incidents\/INC-(\d+)$/.exec(r.headers.get('location') ?? '')?.[1]);
    expect(id).toBeGreaterThan(0);
    await settledOutbox(fw.db, id);
    const incident = await fw.incident(id);
    expect(incident).toMatchObject({
      title: 'Console declared outage',
      severity: 'sev2',
      type: 'availability',
      description: 'Seen from the console',
      declaredBy: 'U0ALICE',
      leadId: 'U0ALICE',
      source: 'console',
      isPrivate: false,
    });
    const channel = fw.slack.channels.get(incident.channelId!);
    expect(channel?.name).toBe(`inc-${id}-console-declared-outage`);
    expect(channel?.members.has('U0ALICE')).toBe(true);
    const [declared] = await fw.events(id, 'declared');
    expect(declared).toMatchObject({ actor: 'U0ALICE', data: { source: 'console', lead: 'U0ALICE' } });
    expect(keysIn(await page(bob, '/incidents?q=Console+declared'))).toEqual([`INC-${id}`]);
  });

  it('declares a private incident that only its members see', async () => {
    const r = await alice.post('/incidents/new', { title: 'Console secret thing', severity: 'sev3', private: '1', lead: '' });
    expect(r.status).toBe(303);
    const id = Number(/INC-(\d+)$/.exec(r.headers.get('location') ?? '')?.[1]);
    await settledOutbox(fw.db, id);
    expect(await fw.incident(id)).toMatchObject({ isPrivate: true, leadId: null, declaredBy: 'U0ALICE' });
    expect(fw.slack.channels.get((await fw.incident(id)).channelId!)?.is_private).toBe(true);
    expect(keysIn(await page(alice, '/incidents?q=Console+secret'))).toEqual([`INC-${id}`]);
    expect(keysIn(await page(bob, '/incidents?q=Console+secret'))).toEqual([]);
  });

  it('shows a refusal on the form with what was entered, escaped, and declares nothing', async () => {
    const before = await maxIncident();
    const empty = await alice.post('/incidents/new', {
      title: '  ',
      severity: 'sev2',
      description: '<b>bold</b> "quoted"',
      lead: 'U0ALICE',
    });
    expect(empty.status).toBe(400);
    const html = await empty.text();
    expect(html).toContain('Give the incident a title');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot;</textarea>');
    expect(html).toContain('<option value="sev2" selected>');
    expect(html).toContain('aria-invalid="true"');

    const severity = await alice.post('/incidents/new', { title: '<i>Unknown</i> severity', severity: 'sev9', lead: 'U0ALICE' });
    expect(severity.status).toBe(400);
    const text = await severity.text();
    expect(text).toContain('Unknown severity');
    expect(text).toContain('value="&lt;i&gt;Unknown&lt;/i&gt; severity"');

    const lead = await alice.post('/incidents/new', { title: 'Bad lead', severity: 'sev2', lead: '"><script>' });
    expect(lead.status).toBe(400);
    expect(await lead.text()).toContain('is not a Slack user ID');
    expect(await maxIncident()).toBe(before);
  });

  it('refuses a POST without the CSRF token with 403 and declares nothing', async () => {
    const before = await maxIncident();
    const r = await post(`${fw.app.url}/incidents/new`, { title: 'Forged from elsewhere', severity: 'sev1' }, alice.cookies);
    expect(r.status).toBe(403);
    const wrong = await post(
      `${fw.app.url}/incidents/new`,
      { _csrf: bob.csrf, title: 'Forged with another token', severity: 'sev1' },
      alice.cookies,
    );
    expect(wrong.status).toBe(403);
    expect(await maxIncident()).toBe(before);
  });
});

// The public status page end to end: `/incident statuspage` through the real Bolt app publishes, and the
// page, its Atom feed and the Statuspage-shaped JSON answer over real HTTP from what was published only:
// titles and messages escaped, ETags that answer 304, private incidents and drills refused and absent,
// unpublished incidents and internal updates never shown; one component's page, and an unknown one's 404;
// the page-wide incident history, by month and three months a page. With no `status_page`, or one not
// public and no console to sign in to, 404. Nothing under the page takes a POST.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { incidents, statusPublications } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import { ackText, slashCommand } from '../support/slack-requests.js';

const PUBLIC = 'https://firewatch.example.com';
const STATUS_PAGE = {
  title: 'Acme <Status> & Co',
  components: [
    { id: 'api', name: 'API' },
    { id: 'web', name: 'Website' },
    { id: 'db', name: 'Database' },
  ],
};
const fw = useFirewatch({ env: () => ({ PUBLIC_URL: PUBLIC }), config: { status_page: STATUS_PAGE } });

async function get(path: string, headers: Record<string, string> = {}, base = fw.app.url) {
  const res = await fetch(`${base}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}
const json = async (path: string) =>
  JSON.parse((await get(path)).body) as Record<string, unknown> & {
    incidents: Array<Record<string, unknown> & { incident_updates: Array<Record<string, unknown>> }>;
    components: Array<Record<string, unknown>>;
  };
const ROUTES = [
  '/status',
  '/status/history',
  '/status/feed.atom',
  ...['summary', 'status', 'components', 'incidents', 'incidents/unresolved'].map((n) => `/api/v2/${n}.json`),
];

/** A public status page answer: HTML, cacheable by anyone for 30 s, under the page's CSP. */
function expectPublicPage(page: { status: number; headers: Headers }): void {
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(page.headers.get('cache-control')).toBe('public, max-age=30');
  expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
}

describe('/incident statuspage and the public page', () => {
  it('publishes, and the page, the feed and the JSON show exactly what was published, escaped', async () => {
    const title = '<script>alert("pwn")</script> Card payments & refunds';
    const { id, channel } = await fw.declare(title, { severity: 'sev2' });
    await fw.run('update Internal only: the quokka release broke it', { incident: id });
    const ack = await fw.run('statuspage api,web partial_outage Some <b>card</b> payments fail & we are on it', { incident: id });
    expect(ack).toContain(`Published INC-${id} to the status page`);

    // A timeline event, and a line in the incident channel saying what went public.
    const [event] = await fw.events(id, 'statuspage_published');
    expect(event?.data).toMatchObject({
      title,
      status: 'investigating',
      components: [
        { id: 'api', state: 'partial_outage' },
        { id: 'web', state: 'partial_outage' },
      ],
      message: 'Some <b>card</b> payments fail & we are on it',
    });
    expect(fw.slack.messagesIn(channel).some((m) => fw.slack.textOf(m).includes('to the status page'))).toBe(true);

    const page = await get('/status');
    expectPublicPage(page);
    expect(page.body).toContain('<h1>Acme &lt;Status&gt; &amp; Co</h1>');
    expect(page.body).toContain('&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt; Card payments &amp; refunds');
    expect(page.body).toContain('Some &lt;b&gt;card&lt;/b&gt; payments fail &amp; we are on it');
    expect(page.body).not.toContain('<script');
    expect(page.body).not.toContain('<b>card');
    expect(page.body).not.toContain('quokka');
    expect(page.body).toMatch(/data-component="api"><div class="component"><span>API<\/span><span class="state"[^>]*>Partial outage</);
    expect(page.body).toMatch(/data-component="db"><div class="component"><span>Database<\/span><span class="state"[^>]*>Operational</);
    // The history bar: 90 days per component, today's the worst state published today.
    const today = new Date().toISOString().slice(0, 10);
    const bars = (name: string) => new RegExp(`<div class="history" data-history="${name}"[^>]*>(.*?)</div>`).exec(page.body)?.[1] ?? '';
    expect(bars('API').match(/<span /g)).toHaveLength(90);
    expect(bars('API')).toContain(`title="${today}: Partial outage"`);
    expect(bars('Database')).toContain(`title="${today}: Operational"`);
    // Screen readers hear the bar summed up, not 90 images.
    expect(page.body).toContain(
      'data-history="API" role="img" aria-label="API, the last 90 days: 89 days operational, 1 day partial outage"',
    );

    const summary = await json('/api/v2/summary.json');
    expect(summary.page).toMatchObject({ id: 'firewatch', name: STATUS_PAGE.title, url: `${PUBLIC}/status`, time_zone: 'Etc/UTC' });
    expect(summary.status).toEqual({ indicator: 'major', description: 'Partial System Outage' });
    expect(summary.scheduled_maintenances).toEqual([]);
    expect(summary.components.map((c) => [c.id, c.name, c.status])).toEqual([
      ['api', 'API', 'partial_outage'],
      ['web', 'Website', 'partial_outage'],
      ['db', 'Database', 'operational'],
    ]);
    const mine = summary.incidents.find((i) => i.name === title);
    expect(mine).toMatchObject({ status: 'investigating', impact: 'major', resolved_at: null });
    expect(mine!.incident_updates).toHaveLength(1);
    expect(mine!.incident_updates[0]).toMatchObject({ status: 'investigating', body: 'Some <b>card</b> payments fail & we are on it' });
    expect(JSON.stringify(summary)).not.toContain('quokka');

    const feed = await get('/status/feed.atom');
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(feed.body).toContain('<title>&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt; Card payments &amp; refunds</title>');
    expect(feed.body).not.toContain('<script');
    expect(feed.body).not.toContain('quokka');
  });

  it('answers 304 to the ETag it gave, on every route, until something new is published', async () => {
    const { id } = await fw.declare('Search is slow');
    await fw.run('statuspage db degraded_performance Searches take longer than usual', { incident: id });
    const tags = new Map<string, string>();
    for (const path of ROUTES) {
      const first = await get(path);
      expect(first.status, path).toBe(200);
      const etag = first.headers.get('etag')!;
      expect(etag, path).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(first.headers.get('cache-control'), path).toBe('public, max-age=30');
      const again = await get(path, { 'if-none-match': etag });
      expect(again.status, path).toBe(304);
      expect(again.body, path).toBe('');
      expect(again.headers.get('etag'), path).toBe(etag);
      tags.set(path, etag);
    }
    // Resolving offers to tell the public, naming what the page still shows as affected.
    const resolved = await fw.run('resolve Search index rebuilt', { incident: id });
    expect(resolved).toContain(
      'The status page still shows db as affected. Tell the public it is over: `/incident statuspage db operational <public message>`',
    );
    await fw.run('statuspage db operational Searches are fast again', { incident: id });
    for (const path of ROUTES) {
      const after = await get(path, { 'if-none-match': tags.get(path)! });
      expect(after.status, path).toBe(200);
    }
    const publicly = (await json('/api/v2/incidents.json')).incidents.find((i) => i.name === 'Search is slow');
    expect(publicly).toMatchObject({ status: 'resolved', impact: 'minor' });
    expect(publicly!.incident_updates.map((u) => u.status)).toEqual(['resolved', 'investigating']);
    expect((await json('/api/v2/incidents/unresolved.json')).incidents.some((i) => i.name === 'Search is slow')).toBe(false);
    expect((await get('/status')).body).not.toContain('Search is slow');
  });

  it('refuses an unknown component listing the components, and a bad state listing the states', async () => {
    const { id } = await fw.declare('Typo check');
    expect(await fw.run('statuspage api,cdn major_outage Down', { incident: id })).toContain(
      'Unknown component "cdn". Choose from: api, web, db.',
    );
    expect(await fw.run('statuspage api down', { incident: id })).toContain(
      'Unknown state "down". Choose one of: operational, degraded_performance, partial_outage, major_outage, under_maintenance.',
    );
    expect(await fw.db.select().from(statusPublications).where(eq(statusPublications.incidentId, id))).toEqual([]);
    expect(await fw.events(id, 'statuspage_published')).toEqual([]);
    // Never published, so resolving it has nothing to tell the public.
    expect(await fw.run('resolve Typo fixed', { incident: id })).not.toContain('status page');
  });

  it('refuses a private incident and a drill, saying why, and neither appears anywhere', async () => {
    const { id } = await fw.declare('Wombatleak credential exposure');
    await fw.db.update(incidents).set({ isPrivate: true }).where(eq(incidents.id, id));
    expect(await fw.run('statuspage api major_outage Wombatleak keys exposed', { incident: id })).toContain(
      `INC-${id} is private: private incidents are never published to the status page.`,
    );
    const drill = await fw.declareCommand('drill sev3 Wombat failover practice');
    expect(await fw.run('statuspage api major_outage Wombat failover', { incident: drill.id })).toContain(
      `INC-${drill.id} is a drill: drills are never published to the status page.`,
    );
    for (const incidentId of [id, drill.id]) {
      expect(await fw.db.select().from(statusPublications).where(eq(statusPublications.incidentId, incidentId))).toEqual([]);
    }
    for (const path of ROUTES) expect((await get(path)).body, path).not.toMatch(/wombat/i);
  });

  it('never shows an incident nobody published, nor one made private after it was published', async () => {
    await fw.declare('Koalaquiet unpublished outage');
    const later = await fw.declare('Platypus published then private');
    await fw.run('statuspage web major_outage Platypus', { incident: later.id });
    expect((await get('/status')).body).toContain('Platypus published then private');
    await fw.db.update(incidents).set({ isPrivate: true }).where(eq(incidents.id, later.id));
    for (const path of ROUTES) expect((await get(path)).body, path).not.toMatch(/koalaquiet|platypus/i);
  });
});

describe('one component’s page, ?component=<id>', () => {
  it('shows its 90 days and every published incident that touched it, resolved ones too, and no others', async () => {
    const touched = await fw.declare('Lyrebird queue backlog');
    await fw.run('statuspage db major_outage Writes are queued', { incident: touched.id });
    await fw.run('resolve Drained', { incident: touched.id });
    await fw.run('statuspage db operational Writes flow again', { incident: touched.id });
    const other = await fw.declare('Bowerbird CDN errors');
    await fw.run('statuspage web partial_outage Images fail to load', { incident: other.id });

    const page = await get('/status?component=db');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('public, max-age=30');
    expect(page.body).toContain('<h1>Database <small>· Acme &lt;Status&gt; &amp; Co</small></h1>');
    expect(page.body).toContain('Lyrebird queue backlog');
    expect(page.body).toContain('Writes flow again');
    expect(page.body).not.toContain('Bowerbird');
    const today = new Date().toISOString().slice(0, 10);
    expect(page.body).toContain(`title="${today}: Major outage"`);
    expect(page.body.match(/<span class="s-/g)).toHaveLength(90);
    // The main page links to it.
    expect((await get('/status')).body).toContain('<a href="?component=db">Database history</a>');
    const again = await get('/status?component=db', { 'if-none-match': page.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it('answers an unknown component with a 404 page naming the components there are, escaped', async () => {
    const r = await get(`/status?component=${encodeURIComponent('<script>cdn')}`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('There is no component “&lt;script&gt;cdn” on this page.');
    expect(r.body).not.toContain('<script');
    for (const [id, name] of [
      ['api', 'API'],
      ['web', 'Website'],
      ['db', 'Database'],
    ]) {
      expect(r.body).toContain(`<a href="?component=${id}">${name}</a>`);
    }
  });
});

/** The `<article>` of the incident titled `title` (as the page escapes it), or '' when there is none. */
const articleOf = (body: string, title: string) => body.split('<article').find((a) => a.includes(`<h3>${title}</h3>`)) ?? '';
/** The `<section>` of month `key` (`YYYY-MM`). */
const monthOf = (body: string, key: string) => new RegExp(`<section[^>]*data-month="${key}">([\\s\\S]*?)</section>`).exec(body)?.[1] ?? '';
/** Noon UTC on `day` of the month `k` months before this one, and that month's `YYYY-MM`. */
function monthsAgo(k: number, day = 15) {
  const now = new Date();
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, day, 12));
  return { at, key: at.toISOString().slice(0, 7) };
}
/** A publication written as the page reads it, at a time of the test's choosing (the command stamps now). */
async function publishAt(incidentId: number, at: Date, status: 'investigating' | 'resolved', message: string) {
  const [row] = await fw.db.select({ title: incidents.title }).from(incidents).where(eq(incidents.id, incidentId));
  await fw.db.insert(statusPublications).values({
    incidentId,
    title: row!.title,
    status,
    components: [{ id: 'web', state: status === 'resolved' ? 'operational' : 'major_outage' }],
    message,
    publishedBy: 'U0ALICE',
    publishedAt: at,
  });
}

describe('the incident history, /status/history', () => {
  it('lists every published incident, active and resolved, with its public updates, components and resolution, never an internal update', async () => {
    const resolved = await fw.declare('Numbat <b>queue</b> stall', { severity: 'sev2' });
    await fw.run('update Internal only: the echidna deploy wedged the consumers', { incident: resolved.id });
    await fw.run('statuspage api,web partial_outage Queue <i>stalled</i>, jobs are late', { incident: resolved.id });
    await fw.run('resolve Consumers restarted', { incident: resolved.id });
    await fw.run('statuspage api,web operational Queue drained', { incident: resolved.id });
    const active = await fw.declare('Quoll login errors');
    await fw.run('statuspage web degraded_performance Logins are slow', { incident: active.id });
    await fw.declare('Dingo never published');

    const page = await get('/status/history');
    expectPublicPage(page);
    expect(page.body).toContain('<h1>Incident history <small>· Acme &lt;Status&gt; &amp; Co</small></h1>');
    expect(page.body).not.toContain('<script');

    const thisMonth = monthOf(page.body, monthsAgo(0).key);
    const numbat = articleOf(thisMonth, 'Numbat &lt;b&gt;queue&lt;/b&gt; stall');
    expect(numbat).toMatch(/Began <time[^>]*>[^<]+<\/time> · Resolved <time[^>]*>[^<]+<\/time> · Components: API, Website/);
    expect(numbat).toContain('Queue &lt;i&gt;stalled&lt;/i&gt;, jobs are late');
    expect(numbat).toContain('Queue drained');
    // Updates newest first, as on the page.
    expect(numbat.indexOf('Queue drained')).toBeLessThan(numbat.indexOf('jobs are late'));
    const quoll = articleOf(thisMonth, 'Quoll login errors');
    expect(quoll).toContain('Ongoing: Investigating · Components: Website');
    expect(quoll).toContain('Logins are slow');
    // Newest first: the later incident comes before the earlier.
    expect(thisMonth.indexOf('Quoll login errors')).toBeLessThan(thisMonth.indexOf('Numbat'));
    expect(page.body).not.toMatch(/echidna|Consumers restarted|Dingo/);

    // /status and the component pages link to it.
    expect((await get('/status')).body).toContain('<a href="status/history">Incident history</a>');
    expect((await get('/status?component=api')).body).toContain('<a href="status/history">Incident history</a>');
    expect(page.body).toContain('<a href="../status">Current status</a>');
  });

  it('groups by the month each incident began, three months a page, paged with plain older and newer links', async () => {
    const recent = await fw.declare('Wallaby cache misses');
    await publishAt(recent.id, monthsAgo(1, 10).at, 'investigating', 'Wallaby: caches cold');
    await publishAt(recent.id, monthsAgo(0, 1).at, 'resolved', 'Wallaby: caches warm');
    const earlier = await fw.declare('Bilby DNS failures');
    await publishAt(earlier.id, monthsAgo(4, 3).at, 'investigating', 'Bilby: lookups fail');
    const later = await fw.declare('Kiwi TLS renewal');
    await publishAt(later.id, monthsAgo(4, 20).at, 'investigating', 'Kiwi: certificates expired');
    const oldest = await fw.declare('Emu disk full');
    await publishAt(oldest.id, monthsAgo(7).at, 'investigating', 'Emu: writes refused');

    const first = await get('/status/history');
    expect(first.status).toBe(200);
    expect([...first.body.matchAll(/<section[^>]*data-month="([\d-]+)"/g)].map((m) => m[1])).toEqual(
      [0, 1, 2].map((k) => monthsAgo(k).key),
    );
    // Under the month it began, though it was resolved in the next.
    expect(articleOf(monthOf(first.body, monthsAgo(1).key), 'Wallaby cache misses')).toContain('Wallaby: caches warm');
    expect(monthOf(first.body, monthsAgo(0).key)).not.toContain('Wallaby');
    expect(first.body).not.toMatch(/Bilby|Kiwi|Emu/);
    expect(first.body).toContain('<a href="?page=2" rel="next">Older →</a>');
    expect(first.body).not.toContain('rel="prev"');

    const second = await get('/status/history?page=2');
    expect(second.status).toBe(200);
    const august = monthOf(second.body, monthsAgo(4).key);
    expect(august.indexOf('Kiwi TLS renewal')).toBeGreaterThan(-1);
    expect(august.indexOf('Kiwi TLS renewal')).toBeLessThan(august.indexOf('Bilby DNS failures'));
    expect(monthOf(second.body, monthsAgo(3).key)).toContain('No incidents reported this month.');
    expect(second.body).not.toMatch(/Wallaby|Emu/);
    expect(second.body).toContain('<a href="history" rel="prev">← Newer</a>');
    expect(second.body).toContain('<a href="?page=3" rel="next">Older →</a>');

    const third = await get('/status/history?page=3');
    expect(articleOf(monthOf(third.body, monthsAgo(7).key), 'Emu disk full')).toContain('Ongoing: Investigating');
    expect(third.body).toContain('<a href="?page=2" rel="prev">← Newer</a>');
    expect(third.body).not.toContain('rel="next"');

    const again = await get('/status/history?page=2', { 'if-none-match': second.headers.get('etag')! });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(second.headers.get('etag')).not.toBe(first.headers.get('etag'));
  });

  it('answers a page that is not a page with a 400 saying which are, escaped', async () => {
    for (const bad of ['0', '-1', 'two', '1.5', '1001', '<script>x']) {
      const r = await get(`/status/history?page=${encodeURIComponent(bad)}`);
      expect(r.status, bad).toBe(400);
      expect(r.headers.get('content-type'), bad).toBe('text/html; charset=utf-8');
      expect(r.headers.get('content-security-policy'), bad).toContain("default-src 'none'");
      expect(r.body, bad).toContain('pages are numbered from 1 to 1000');
      expect(r.body, bad).toContain('<a href="history">The latest incidents</a>');
      expect(r.body, bad).not.toContain('<script');
    }
    expect((await get('/status/history?page=%3Cscript%3Ex')).body).toContain('There is no page “&lt;script&gt;x” of the incident history');
  });

  it('never shows a private incident or a drill, even with a publication row written past the refusal', async () => {
    const secret = await fw.declare('Cassowary breach');
    await fw.db.update(incidents).set({ isPrivate: true }).where(eq(incidents.id, secret.id));
    const drill = await fw.declareCommand('drill sev3 Cassowary failover practice');
    for (const { id } of [secret, drill]) await publishAt(id, new Date(), 'investigating', 'Cassowary down');
    for (const path of ROUTES) expect((await get(path)).body, path).not.toMatch(/cassowary/i);
  });
});

describe('nothing under the status page takes a POST', () => {
  it('answers a POST with no session and no CSRF token 405 on every status route, and publishes nothing', async () => {
    const before = await fw.db.select().from(statusPublications);
    for (const path of ROUTES) {
      const r = await fetch(`${fw.app.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example.com' },
        body: 'component=api&state=major_outage&message=pwned',
      });
      expect(r.status, path).toBe(405);
    }
    expect(await fw.db.select().from(statusPublications)).toEqual(before);
  });
});

describe('without a public status page', () => {
  it('answers 404 on every route when none is configured, and when it is not public with no console to sign in to', async () => {
    const none = await fw.startApp({});
    const hidden = await fw.startApp({ status_page: { ...STATUS_PAGE, public: false } });
    try {
      const unknown = await get('/no-such-route');
      for (const app of [none, hidden]) {
        for (const path of ROUTES) {
          const r = await get(path, {}, app.url);
          expect(r.status, path).toBe(404);
          expect(r.body).toBe(unknown.body);
        }
      }
      // With no page configured, publishing is refused, saying what to configure.
      const { channel } = await fw.declare('No page here');
      const refused = await slashCommand(none.url, fw.slack, 'statuspage api major_outage Down', { channel });
      expect(ackText(refused)).toContain('No status page is configured: add `status_page` to the config first.');
    } finally {
      await none.stop();
      await hidden.stop();
    }
  });
});

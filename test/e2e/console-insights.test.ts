// The console's insights, follow-ups and audit log over real HTTP, signed in as different people: a
// private incident counts, and its follow-ups show, only for its members; drills never; filters narrow;
// a bad filter is a 400 page that says what is wrong; pages follow by key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema.js';
import type { Firewatch } from '../../src/firewatch.js';
import { startApp, testConfig } from '../support/app.js';
import { consoleEnv, visitAs, type ConsoleVisitor } from '../support/console.js';
import { DAY, seedAlertGroup, seedFollowup, seedIncident } from '../support/console-seed.js';
import { useFirewatch } from '../support/harness.js';

const fw = useFirewatch({ console: true });
const WEEK = 7 * DAY;

let publicId: number;
let privateId: number;
let alice: ConsoleVisitor;
let bob: ConsoleVisitor;

beforeAll(async () => {
  const db = fw.db;
  publicId = await seedIncident(db, {
    title: 'Checkout down',
    severity: 'sev1',
    type: 'availability',
    ackAfterMin: 5,
    resolveAfterMin: 60,
  });
  privateId = await seedIncident(db, { title: 'Secret breach', severity: 'sev2', type: 'security', isPrivate: true, members: ['U0BOB'] });
  const drill = await seedIncident(db, { title: 'Paging drill', severity: 'sev1', drill: true });
  const old = await seedIncident(db, { title: 'Old latency', severity: 'sev3', type: 'performance', ageMs: 20 * WEEK });
  await seedAlertGroup(db, 'prom', 'HighLatency', publicId);
  await seedAlertGroup(db, 'prom', 'HighLatency', old);
  await seedAlertGroup(db, 'prom', 'DiskFull', privateId);
  await seedFollowup(db, publicId, { text: 'Rotate the <keys>', owner: 'U0ALICE', dueInDays: -1 });
  await seedFollowup(db, publicId, { text: 'Add a dashboard', owner: 'U0ALICE', dueInDays: 3 });
  await seedFollowup(db, publicId, { text: 'Write the runbook', owner: 'U0CAROL', dueInDays: 2, doneBy: 'U0CAROL' });
  await seedFollowup(db, privateId, { text: 'Secret follow-up', owner: 'U0BOB', dueInDays: 1 });
  await seedFollowup(db, drill, { text: 'Drill follow-up', owner: 'U0ALICE', dueInDays: 1 });
  alice = await visitAs(fw.slack, fw.app.url, 'U0ALICE');
  bob = await visitAs(fw.slack, fw.app.url, 'U0BOB');
});

const page = async (visitor: ConsoleVisitor, path: string, status = 200) => {
  const res = await visitor.get(path);
  expect(res.status, path).toBe(status);
  return res.text();
};

describe('GET /insights', () => {
  it('counts only the incidents the person may see, and never drills', async () => {
    const forAlice = await page(alice, '/insights');
    expect(forAlice).toContain('1 incident over the last 12 weeks');
    for (const title of [
      'Incidents per week by severity',
      'Time to acknowledge (MTTA)',
      'Time to resolve (MTTR)',
      'Incidents by type',
      'Recurring alert groups',
      'Follow-ups opened and done',
    ])
      expect(forAlice).toMatch(new RegExp(`<h2 id="[\\w-]+-heading">${title.replace(/[()]/g, '\\$&')}</h2>`));
    expect(forAlice).toContain('prom: HighLatency');
    expect(forAlice).not.toContain('DiskFull');
    expect(forAlice).not.toContain('security');
    expect(forAlice).not.toContain('Secret');
    expect(forAlice).not.toMatch(/NaN/);
    // MTTA of the one incident: 5 minutes, in the table.
    expect(forAlice).toContain('<td>5 min</td>');

    const forBob = await page(bob, '/insights');
    expect(forBob).toContain('2 incidents over the last 12 weeks');
    expect(forBob).toContain('prom: DiskFull');
    expect(forBob).toContain('security');
  });

  it('reaches further back with ?weeks=', async () => {
    const html = await page(alice, '/insights?weeks=26');
    expect(html).toContain('2 incidents over the last 26 weeks');
    expect(html).toContain('performance');
    expect(html).toMatch(/prom: HighLatency: 2|<th scope="row">prom: HighLatency<\/th><td>2<\/td>/);
  });

  it('answers a bad ?weeks= with a 400 page that says what it should be', async () => {
    for (const bad of ['3', '53', 'abc', '4.5']) {
      const html = await page(alice, `/insights?weeks=${bad}`, 400);
      expect(html).toContain('weeks must be a whole number from 4 to 52');
    }
  });
});

describe('GET /followups', () => {
  const rowsOf = (html: string) => [...html.matchAll(/<tr(?: class="is-overdue")?><td>([^<]*)<\/td>/g)].map((m) => m[1]);

  it('lists open follow-ups of visible incidents, soonest due first, overdue marked in words, each linked to its incident', async () => {
    const html = await page(alice, '/followups');
    expect(rowsOf(html)).toEqual(['Rotate the &lt;keys&gt;', 'Add a dashboard']);
    expect(html).toContain(`<a href="/incidents/INC-${publicId}">INC-${publicId}</a> Checkout down`);
    expect(html).toMatch(/Rotate the &lt;keys&gt;.*<strong class="badge overdue">Overdue<\/strong>/s);
    expect(html).toContain('<td>alice</td>');
    expect(html).not.toContain('Secret');
    expect(html).not.toContain('Drill follow-up');
    // The only follow-up Bob owns is on the private incident, so he is not even offered as an owner.
    expect(html).not.toContain('value="U0BOB"');
  });

  it('shows the private incident’s follow-up to its member', async () => {
    const html = await page(bob, '/followups');
    expect(rowsOf(html)).toEqual(['Rotate the &lt;keys&gt;', 'Secret follow-up', 'Add a dashboard']);
    expect(html).toContain(`/incidents/INC-${privateId}`);
  });

  it('filters by state and owner', async () => {
    expect(rowsOf(await page(alice, '/followups?state=overdue'))).toEqual(['Rotate the &lt;keys&gt;']);
    const done = await page(alice, '/followups?state=done');
    expect(rowsOf(done)).toEqual(['Write the runbook']);
    expect(done).toMatch(/Done by carol at <time datetime="[^"]+">/);
    expect(rowsOf(await page(alice, '/followups?state=all&owner=U0CAROL'))).toEqual(['Write the runbook']);
    expect(rowsOf(await page(alice, '/followups?state=all&owner=me'))).toEqual(['Rotate the &lt;keys&gt;', 'Add a dashboard']);
    expect(rowsOf(await page(bob, '/followups?owner=me'))).toEqual(['Secret follow-up']);
    // The form's "Anyone" submits an empty owner, which filters nothing.
    expect(rowsOf(await page(alice, '/followups?state=overdue&owner='))).toEqual(['Rotate the &lt;keys&gt;']);
  });

  it('answers bad filters with a 400 page, escaped', async () => {
    expect(await page(alice, '/followups?state=later', 400)).toContain('state must be one of open, overdue, done, all');
    const html = await page(alice, '/followups?owner=%3Cscript%3E', 400);
    expect(html).toContain('owner must be');
    expect(html).not.toContain('<script>');
    expect(await page(alice, '/followups?after=12', 400)).toContain('after must be the value of a');
  });

  it('pages by key past 100 rows', async () => {
    const many = await seedIncident(fw.db, { title: 'Many follow-ups' });
    for (let i = 0; i < 105; i += 1)
      await seedFollowup(fw.db, many, { text: `Item ${String(i).padStart(3, '0')}`, owner: 'U0CAROL', dueInDays: 10 + i });
    const first = await page(alice, '/followups?owner=U0CAROL');
    expect(rowsOf(first)).toHaveLength(100);
    expect(rowsOf(first)[0]).toBe('Item 000');
    const next = /<a href="([^"]+)">Next page<\/a>/.exec(first)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = await page(alice, next!);
    expect(rowsOf(second)).toEqual(['Item 100', 'Item 101', 'Item 102', 'Item 103', 'Item 104']);
    expect(second).not.toContain('Next page');
    expect(second).toContain('First page');
  });
});

describe('GET /audit', () => {
  beforeAll(async () => {
    const rows = Array.from({ length: 55 }, (_, i) => ({
      actor: i % 5 === 0 ? 'system' : 'U0ALICE',
      action: i % 5 === 0 ? ('config.reloaded' as const) : ('override.created' as const),
      subject: `subject-${String(i).padStart(2, '0')}`,
      before: i === 54 ? { note: '<b>before</b>' } : null,
      after: { step: i },
    }));
    for (const row of rows) await fw.db.insert(auditLog).values(row);
  });
  const subjects = (html: string) => [...html.matchAll(/<td>(subject-\d+)<\/td>/g)].map((m) => m[1]);

  it('shows everyone signed in the log, newest first, 50 a page, with the change as escaped JSON', async () => {
    const html = await page(bob, '/audit');
    expect(subjects(html)).toHaveLength(50);
    expect(subjects(html)[0]).toBe('subject-54');
    expect(html).toContain('<pre class="json">{&quot;note&quot;:&quot;&lt;b&gt;before&lt;/b&gt;&quot;}</pre>');
    expect(html).toContain('<td>alice</td>');
    const older = /<a href="([^"]+)">Older entries<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    const rest = await page(bob, older!);
    expect(subjects(rest)).toEqual(['subject-04', 'subject-03', 'subject-02', 'subject-01', 'subject-00']);
    expect(rest).toContain('Newest entries');
  });

  it('filters by action and actor', async () => {
    const reloads = subjects(await page(alice, '/audit?action=config.reloaded'));
    expect(reloads).toEqual([
      'subject-50',
      'subject-45',
      'subject-40',
      'subject-35',
      'subject-30',
      'subject-25',
      'subject-20',
      'subject-15',
      'subject-10',
      'subject-05',
      'subject-00',
    ]);
    expect(subjects(await page(alice, '/audit?actor=system'))).toEqual(reloads);
    expect(subjects(await page(alice, '/audit?actor=U0ALICE&action=config.reloaded'))).toEqual([]);
    expect(subjects(await page(alice, '/audit?action=config.reloaded&actor='))).toEqual(reloads);
  });

  it('answers a bad filter with a 400 page', async () => {
    expect(await page(alice, '/audit?action=deleted.everything', 400)).toContain('action must be one of override.created');
    expect(await page(alice, '/audit?before=x', 400)).toContain('before must be the value of an');
  });

  describe('with admins configured', () => {
    let admin: Firewatch;
    beforeAll(async () => {
      admin = await startApp(fw.slack, fw.database.database, testConfig({ admins: ['U0CAROL'] }), await consoleEnv(fw.slack));
    });
    afterAll(() => admin?.stop());

    it('shows the log to the admins only; others are told who can see it', async () => {
      const outsider = await visitAs(fw.slack, admin.url, 'U0BOB');
      const refused = await outsider.get('/audit');
      expect(refused.status).toBe(403);
      const html = await refused.text();
      expect(html).toContain('Only the admins');
      expect(html).toContain('<li>carol</li>');
      expect(html).not.toContain('subject-');
      const carol = await visitAs(fw.slack, admin.url, 'U0CAROL');
      const seen = await page(carol, '/audit');
      expect(subjects(seen)[0]).toBe('subject-54');
      // Bob's and Carol's sign-ins just now are the newest entries.
      expect(seen.match(/<code>console\.signed_in<\/code>/g)?.length).toBeGreaterThanOrEqual(2);
    });
  });
});

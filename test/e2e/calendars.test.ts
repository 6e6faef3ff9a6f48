// Calendar feeds end to end: `/incident oncall calendar` through the real Bolt app hands out private
// URLs, which answer over real HTTP with iCalendar that ical.js reads back (Slack overrides included);
// a reset makes the old URL a 404 that looks like any unknown one, and is in the audit log without tokens.
import { and, eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { recentAudit } from '../../src/audit/record.js';
import { calendarFeeds, scheduleOverrides } from '../../src/db/schema.js';
import { feedWindow } from '../../src/paging/calendar-feed.js';
import { calendarToken, feedOfToken, resetCalendarToken } from '../../src/paging/calendar-tokens.js';
import { currentSchedules } from '../../src/paging/current-schedules.js';
import { shiftsBetween } from '../../src/paging/schedule.js';
import { useFirewatch } from '../support/harness.js';

const PUBLIC = 'https://firewatch.example.com';
const fw = useFirewatch({
  env: () => ({ PUBLIC_URL: PUBLIC }),
  config: {
    admins: ['U0ADMIN'],
    schedules: [
      { id: 'platform', time_zone: 'Europe/Berlin', rotation: { start: '2026-01-05T09:00', length: '1w', users: ['U0ALICE', 'U0BOB'] } },
      { id: 'db', time_zone: 'Australia/Lord_Howe', rotation: { start: '2026-01-01T08:00', length: '1d', users: ['U0BOB', 'U0ALICE'] } },
    ],
  },
});

const URL_IN = /<(https:\/\/firewatch\.example\.com\/calendars\/[A-Za-z0-9_-]+\.ics)>/g;
const urlsIn = (text: string) => [...text.matchAll(URL_IN)].map((m) => m[1]!);
const local = (url: string) => url.replace(PUBLIC, fw.app.url);

async function fetchFeed(url: string) {
  const res = await fetch(local(url));
  return { status: res.status, headers: res.headers, body: await res.text() };
}

function eventsOf(body: string) {
  const calendar = new ICAL.Component(ICAL.parse(body));
  return calendar.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return { uid: e.uid, summary: e.summary, start: e.startDate.toJSDate().getTime(), end: e.endDate.toJSDate().getTime() };
  });
}

describe('/incident oncall calendar', () => {
  it('answers with the person’s and their schedules’ URLs, which serve their shifts over HTTP; the same URLs next time', async () => {
    const answer = await fw.run('oncall calendar', { user: 'U0ALICE' });
    expect(answer).toContain('Your on-call calendar');
    expect(answer).toContain('From URL');
    expect(answer).toContain('Subscribe from web');
    const [person, platform, db] = urlsIn(answer);
    expect(answer).toContain('*platform*');
    expect(answer).toContain('*db*');
    expect(new Set([person, platform, db]).size).toBe(3);
    expect(urlsIn(await fw.run('oncall calendar', { user: 'U0ALICE' }))).toEqual([person, platform, db]);

    const feed = await fetchFeed(person!);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(feed.headers.get('cache-control')).toBe('private, max-age=300');
    const events = eventsOf(feed.body);
    const { from, to } = feedWindow(new Date());
    const schedules = await currentSchedules(fw.db, fw.config);
    for (const id of ['platform', 'db']) {
      const def = schedules.find((s) => s.id === id)!;
      // The shifts wholly inside the window, as the schedule alone gives them, are exactly the feed's.
      const inner = shiftsBetween(def, from, to).filter((s) => s.user === 'U0ALICE' && s.start > from && s.end < to);
      const mine = events.filter((e) => e.summary === `On call: ${id}` && e.start > from.getTime() && e.end < to.getTime());
      expect(mine.map((e) => [e.start, e.end])).toEqual(inner.map((s) => [s.start.getTime(), s.end.getTime()]));
      expect(inner.length).toBeGreaterThan(id === 'db' ? 100 : 20);
    }
    expect(feed.body).toContain('BEGIN:VTIMEZONE\r\nTZID:Australia/Lord_Howe\r\n');

    // The schedule feed shows everyone; fetching twice gives the same UIDs.
    const first = eventsOf((await fetchFeed(platform!)).body);
    expect(new Set(first.map((e) => e.summary))).toEqual(new Set(['platform: U0ALICE', 'platform: U0BOB']));
    expect(eventsOf((await fetchFeed(platform!)).body).map((e) => e.uid)).toEqual(first.map((e) => e.uid));
  });

  it('includes a Slack override in the schedule’s and the new person’s feeds, leaving the other shifts’ UIDs', async () => {
    const [, platform] = urlsIn(await fw.run('oncall calendar platform', { user: 'U0CAROL' }));
    const before = eventsOf((await fetchFeed(platform!)).body);
    const startsAt = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 10 * 86_400_000);
    const endsAt = new Date(startsAt.getTime() + 6 * 3_600_000);
    await fw.db.insert(scheduleOverrides).values({ scheduleId: 'platform', userId: 'U0CAROL', startsAt, endsAt, createdBy: 'U0CAROL' });

    const after = eventsOf((await fetchFeed(platform!)).body);
    expect(after.filter((e) => e.summary === 'platform: U0CAROL').map((e) => [e.start, e.end])).toEqual([
      [startsAt.getTime(), endsAt.getTime()],
    ]);
    const untouched = before.filter((e) => e.end < startsAt.getTime() || e.start > endsAt.getTime());
    expect(untouched.length).toBeGreaterThan(40);
    const uids = new Set(after.map((e) => e.uid));
    for (const e of untouched) expect(uids.has(e.uid)).toBe(true);

    // Carol is on no rotation: her own feed has just the override, and she is told how to get a schedule's.
    const answer = await fw.run('oncall calendar', { user: 'U0CAROL' });
    expect(answer).toContain('You are on no schedule’s rotation');
    const [carol] = urlsIn(answer);
    expect(eventsOf((await fetchFeed(carol!)).body).map((e) => [e.summary, e.start, e.end])).toEqual([
      ['On call: platform', startsAt.getTime(), endsAt.getTime()],
    ]);
  });

  it('resets the person’s URL: the old one answers 404 exactly as an unknown one, and the audit row has no token', async () => {
    const [old] = urlsIn(await fw.run('oncall calendar', { user: 'U0BOB' }));
    expect((await fetchFeed(old!)).status).toBe(200);
    const answer = await fw.run('oncall calendar reset', { user: 'U0BOB' });
    expect(answer).toContain('the old link no longer works');
    const [fresh] = urlsIn(answer);
    expect(fresh).not.toBe(old);
    expect(urlsIn(await fw.run('oncall calendar', { user: 'U0BOB' }))[0]).toBe(fresh);
    expect((await fetchFeed(fresh!)).status).toBe(200);

    const revoked = await fetchFeed(old!);
    const unknown = await fetchFeed(`${PUBLIC}/calendars/${'A'.repeat(43)}.ics`);
    const malformed = await fetchFeed(`${PUBLIC}/calendars/nope.ics`);
    const noRoute = await fetchFeed(`${PUBLIC}/no-such-route`);
    for (const r of [revoked, unknown, malformed]) {
      expect(r.status).toBe(404);
      expect(r.body).toBe(noRoute.body);
      expect(r.headers.get('content-type')).toBe(noRoute.headers.get('content-type'));
    }

    const audit = (await recentAudit(fw.db)).filter((a) => a.action === 'calendar.reset' && a.subject === 'calendar:person:U0BOB');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('U0BOB');
    const tokenOf = (url: string) => /calendars\/([^.]+)\.ics/.exec(url)![1]!;
    const rows = await fw.db
      .select()
      .from(calendarFeeds)
      .where(and(eq(calendarFeeds.kind, 'person'), eq(calendarFeeds.subjectId, 'U0BOB')));
    for (const token of [tokenOf(old!), tokenOf(fresh!)]) {
      expect(JSON.stringify(audit)).not.toContain(token);
      expect(JSON.stringify(rows)).not.toContain(token);
    }
  });

  it('resets a schedule’s URL for its members and admins only, and names who may', async () => {
    const [, platform] = urlsIn(await fw.run('oncall calendar platform', { user: 'U0ALICE' }));
    const refused = await fw.run('oncall calendar reset platform', { user: 'U0CAROL' });
    expect(refused).toContain('⚠️ Only the members of platform');
    expect(refused).toContain('<@U0ALICE>, <@U0BOB>, <@U0ADMIN>');
    expect((await fetchFeed(platform!)).status).toBe(200);

    const [byAdmin] = urlsIn(await fw.run('oncall calendar reset platform', { user: 'U0ADMIN' }));
    expect((await fetchFeed(platform!)).status).toBe(404);
    expect((await fetchFeed(byAdmin!)).status).toBe(200);
    const [byMember] = urlsIn(await fw.run('oncall calendar reset PLATFORM', { user: 'U0BOB' }));
    expect((await fetchFeed(byAdmin!)).status).toBe(404);
    expect(eventsOf((await fetchFeed(byMember!)).body).length).toBeGreaterThan(40);
    const audit = (await recentAudit(fw.db)).filter((a) => a.subject === 'calendar:schedule:platform');
    expect(audit.map((a) => a.actor)).toEqual(['U0BOB', 'U0ADMIN']);
  });

  it('gives one URL to first uses at the same moment, and leaves resets at the same moment one live URL', async () => {
    const { secret } = fw.app.services;
    const subject = { kind: 'person' as const, userId: 'U0RACE' };
    const tokens = await Promise.all(Array.from({ length: 6 }, () => calendarToken(fw.db, secret, subject, 'U0RACE')));
    expect(new Set(tokens).size).toBe(1);
    const resets = await Promise.all(
      Array.from({ length: 4 }, () => resetCalendarToken(fw.db, secret, fw.config, { subject, actor: 'U0RACE' })),
    );
    // Resets that overlap make one new URL between them; ones that do not, one each. Either way one lives.
    const fresh = [...new Set(resets.map((r) => (r.ok ? r.token : 'refused')))];
    const opened = await Promise.all([tokens[0]!, ...fresh].map((t) => feedOfToken(fw.db, secret, t)));
    expect(opened.filter((o) => o !== undefined)).toEqual([subject]);
    expect(opened[0]).toBeUndefined();
    const rows = await fw.db.select().from(calendarFeeds).where(eq(calendarFeeds.subjectId, 'U0RACE'));
    expect(rows.filter((r) => r.revokedAt === null)).toHaveLength(1);
    expect(rows).toHaveLength(fresh.length + 1);
    expect((await recentAudit(fw.db)).filter((a) => a.subject === 'calendar:person:U0RACE')).toHaveLength(fresh.length);
  });

  it('explains an unknown schedule and extra words', async () => {
    expect(await fw.run('oncall calendar nope', { user: 'U0ALICE' })).toContain('Unknown schedule "nope". Schedules: platform, db.');
    expect(await fw.run('oncall calendar reset nope', { user: 'U0ALICE' })).toContain('Unknown schedule "nope"');
    expect(await fw.run('oncall calendar platform db', { user: 'U0ALICE' })).toContain(
      'one schedule at most. Usage: `/incident oncall calendar [reset] [schedule]`',
    );
  });
});

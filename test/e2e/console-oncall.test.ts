// The console's on-call page over real HTTP: who is on call now (an override said to be one), the weeks
// ahead with the day Berlin's clocks change, the signed-in person's own calendar link (which serves
// iCalendar) and nobody else's, and plain answers for a query it cannot read.
import { describe, expect, it } from 'vitest';
import { createOverride, type Window } from '../../src/paging/overrides.js';
import { visitAs } from '../support/console.js';
import { useFirewatch } from '../support/harness.js';

const fw = useFirewatch({
  console: true,
  config: {
    schedules: [
      { id: 'ops', time_zone: 'Europe/Berlin', rotation: { start: '2026-01-05T09:00', length: '1w', users: ['U0ALICE', 'U0BOB'] } },
      { id: 'web', time_zone: 'America/New_York', rotation: { start: '2026-01-05T09:00', length: '1w', users: ['U0BOB'] } },
    ],
  },
});

const override = (scheduleId: string, userId: string, window: Window) =>
  createOverride(fw.db, fw.config, { scheduleId, userId, window, createdBy: userId, reason: null }, async () => ({
    windows: [window],
    action: 'override.created',
  }));

/** A schedule's section of the page, from its heading to the next. */
const sectionOf = (html: string, id: string) => {
  const start = html.indexOf(`<h2 id="schedule-${id}">`);
  expect(start, `the page has a section for ${id}`).toBeGreaterThan(-1);
  const end = html.indexOf('<section', start);
  return html.slice(start, end === -1 ? undefined : end);
};
const rowsOf = (html: string) =>
  [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
const FEED = /href="(http[^"]+\/calendars\/([A-Za-z0-9_-]{43})\.ics)"/g;

describe('GET /oncall', () => {
  it('shows who is on call now, with an override marked as one, until when', async () => {
    const now = Date.now();
    await override('ops', 'U0CAROL', { start: new Date(now - 60_000), end: new Date(now + 2 * 3_600_000) });
    const page = await (await visitAs(fw.slack, fw.app.url, 'U0ALICE')).get('/oncall');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<a href="/oncall" aria-current="page">');
    const nowTable = html.slice(html.indexOf('<table class="oncall-now">'), html.indexOf('</table>'));
    const rows = rowsOf(nowTable);
    expect(rows[0]).toBe('Schedule On call Until By');
    expect(rows.find((r) => r.startsWith('ops '))).toMatch(/^ops carol \w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T Override$/);
    expect(rows.find((r) => r.startsWith('web '))).toMatch(/^web bob No change ahead Rotation$/);
  });

  it('shows the weeks from ?from=, overrides marked in text and the day Berlin’s clocks go forward', async () => {
    await override('ops', 'U0CAROL', { start: new Date('2027-03-24T11:00:00Z'), end: new Date('2027-03-25T11:00:00Z') });
    const visitor = await visitAs(fw.slack, fw.app.url, 'U0ALICE');
    const html = await (await visitor.get('/oncall?from=2027-03-20&weeks=3')).text();

    const ops = sectionOf(html, 'ops');
    expect(ops).toContain('Europe/Berlin');
    expect(ops.match(/<caption>/g)).toHaveLength(3);
    expect(ops).toContain('<caption>ops: week from Sat 2027-03-20</caption>');
    const rows = rowsOf(ops);
    expect(rows).toContain('Wed 2027-03-24 12:00 CET Thu 2027-03-25 12:00 CET carol Override');
    expect(rows).toContain('Mon 2027-03-22 09:00 CET Wed 2027-03-24 12:00 CET bob Rotation');
    expect(rows).toContain('Sun 2027-03-28 Daylight saving: Clocks go forward 1 h (CET→CEST), 02:00 → 03:00');
    // The week's hand-off after the change is on the new clock, still at 09:00.
    expect(rows).toContain('Mon 2027-03-29 09:00 CEST Mon 2027-04-05 09:00 CEST alice Rotation');

    const web = sectionOf(html, 'web');
    expect(web).toContain('America/New_York');
    expect(web).not.toContain('Daylight saving');
    expect(rowsOf(web).some((r) => r === 'Earlier Later bob Rotation')).toBe(true);
  });

  it('focuses one schedule with ?schedule=, and answers plainly for an unknown one or too many weeks', async () => {
    const visitor = await visitAs(fw.slack, fw.app.url, 'U0BOB');
    const focused = await (await visitor.get('/oncall?schedule=web&weeks=2&from=2027-10-30')).text();
    expect(focused).toContain('<h2 id="schedule-web">');
    expect(focused).not.toContain('<h2 id="schedule-ops">');
    expect(rowsOf(sectionOf(focused, 'web'))).toContain('Sun 2027-11-07 Daylight saving: Clocks go back 1 h (EDT→EST), 02:00 → 01:00');
    expect(focused).toContain('<option value="web" selected>');

    const blankForm = await visitor.get('/oncall?schedule=&weeks=4&from=');
    expect(blankForm.status).toBe(200);
    expect(await blankForm.text()).toContain('<h2 id="schedule-ops">');

    const unknown = await visitor.get('/oncall?schedule=%3Cscript%3E');
    expect(unknown.status).toBe(404);
    const unknownHtml = await unknown.text();
    expect(unknownHtml).toContain('There is no schedule &quot;&lt;script&gt;&quot;. Schedules: ops, web.');
    expect(unknownHtml).not.toContain('<script>');

    for (const [query, says] of [
      ['weeks=9', 'weeks must be from 1 to 8'],
      ['weeks=two', 'weeks must be a number of weeks'],
      ['from=2027-02-30', 'from is not a date on the calendar'],
    ] as const) {
      const res = await visitor.get(`/oncall?${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.text()).toContain(says);
    }
  });

  it('gives the signed-in person their own calendar link, which serves iCalendar, and never another person’s', async () => {
    const bobPage = await (await (await visitAs(fw.slack, fw.app.url, 'U0BOB')).get('/oncall')).text();
    const alice = await visitAs(fw.slack, fw.app.url, 'U0ALICE');
    const alicePage = await (await alice.get('/oncall')).text();

    const personal = (html: string) => {
      const yours = html.slice(html.indexOf('<h2>Your calendar</h2>'), html.indexOf('</section>', html.indexOf('<h2>Your calendar</h2>')));
      const [found] = [...yours.matchAll(FEED)];
      expect(found, 'the page has a personal calendar link').toBeDefined();
      return { url: found![1]!, token: found![2]! };
    };
    const mine = personal(alicePage);
    const bobs = personal(bobPage);
    expect(mine.token).not.toBe(bobs.token);
    expect(alicePage).not.toContain(bobs.token);
    expect(bobPage).not.toContain(mine.token);
    // The same link next time, as `/incident oncall calendar` gives it.
    expect(personal(await (await alice.get('/oncall')).text()).token).toBe(mine.token);
    expect(await fw.run('oncall calendar', { user: 'U0ALICE' })).toContain(mine.url);

    const feed = await fetch(mine.url);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(await feed.text()).toContain('BEGIN:VCALENDAR');

    // Each schedule's shared link is there too, and serves the schedule.
    const [opsFeed] = [...sectionOf(alicePage, 'ops').matchAll(FEED)];
    const schedule = await fetch(opsFeed![1]!);
    expect(schedule.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(await schedule.text()).toContain('SUMMARY:ops: U0ALICE');
  });

  it('sends someone not signed in to sign in', async () => {
    const res = await fetch(`${fw.app.url}/oncall`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onCallNow, scheduleCalendar, type CalendarShift } from '../../src/paging/oncall-calendar.js';
import type { ScheduleDef } from '../../src/paging/schedule.js';
import { oncallPageHtml } from '../../src/http/console/oncall-html.js';

const berlin: ScheduleDef = {
  id: 'ops',
  timeZone: 'Europe/Berlin',
  rotation: { start: '2027-01-04T09:00', lengthMs: 7 * 86_400_000, users: ['U0ALICE', 'U0BOB'] },
  overrides: [{ user: 'U0CAROL', start: '2027-03-24T12:00', end: '2027-03-25T12:00' }],
};
const nobody: ScheduleDef = { ...berlin, id: 'empty', rotation: { ...berlin.rotation, users: [] } };

const shiftsOf = (weeks: ReturnType<typeof scheduleCalendar>) =>
  weeks.ok ? weeks.weeks.flatMap((w) => w.entries.filter((e): e is CalendarShift => e.kind === 'shift')) : [];

describe('onCallNow', () => {
  it('says who and until when, and whether an override put them there', () => {
    expect(onCallNow(berlin, new Date('2027-03-24T12:00:00+01:00'))).toEqual({
      ok: true,
      scheduleId: 'ops',
      timeZone: 'Europe/Berlin',
      user: 'U0CAROL',
      until: new Date('2027-03-25T12:00:00+01:00'),
      override: true,
    });
    expect(onCallNow(berlin, new Date('2027-03-26T12:00:00+01:00'))).toMatchObject({ user: 'U0BOB', override: false });
  });

  it('gives a note rather than failing for a schedule without members', () => {
    expect(onCallNow(nobody, new Date())).toEqual({
      ok: false,
      scheduleId: 'empty',
      problem: 'schedule empty: rotation needs at least one user',
    });
    expect(scheduleCalendar(nobody, '2027-03-20', 4)).toMatchObject({ ok: false, scheduleId: 'empty' });
  });
});

describe('scheduleCalendar', () => {
  it('lays the weeks out on the schedule’s calendar, the DST week an hour short, with the change on its day', () => {
    const calendar = scheduleCalendar(berlin, '2027-03-20', 2);
    if (!calendar.ok) throw new Error(calendar.problem);
    expect(calendar.weeks.map((w) => [w.start.toISOString(), w.end.toISOString()])).toEqual([
      ['2027-03-19T23:00:00.000Z', '2027-03-26T23:00:00.000Z'],
      ['2027-03-26T23:00:00.000Z', '2027-04-02T22:00:00.000Z'],
    ]);
    const second = calendar.weeks[1]!.entries;
    expect(second.map((e) => e.kind)).toEqual(['shift', 'clock', 'shift']);
    expect(
      shiftsOf(calendar)
        .filter((s) => s.override)
        .map((s) => s.user),
    ).toEqual(['U0CAROL']);
  });

  it('shows every shift whole and unclipped: the first and last of the window keep their real start and end', () => {
    const shifts = shiftsOf(scheduleCalendar(berlin, '2027-03-20', 1));
    expect(shifts[0]!.start.toISOString()).toBe('2027-03-15T08:00:00.000Z');
    expect(shifts.at(-1)!.end.toISOString()).toBe('2027-03-29T07:00:00.000Z');
    expect(shifts.every((s) => !s.startsEarlier && !s.endsLater)).toBe(true);
  });

  it('says a shift of a one-person rotation starts earlier and ends later than it can show', () => {
    const [only, ...more] = shiftsOf(
      scheduleCalendar({ ...berlin, rotation: { ...berlin.rotation, users: ['U0BOB'] }, overrides: [] }, '2027-06-01', 1),
    );
    expect(more).toEqual([]);
    expect(only).toMatchObject({ user: 'U0BOB', startsEarlier: true, endsLater: true });
  });

  it('for any start day and length: every week is listed, shifts in order, each overlapping its week', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2026-06-01T00:00:00Z'), max: new Date('2029-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom('Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Lord_Howe'),
        (day, weeks, timeZone) => {
          const calendar = scheduleCalendar({ ...berlin, timeZone }, day.toISOString().slice(0, 10), weeks);
          if (!calendar.ok) throw new Error(calendar.problem);
          expect(calendar.weeks).toHaveLength(weeks);
          for (const w of calendar.weeks) {
            const shifts = w.entries.filter((e): e is CalendarShift => e.kind === 'shift');
            expect(shifts.length).toBeGreaterThan(0);
            for (const s of shifts) expect(s.start < w.end && w.start < s.end).toBe(true);
            for (let i = 1; i < shifts.length; i++) expect(shifts[i]!.start).toEqual(shifts[i - 1]!.end);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('oncallPageHtml', () => {
  it('escapes names and notes, and says plainly when a schedule cannot be worked out', () => {
    const html = oncallPageHtml({
      now: [onCallNow(nobody, new Date()), onCallNow(berlin, new Date('2027-03-24T12:00:00+01:00'))],
      calendars: [
        { calendar: scheduleCalendar(nobody, '2027-03-20', 1), feedUrl: undefined },
        { calendar: scheduleCalendar(berlin, '2027-03-20', 1), feedUrl: 'https://fw.example/calendars/x.ics' },
      ],
      personalFeedUrl: 'https://fw.example/calendars/mine.ics',
      names: { U0CAROL: '<b>Carol</b>' },
      scheduleIds: ['empty', 'ops'],
      chosen: { schedule: undefined, weeks: 1, from: '2027-03-20' },
    });
    expect(html).toContain('Cannot be worked out: schedule empty: rotation needs at least one user');
    expect(html).toContain('&lt;b&gt;Carol&lt;/b&gt;');
    expect(html).not.toContain('<b>Carol</b>');
    expect(html).toContain('<span class="badge override">Override</span>');
  });
});

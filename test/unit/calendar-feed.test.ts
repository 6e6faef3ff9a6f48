// Calendar feeds parsed back with an independent parser (Mozilla's ical.js, which has no time-zone data
// of its own and so converts local times only through the feed's VTIMEZONEs), checked against the schedule.
import fc from 'fast-check';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { feedBody, feedCalendar, feedShifts, feedWindow, shiftUid, type FeedSubject } from '../../src/paging/calendar-feed.js';
import { onCallAt, shiftsBetween, type ScheduleDef } from '../../src/paging/schedule.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe'] as const;

interface Parsed {
  uid: string;
  summary: string;
  start: number;
  end: number;
  startTzid: string | null;
}

function parse(text: string): { events: Parsed[]; zones: string[]; calendar: ICAL.Component } {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zones = calendar.getAllSubcomponents('vtimezone').map((z) => String(z.getFirstPropertyValue('tzid')));
  const events = calendar.getAllSubcomponents('vevent').map((v) => {
    const event = new ICAL.Event(v);
    const tzid = v.getFirstProperty('dtstart')?.getParameter('tzid');
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.toJSDate().getTime(),
      end: event.endDate.toJSDate().getTime(),
      startTzid: typeof tzid === 'string' ? tzid : null,
    };
  });
  return { events, zones, calendar };
}

function render(subject: FeedSubject, schedules: ScheduleDef[], now: Date): string {
  const { from, to } = feedWindow(now);
  return feedCalendar({ subject, shifts: feedShifts(subject, schedules, from, to), from, to, now });
}

const wall = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");

const USERS = ['U0ANA', 'U0BEN', 'U0CAT', 'U0DAN'];

/** A schedule in a DST zone: any start, a rotation of days or of hours, overrides as wall-clock times or instants. */
const anySchedule = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    startMs: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }).map((ms) => Math.floor(ms / (15 * 60_000)) * 15 * 60_000),
    lengthMs: fc.oneof(
      fc.integer({ min: 1, max: 14 }).map((d) => d * DAY),
      fc.constantFrom(8 * HOUR, 12 * HOUR, 36 * HOUR),
    ),
    users: fc.array(fc.constantFrom(...USERS), { minLength: 1, maxLength: 5 }),
    overrides: fc.array(
      fc.record({
        user: fc.constantFrom(...USERS, 'U0EVE'),
        startMs: fc.integer({ min: Date.UTC(2025, 6, 1), max: Date.UTC(2028, 0, 1) }).map((ms) => Math.floor(ms / 60_000) * 60_000),
        minutes: fc.integer({ min: 1, max: 20 * 24 * 60 }),
        asInstant: fc.boolean(),
      }),
      { maxLength: 8 },
    ),
  })
  .map(({ zone, startMs, lengthMs, users, overrides }): ScheduleDef => ({
    id: 'platform',
    timeZone: zone,
    rotation: { start: wall(startMs, zone), lengthMs, users },
    overrides: overrides.map((o) => {
      const endMs = o.startMs + o.minutes * 60_000;
      return o.asInstant
        ? { user: o.user, start: new Date(o.startMs).toISOString(), end: new Date(endMs).toISOString() }
        : { user: o.user, start: wall(o.startMs, zone), end: wall(endMs, zone) };
    }),
  }));

const anyNow = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 6, 1) }).map((ms) => new Date(ms));

/** The on-call shifts as shiftsBetween gives them over the window, without the stretches nobody covers. */
const expectedShifts = (def: ScheduleDef, from: Date, to: Date) =>
  shiftsBetween(def, from, to)
    .filter((s) => s.user !== null)
    .map((s) => ({ user: s.user, start: s.start.getTime(), end: s.end.getTime() }));

const clip = (e: Parsed, from: Date, to: Date) => ({ start: Math.max(e.start, from.getTime()), end: Math.min(e.end, to.getTime()) });

describe('a schedule feed parsed back', () => {
  it('has one event per shift, at the instants shiftsBetween gives, through every DST change (property)', () => {
    fc.assert(
      fc.property(anySchedule, anyNow, (def, now) => {
        const { from, to } = feedWindow(now);
        const { events, zones } = parse(render({ kind: 'schedule', scheduleId: 'platform' }, [def], now));
        const expected = expectedShifts(def, from, to);
        expect(events.map((e) => ({ user: e.summary.replace('platform: ', ''), ...clip(e, from, to) }))).toEqual(expected);
        if (events.length) expect(zones).toEqual([def.timeZone]);
        // Each of a sample of events (the first, the last, every seventh) is checked against the schedule alone.
        for (const e of events.filter((_, i) => i === 0 || i === events.length - 1 || i % 7 === 0)) {
          // Each event is a whole shift: its person on call throughout, and not just before or just after.
          const user = e.summary.replace('platform: ', '');
          expect(shiftsBetween(def, new Date(e.start), new Date(e.end)).map((s) => s.user)).toEqual([user]);
          expect(onCallAt(def, new Date(e.start - 1))).not.toBe(user);
          // A shift that runs on past the window (a one-person rotation never hands over) ends where the feed looked.
          if (e.end <= to.getTime()) expect(onCallAt(def, new Date(e.end))).not.toBe(user);
          expect(e.uid).toBe(shiftUid({ scheduleId: 'platform', user, start: new Date(e.start) }));
        }
        expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
      }),
      { numRuns: 50 },
    );
  }, 180_000);

  it('keeps every UID across fetches days apart, and after a new override changes only the shifts it touches (property)', () => {
    fc.assert(
      fc.property(
        anySchedule,
        anyNow,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 200 * 24 }),
        fc.integer({ min: 1, max: 72 }),
        (def, now, daysLater, overrideHours, overrideLength) => {
          const later = new Date(now.getTime() + daysLater * DAY);
          const first = parse(render({ kind: 'schedule', scheduleId: 'platform' }, [def], now)).events;
          const second = parse(render({ kind: 'schedule', scheduleId: 'platform' }, [def], later)).events;
          const byStart = new Map(first.map((e) => [e.start, e]));
          for (const e of second) {
            const before = byStart.get(e.start);
            if (before && before.summary === e.summary) expect(e.uid).toBe(before.uid);
          }
          // A shift in both windows is the same event in both.
          const { from: laterFrom } = feedWindow(later);
          const { to: nowTo } = feedWindow(now);
          for (const e of first.filter((x) => x.end > laterFrom.getTime() && x.start < nowTo.getTime() && x.end <= nowTo.getTime())) {
            expect(second.find((x) => x.uid === e.uid)).toMatchObject({ start: e.start, end: e.end });
          }

          // iCalendar counts in seconds; a Slack override is made to the minute.
          const oStart = Math.floor(now.getTime() / 60_000) * 60_000 + overrideHours * HOUR;
          const oEnd = oStart + overrideLength * HOUR;
          const overridden: ScheduleDef = {
            ...def,
            overrides: [...def.overrides, { user: 'U0ZED', start: new Date(oStart).toISOString(), end: new Date(oEnd).toISOString() }],
          };
          const after = parse(render({ kind: 'schedule', scheduleId: 'platform' }, [overridden], now)).events;
          const afterUids = new Set(after.map((e) => e.uid));
          // A shift that ends before the override starts or starts after it ends is untouched.
          for (const e of first.filter((x) => x.end < oStart || x.start > oEnd)) expect(afterUids.has(e.uid)).toBe(true);
          const zed = after.filter((e) => e.summary === 'platform: U0ZED');
          expect(zed.map((e) => [e.start, e.end])).toEqual([[oStart, oEnd]]);
        },
      ),
      { numRuns: 40 },
    );
  }, 180_000);
});

describe('a person feed', () => {
  it('shows the person’s shifts on every schedule, each in its own zone, and nobody else’s', () => {
    const berlin: ScheduleDef = {
      id: 'platform',
      timeZone: 'Europe/Berlin',
      rotation: { start: '2026-01-05T09:00', lengthMs: WEEK, users: ['U0ANA', 'U0BEN'] },
      overrides: [{ user: 'U0ANA', start: '2026-10-25T00:30:00.000Z', end: '2026-10-25T01:30:00.000Z' }],
    };
    const lordHowe: ScheduleDef = {
      id: 'db',
      timeZone: 'Australia/Lord_Howe',
      rotation: { start: '2026-01-01T08:00', lengthMs: DAY, users: ['U0ANA', 'U0CAT', 'U0DAN'] },
      overrides: [],
    };
    const now = new Date('2026-03-20T12:00:00Z');
    const { from, to } = feedWindow(now);
    const text = render({ kind: 'person', userId: 'U0ANA' }, [berlin, lordHowe], now);
    const { events, zones } = parse(text);
    expect(zones).toEqual(['Australia/Lord_Howe', 'Europe/Berlin']);
    const expected = [
      ...expectedShifts(berlin, from, to).map((s) => ({ ...s, summary: 'On call: platform' })),
      ...expectedShifts(lordHowe, from, to).map((s) => ({ ...s, summary: 'On call: db' })),
    ]
      .filter((s) => s.user === 'U0ANA')
      .map(({ summary, start, end }) => ({ summary, start, end }))
      .sort((a, b) => a.start - b.start);
    expect(events.map((e) => ({ summary: e.summary, ...clip(e, from, to) }))).toEqual(expected);
    // 09:00 Berlin every other Monday, in winter and in summer alike.
    const platform = events.filter((e) => e.summary === 'On call: platform' && e.end - e.start >= WEEK - HOUR);
    for (const e of platform) expect(DateTime.fromMillis(e.start, { zone: 'Europe/Berlin' }).toFormat('ccc HH:mm')).toBe('Mon 09:00');
    // The override inside the repeated hour of 25 October: both bounds in UTC, the instants exact.
    const repeated = events.find((e) => e.start === Date.parse('2026-10-25T00:30:00Z'));
    expect(repeated).toMatchObject({ end: Date.parse('2026-10-25T01:30:00Z'), startTzid: null });
    expect(text).toContain('DTSTART:20261025T003000Z');
    // Lord Howe's daily 08:00 hand-off survives the half-hour change.
    for (const e of events.filter((x) => x.summary === 'On call: db')) {
      expect(DateTime.fromMillis(e.start, { zone: 'Australia/Lord_Howe' }).toFormat('HH:mm')).toBe('08:00');
    }
  });

  it('is a valid stream: CRLF lines of at most 75 octets, the calendar’s name, and a DTSTAMP on each event', () => {
    const def: ScheduleDef = {
      id: 'payments-eu',
      timeZone: 'America/New_York',
      rotation: { start: '2026-01-05T09:00', lengthMs: WEEK, users: ['U0ANA', 'U0BEN'] },
      overrides: [],
    };
    const now = new Date('2026-05-01T10:00:00.123Z');
    const text = render({ kind: 'schedule', scheduleId: 'payments-eu' }, [def], now);
    expect(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:')).toBe(true);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    for (const line of text.split('\r\n')) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
      expect(line).not.toMatch(/[\r\n]/);
    }
    const { calendar, events } = parse(text);
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('On call: payments-eu (Firewatch)');
    expect(events.length).toBeGreaterThan(50);
    for (const v of calendar.getAllSubcomponents('vevent')) {
      expect(String(v.getFirstPropertyValue('dtstamp'))).toBe('2026-05-01T10:00:00Z');
      expect(v.getFirstPropertyValue('transp')).toBe('TRANSPARENT');
    }
    // From four weeks back (the shift in progress then, whole) to a year ahead.
    expect(events[0]!.start).toBeLessThanOrEqual(now.getTime() - 28 * DAY);
    expect(events.at(-1)!.end).toBeGreaterThanOrEqual(now.getTime() + 365 * DAY);
  });

  it('is empty but valid for a schedule that is gone or a person on no rotation', () => {
    const now = new Date('2026-05-01T10:00:00Z');
    for (const subject of [
      { kind: 'schedule', scheduleId: 'gone' },
      { kind: 'person', userId: 'U0NOBODY' },
    ] as const) {
      const { events, zones } = parse(render(subject, [], now));
      expect(events).toEqual([]);
      expect(zones).toEqual([]);
    }
  });
});

describe('feedBody', () => {
  const def: ScheduleDef = {
    id: 'platform',
    timeZone: 'Europe/Berlin',
    rotation: { start: '2026-01-05T09:00', lengthMs: WEEK, users: ['U0ANA', 'U0BEN'] },
    overrides: [],
  };
  const subject: FeedSubject = { kind: 'schedule', scheduleId: 'platform' };

  it('serves the document made at the first fetch of the hour until the schedule changes', () => {
    const first = feedBody(subject, [def], new Date('2026-05-01T10:05:00Z'));
    expect(first).toContain('DTSTAMP:20260501T100500Z');
    expect(feedBody(subject, [def], new Date('2026-05-01T10:55:00Z'))).toBe(first);
    expect(first).toBe(render(subject, [def], new Date('2026-05-01T10:05:00Z')));
    // A new override is in the very next fetch, and so is the next hour's window.
    const overridden = { ...def, overrides: [{ user: 'U0CAT', start: '2026-05-02T12:00', end: '2026-05-02T18:00' }] };
    const changed = feedBody(subject, [overridden], new Date('2026-05-01T10:56:00Z'));
    expect(parse(changed).events.some((e) => e.summary === 'platform: U0CAT')).toBe(true);
    expect(feedBody(subject, [def], new Date('2026-05-01T11:00:00Z'))).toContain('DTSTAMP:20260501T110000Z');
  });

  it('leaves a schedule feed alone when another schedule changes', () => {
    const other: ScheduleDef = { ...def, id: 'db' };
    const first = feedBody(subject, [def, other], new Date('2026-06-01T10:05:00Z'));
    const otherChanged = { ...other, overrides: [{ user: 'U0CAT', start: '2026-06-02T12:00', end: '2026-06-02T18:00' }] };
    expect(feedBody(subject, [def, otherChanged], new Date('2026-06-01T10:30:00Z'))).toBe(first);
  });
});

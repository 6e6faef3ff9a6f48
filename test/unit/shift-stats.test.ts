import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handoffsDue, HANDOFF_LOOKBACK_MS } from '../../src/paging/handoffs.js';
import { nightMs } from '../../src/paging/local-hours.js';
import { nextHandoffs, shiftsBetween, type ScheduleDef, type Shift } from '../../src/paging/schedule.js';
import { median, shiftStats, type PageReach } from '../../src/paging/shift-stats.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const d = (iso: string) => new Date(iso);

const BERLIN = 'Europe/Berlin';
// Alice Monday 09:00 to Tuesday 09:00 (CEST, +02:00), then Bob for a day.
const SHIFTS: Shift[] = [
  { user: 'UA', start: d('2026-06-01T07:00:00Z'), end: d('2026-06-02T07:00:00Z') },
  { user: 'UB', start: d('2026-06-02T07:00:00Z'), end: d('2026-06-03T07:00:00Z') },
  { user: null, start: d('2026-06-03T07:00:00Z'), end: d('2026-06-04T07:00:00Z') },
];

const reach = (pageId: number, userId: string, notifiedAt: string, ack?: { by: string; at: string }): PageReach => ({
  pageId,
  incidentId: 100 + pageId,
  userId,
  notifiedAt: d(notifiedAt),
  acknowledgedBy: ack?.by ?? null,
  acknowledgedAt: ack ? d(ack.at) : null,
});

describe('shiftStats', () => {
  it('counts each page once for whoever it reached on call, at night by the schedule’s clocks, with acknowledgements', () => {
    const reaches = [
      // 23:30 local: a night page, acknowledged by Alice after 2 minutes.
      reach(1, 'UA', '2026-06-01T21:30:00Z', { by: 'UA', at: '2026-06-01T21:32:00Z' }),
      // The same page again on its next pass: still one page.
      reach(1, 'UA', '2026-06-01T21:40:00Z', { by: 'UA', at: '2026-06-01T21:32:00Z' }),
      // 14:00 local, acknowledged by Alice after 6 minutes.
      reach(2, 'UA', '2026-06-01T12:00:00Z', { by: 'UA', at: '2026-06-01T12:06:00Z' }),
      // Reached Alice, acknowledged by Bob: a page for Alice but not her acknowledgement.
      reach(3, 'UA', '2026-06-01T13:00:00Z', { by: 'UB', at: '2026-06-01T13:01:00Z' }),
      // Reached Alice while Bob was on call: neither counts it.
      reach(4, 'UA', '2026-06-02T10:00:00Z'),
      // Bob, daytime, never acknowledged.
      reach(5, 'UB', '2026-06-02T10:00:00Z'),
    ];
    const incidents = [
      { incidentId: 101, declaredAt: d('2026-06-01T21:29:00Z'), people: ['UA'] },
      // Declared in Alice's shift but she had no part in it.
      { incidentId: 102, declaredAt: d('2026-06-01T11:00:00Z'), people: ['UC'] },
      // Bob joined it, declared in his shift.
      { incidentId: 103, declaredAt: d('2026-06-02T08:00:00Z'), people: ['UB', 'UA'] },
    ];
    expect(shiftStats(SHIFTS, BERLIN, { reaches, incidents })).toEqual([
      {
        userId: 'UA',
        onCallMs: DAY,
        nightMs: 10 * HOUR,
        weekendMs: 0,
        pages: 3,
        nightPages: 1,
        acknowledged: 2,
        medianAckMs: 4 * MINUTE,
        incidents: 1,
      },
      {
        userId: 'UB',
        onCallMs: DAY,
        nightMs: 10 * HOUR,
        weekendMs: 0,
        pages: 1,
        nightPages: 0,
        acknowledged: 0,
        medianAckMs: null,
        incidents: 1,
      },
    ]);
  });

  it('adds up a person’s shifts, interrupted or not, and leaves nobody’s stretches out', () => {
    const shifts: Shift[] = [
      { user: 'UA', start: d('2026-06-06T07:00:00Z'), end: d('2026-06-06T19:00:00Z') },
      { user: 'UB', start: d('2026-06-06T19:00:00Z'), end: d('2026-06-06T21:00:00Z') },
      { user: 'UA', start: d('2026-06-06T21:00:00Z'), end: d('2026-06-07T07:00:00Z') },
    ];
    const [alice, bob] = shiftStats(shifts, BERLIN, { reaches: [], incidents: [] });
    // Saturday 09:00 to Sunday 09:00 in Berlin, less Bob's 21:00–23:00: 22 hours, all of it weekend, 9 of them night.
    expect(alice).toMatchObject({ userId: 'UA', onCallMs: 22 * HOUR, weekendMs: 22 * HOUR, nightMs: 9 * HOUR });
    expect(bob).toMatchObject({ userId: 'UB', onCallMs: 2 * HOUR, weekendMs: 2 * HOUR, nightMs: HOUR });
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 4])).toBe(4);
    expect(median([9, 1, 4, 2])).toBe(3);
  });

  it('never counts more night than on-call time, nor more acknowledgements than pages, and covers every owned minute', () => {
    const def = (users: string[]): ScheduleDef => ({
      id: 's',
      timeZone: 'Australia/Lord_Howe',
      rotation: { start: '2026-01-05T09:00', lengthMs: 13 * HOUR, users },
      overrides: [],
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 * DAY }),
        fc.integer({ min: HOUR, max: 20 * DAY }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 20 * DAY }), user: fc.constantFrom('UA', 'UB'), ack: fc.boolean() })),
        (offset, span, pages) => {
          const from = Date.parse('2026-01-05T00:00:00Z') + offset;
          const shifts = shiftsBetween(def(['UA', 'UB']), new Date(from), new Date(from + span));
          const reaches = pages.map((p, i) =>
            reach(
              i,
              p.user,
              new Date(from + p.at).toISOString(),
              p.ack ? { by: p.user, at: new Date(from + p.at + MINUTE).toISOString() } : undefined,
            ),
          );
          const stats = shiftStats(shifts, 'Australia/Lord_Howe', { reaches, incidents: [] });
          const owned = shifts.filter((s) => s.user !== null).reduce((sum, s) => sum + s.end.getTime() - s.start.getTime(), 0);
          expect(stats.reduce((sum, s) => sum + s.onCallMs, 0)).toBe(owned);
          const nights = shifts.filter((s) => s.user !== null).reduce((sum, s) => sum + nightMs(s.start, s.end, 'Australia/Lord_Howe'), 0);
          expect(stats.reduce((sum, s) => sum + s.nightMs, 0)).toBe(nights);
          for (const s of stats) {
            expect(s.nightMs).toBeLessThanOrEqual(s.onCallMs);
            expect(s.weekendMs).toBeLessThanOrEqual(s.onCallMs);
            expect(s.acknowledged).toBeLessThanOrEqual(s.pages);
            expect(s.nightPages).toBeLessThanOrEqual(s.pages);
            expect(s.medianAckMs === null).toBe(s.acknowledged === 0);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('handoffsDue', () => {
  const weekly = (overrides: ScheduleDef['overrides'] = []): ScheduleDef => ({
    id: 'platform',
    timeZone: BERLIN,
    rotation: { start: '2026-01-05T09:00', lengthMs: 7 * DAY, users: ['UA', 'UB'] },
    overrides,
  });

  it('finds the hand-off of the last few minutes with who hands over, who takes over and until when', () => {
    // Monday 2026-06-01 09:00 CEST: the 21st week, Bob's (odd weeks are Bob's).
    const due = handoffsDue([weekly()], d('2026-06-01T07:00:30Z'));
    expect(due).toEqual([
      { scheduleId: 'platform', at: d('2026-06-01T07:00:00Z'), from: 'UA', to: 'UB', until: d('2026-06-08T07:00:00Z') },
    ]);
  });

  it('lets a hand-off older than the look-back go, and finds nothing before one is due', () => {
    expect(handoffsDue([weekly()], new Date(Date.parse('2026-06-01T07:00:00Z') + HANDOFF_LOOKBACK_MS + 1))).toEqual([]);
    expect(handoffsDue([weekly()], d('2026-06-01T06:59:59Z'))).toEqual([]);
  });

  it('counts the start and the end of an override as hand-offs', () => {
    const def = weekly([{ user: 'UC', start: '2026-06-03T12:00:00.000Z', end: '2026-06-03T12:05:00.000Z' }]);
    expect(handoffsDue([def], d('2026-06-03T12:06:00Z'))).toEqual([
      { scheduleId: 'platform', at: d('2026-06-03T12:00:00Z'), from: 'UB', to: 'UC', until: d('2026-06-03T12:05:00Z') },
      { scheduleId: 'platform', at: d('2026-06-03T12:05:00Z'), from: 'UC', to: 'UB', until: d('2026-06-08T07:00:00Z') },
    ]);
  });

  it('reads past its batch for short shifts, each hand-off chained to the next', () => {
    const def: ScheduleDef = {
      id: 'fast',
      timeZone: BERLIN,
      rotation: { start: '2026-06-01T00:00', lengthMs: 20_000, users: ['UA', 'UB'] },
      overrides: [],
    };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 * DAY }), (offset) => {
        const now = new Date(Date.parse('2026-06-01T00:00:00Z') + offset);
        const due = handoffsDue([def], now);
        const expected = nextHandoffs(def, new Date(now.getTime() - HANDOFF_LOOKBACK_MS), 100).filter((h) => h.at <= now);
        expect(due.map((h) => [h.at, h.to])).toEqual(expected.map((h) => [h.at, h.user]));
        due.forEach((h, i) => {
          if (i > 0) expect(h.from).toBe(due[i - 1]!.to);
          expect(h.until).toEqual(nextHandoffs(def, h.at, 1)[0]?.at ?? null);
        });
      }),
      { numRuns: 40 },
    );
  });
});

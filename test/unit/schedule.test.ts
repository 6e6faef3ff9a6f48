import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { fileConfigSchema } from '../../src/config/schema.js';
import { nextHandoffs, onCallAt, scheduleDefFromConfig, shiftIndexAt, shiftsBetween, type ScheduleDef } from '../../src/paging/schedule.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const at = (iso: string) => new Date(iso);
const before = (iso: string) => new Date(Date.parse(iso) - 1);
const iso = (d: Date) => d.toISOString();
const plain = (handoffs: { at: Date; user: string | null }[]) => handoffs.map((h) => ({ at: iso(h.at), user: h.user }));

function schedule(
  timeZone: string,
  start: string,
  lengthMs: number,
  users: string[],
  overrides: ScheduleDef['overrides'] = [],
): ScheduleDef {
  return { id: 'test', timeZone, rotation: { start, lengthMs, users }, overrides };
}

const berlinWeekly = (overrides: ScheduleDef['overrides'] = []) =>
  schedule('Europe/Berlin', '2026-01-05T09:00', WEEK, ['UA', 'UB'], overrides);

describe('scheduleDefFromConfig', () => {
  it('turns a parsed config schedule into a plain JSON-safe definition', () => {
    const config = fileConfigSchema.parse({
      schedules: [
        {
          id: 'platform',
          time_zone: 'Europe/Berlin',
          rotation: { start: '2026-01-05T09:00', length: '1w', users: ['U0123ALICE', 'U0123BOB'] },
          overrides: [{ user: 'U0123CAROL', start: '2026-12-24T09:00', end: '2026-12-27T09:00' }],
        },
      ],
    });
    const [platform] = config.schedules;
    if (!platform) throw new Error('expected the platform schedule');
    const def = scheduleDefFromConfig(platform);
    expect(def).toEqual({
      id: 'platform',
      timeZone: 'Europe/Berlin',
      rotation: { start: '2026-01-05T09:00', lengthMs: WEEK, users: ['U0123ALICE', 'U0123BOB'] },
      overrides: [{ user: 'U0123CAROL', start: '2026-12-24T09:00', end: '2026-12-27T09:00' }],
    });
    expect(JSON.parse(JSON.stringify(def))).toEqual(def);
  });
});

describe('weekly rotation in Europe/Berlin', () => {
  const def = berlinWeekly();

  it('alternates the users week by week from the start', () => {
    expect(onCallAt(def, at('2026-01-05T08:00:00Z'))).toBe('UA');
    expect(onCallAt(def, at('2026-01-09T12:00:00Z'))).toBe('UA');
    expect(onCallAt(def, before('2026-01-12T08:00:00Z'))).toBe('UA');
    expect(onCallAt(def, at('2026-01-12T08:00:00Z'))).toBe('UB');
    expect(onCallAt(def, at('2026-01-19T08:00:00Z'))).toBe('UA');
    expect(shiftIndexAt(def, at('2026-01-19T08:00:00Z'))).toBe(2);
  });

  it('hands off at 09:00 local across the spring-forward change (08:00Z before, 07:00Z after)', () => {
    expect(plain(nextHandoffs(def, at('2026-03-20T00:00:00Z'), 3))).toEqual([
      { at: '2026-03-23T08:00:00.000Z', user: 'UB' },
      { at: '2026-03-30T07:00:00.000Z', user: 'UA' },
      { at: '2026-04-06T07:00:00.000Z', user: 'UB' },
    ]);
    expect(onCallAt(def, before('2026-03-30T07:00:00Z'))).toBe('UB');
    expect(onCallAt(def, at('2026-03-30T07:00:00Z'))).toBe('UA');
    expect(shiftIndexAt(def, at('2026-03-30T07:00:00Z'))).toBe(12);
  });

  it('hands off at 09:00 local across the fall-back change (07:00Z before, 08:00Z after)', () => {
    expect(plain(nextHandoffs(def, at('2026-10-15T00:00:00Z'), 3))).toEqual([
      { at: '2026-10-19T07:00:00.000Z', user: 'UB' },
      { at: '2026-10-26T08:00:00.000Z', user: 'UA' },
      { at: '2026-11-02T08:00:00.000Z', user: 'UB' },
    ]);
    expect(onCallAt(def, at('2026-10-26T07:30:00Z'))).toBe('UB');
    expect(onCallAt(def, at('2026-10-26T08:00:00Z'))).toBe('UA');
  });

  it('finds the shift decades after the start', () => {
    const shift1043 = DateTime.fromISO('2026-01-05T09:00', { zone: 'Europe/Berlin' }).plus({ weeks: 1043 }).toJSDate();
    expect(shift1043.toISOString()).toBe('2046-01-01T08:00:00.000Z');
    expect(shiftIndexAt(def, shift1043)).toBe(1043);
    expect(shiftIndexAt(def, new Date(shift1043.getTime() - 1))).toBe(1042);
    expect(onCallAt(def, shift1043)).toBe('UB');
  });
});

describe('daily rotation in America/New_York', () => {
  const def = schedule('America/New_York', '2026-03-06T09:00', DAY, ['UA', 'UB']);

  it('keeps the 09:00 local hand-off across 2026-03-08 (14:00Z in winter, 13:00Z in summer)', () => {
    expect(plain(nextHandoffs(def, at('2026-03-06T20:00:00Z'), 3))).toEqual([
      { at: '2026-03-07T14:00:00.000Z', user: 'UB' },
      { at: '2026-03-08T13:00:00.000Z', user: 'UA' },
      { at: '2026-03-09T13:00:00.000Z', user: 'UB' },
    ]);
  });

  it('keeps the 09:00 local hand-off across 2026-11-01 (13:00Z in summer, 14:00Z in winter)', () => {
    expect(plain(nextHandoffs(def, at('2026-10-30T20:00:00Z'), 3))).toEqual([
      { at: '2026-10-31T13:00:00.000Z', user: 'UB' },
      { at: '2026-11-01T14:00:00.000Z', user: 'UA' },
      { at: '2026-11-02T14:00:00.000Z', user: 'UB' },
    ]);
    expect(onCallAt(def, at('2026-11-01T13:30:00Z'))).toBe('UB');
  });
});

describe('sub-day rotation', () => {
  it('advances a 12h rotation in absolute time, so its local hand-off hour moves by one across DST', () => {
    const def = schedule('Europe/Berlin', '2026-03-28T09:00', 12 * HOUR, ['UA', 'UB']);
    const handoffs = nextHandoffs(def, at('2026-03-28T00:00:00Z'), 4);
    expect(plain(handoffs)).toEqual([
      { at: '2026-03-28T08:00:00.000Z', user: 'UA' },
      { at: '2026-03-28T20:00:00.000Z', user: 'UB' },
      { at: '2026-03-29T08:00:00.000Z', user: 'UA' },
      { at: '2026-03-29T20:00:00.000Z', user: 'UB' },
    ]);
    const localHours = handoffs.map((h) => DateTime.fromJSDate(h.at, { zone: 'Europe/Berlin' }).hour);
    expect(localHours).toEqual([9, 21, 10, 22]);
  });
});

describe('local times around DST changes', () => {
  it('shifts a nonexistent local start forward by the gap, as luxon does', () => {
    const def = schedule('Europe/Berlin', '2026-03-29T02:30', DAY, ['UA', 'UB']);
    expect(plain(nextHandoffs(def, at('2026-03-29T00:00:00Z'), 2))).toEqual([
      { at: '2026-03-29T01:30:00.000Z', user: 'UA' }, // 03:30 CEST: 02:30 does not exist that day
      { at: '2026-03-30T00:30:00.000Z', user: 'UB' }, // back to 02:30 local
    ]);
  });

  it('takes the earlier occurrence of an ambiguous local time', () => {
    const def = schedule('Europe/Berlin', '2026-10-24T02:30', DAY, ['UA', 'UB']);
    expect(plain(nextHandoffs(def, at('2026-10-24T00:00:00Z'), 3))).toEqual([
      { at: '2026-10-24T00:30:00.000Z', user: 'UA' },
      { at: '2026-10-25T00:30:00.000Z', user: 'UB' }, // 02:30 CEST, not the repeated 02:30 CET
      { at: '2026-10-26T01:30:00.000Z', user: 'UA' },
    ]);
  });
});

describe('overrides', () => {
  it('takes over only for its window in the middle of a shift', () => {
    const def = berlinWeekly([{ user: 'UC', start: '2026-01-07T12:00', end: '2026-01-08T12:00' }]);
    expect(onCallAt(def, before('2026-01-07T11:00:00Z'))).toBe('UA');
    expect(onCallAt(def, at('2026-01-07T11:00:00Z'))).toBe('UC');
    expect(onCallAt(def, before('2026-01-08T11:00:00Z'))).toBe('UC');
    expect(onCallAt(def, at('2026-01-08T11:00:00Z'))).toBe('UA');
    expect(shiftIndexAt(def, at('2026-01-07T11:00:00Z'))).toBe(0);
  });

  it('lets the later-listed override win where two overlap', () => {
    const wide = { user: 'UC', start: '2026-01-07T12:00', end: '2026-01-09T12:00' };
    const narrow = { user: 'UD', start: '2026-01-08T00:00', end: '2026-01-08T12:00' };
    const insideBoth = at('2026-01-08T06:00:00Z');
    expect(onCallAt(berlinWeekly([wide, narrow]), insideBoth)).toBe('UD');
    expect(onCallAt(berlinWeekly([wide, narrow]), at('2026-01-08T12:00:00Z'))).toBe('UC');
    expect(onCallAt(berlinWeekly([narrow, wide]), insideBoth)).toBe('UC');
  });

  it('covers the gap before the rotation start', () => {
    const def = berlinWeekly([{ user: 'UC', start: '2026-01-01T00:00', end: '2026-01-02T00:00' }]);
    expect(onCallAt(def, at('2025-12-31T22:59:59Z'))).toBeNull();
    expect(onCallAt(def, at('2026-01-01T12:00:00Z'))).toBe('UC');
    expect(onCallAt(def, at('2026-01-01T23:00:00Z'))).toBeNull();
    expect(plain(nextHandoffs(def, at('2025-12-01T00:00:00Z'), 3))).toEqual([
      { at: '2025-12-31T23:00:00.000Z', user: 'UC' },
      { at: '2026-01-01T23:00:00.000Z', user: null },
      { at: '2026-01-05T08:00:00.000Z', user: 'UA' },
    ]);
  });

  it('ignores an override whose end is not after its start', () => {
    const def = berlinWeekly([
      { user: 'UC', start: '2026-01-08T12:00', end: '2026-01-07T12:00' },
      { user: 'UD', start: '2026-01-07T12:00', end: '2026-01-07T12:00' },
    ]);
    expect(onCallAt(def, at('2026-01-07T11:00:00Z'))).toBe('UA');
    expect(onCallAt(def, at('2026-01-07T20:00:00Z'))).toBe('UA');
    expect(plain(nextHandoffs(def, at('2026-01-06T00:00:00Z'), 1))).toEqual([{ at: '2026-01-12T08:00:00.000Z', user: 'UB' }]);
  });
});

describe('gaps', () => {
  const def = berlinWeekly();

  it('has nobody on call before the rotation start', () => {
    expect(onCallAt(def, before('2026-01-05T08:00:00Z'))).toBeNull();
    expect(shiftIndexAt(def, before('2026-01-05T08:00:00Z'))).toBeNull();
    expect(shiftIndexAt(def, at('2026-01-05T08:00:00Z'))).toBe(0);
  });

  it('lists the rotation start as the first hand-off from before it', () => {
    expect(plain(nextHandoffs(def, at('2025-06-01T00:00:00Z'), 2))).toEqual([
      { at: '2026-01-05T08:00:00.000Z', user: 'UA' },
      { at: '2026-01-12T08:00:00.000Z', user: 'UB' },
    ]);
  });
});

describe('nextHandoffs', () => {
  it('merges override boundaries with rotation hand-offs in time order', () => {
    const def = berlinWeekly([{ user: 'UC', start: '2026-01-07T12:00', end: '2026-01-08T12:00' }]);
    expect(plain(nextHandoffs(def, at('2026-01-06T00:00:00Z'), 3))).toEqual([
      { at: '2026-01-07T11:00:00.000Z', user: 'UC' },
      { at: '2026-01-08T11:00:00.000Z', user: 'UA' },
      { at: '2026-01-12T08:00:00.000Z', user: 'UB' },
    ]);
  });

  it('skips boundaries where the same user carries on', () => {
    // UA overrides their own shift and on past the hand-off to UB, so the first change is the override's end.
    const def = berlinWeekly([{ user: 'UA', start: '2026-01-10T00:00', end: '2026-01-13T00:00' }]);
    expect(plain(nextHandoffs(def, at('2026-01-06T00:00:00Z'), 2))).toEqual([
      { at: '2026-01-12T23:00:00.000Z', user: 'UB' },
      { at: '2026-01-19T08:00:00.000Z', user: 'UA' },
    ]);
  });

  it('counts strictly after `from`, so a hand-off at `from` itself is not listed', () => {
    const handoffs = nextHandoffs(berlinWeekly(), at('2026-01-12T08:00:00Z'), 1);
    expect(plain(handoffs)).toEqual([{ at: '2026-01-19T08:00:00.000Z', user: 'UA' }]);
  });

  it('returns exactly `count` hand-offs for an endless rotation', () => {
    expect(nextHandoffs(berlinWeekly(), at('2026-01-01T00:00:00Z'), 500)).toHaveLength(500);
    expect(nextHandoffs(berlinWeekly(), at('2026-01-01T00:00:00Z'), 0)).toEqual([]);
  });
});

describe('one-user rotation', () => {
  it('changes hands only at override boundaries, returning fewer than `count` when they run out', () => {
    const def = schedule(
      'Europe/Berlin',
      '2026-01-05T09:00',
      WEEK,
      ['UA'],
      [{ user: 'UC', start: '2026-02-01T09:00', end: '2026-02-02T09:00' }],
    );
    expect(plain(nextHandoffs(def, at('2026-01-10T00:00:00Z'), 5))).toEqual([
      { at: '2026-02-01T08:00:00.000Z', user: 'UC' },
      { at: '2026-02-02T08:00:00.000Z', user: 'UA' },
    ]);
    expect(nextHandoffs(def, at('2026-03-01T00:00:00Z'), 5)).toEqual([]);
  });

  it('still lists its start when asked from before it', () => {
    const def = schedule('Europe/Berlin', '2026-01-05T09:00', WEEK, ['UA', 'UA']);
    expect(plain(nextHandoffs(def, at('2026-01-01T00:00:00Z'), 5))).toEqual([{ at: '2026-01-05T08:00:00.000Z', user: 'UA' }]);
  });
});

describe('overrides given as instants', () => {
  it('cover the second of the two 02:30s of a fall-back night, which a wall-clock time cannot name', () => {
    // 2026-10-25 in Berlin: 02:30 CEST is 00:30Z, 02:30 CET is 01:30Z.
    const def = berlinWeekly([{ user: 'UC', start: '2026-10-25T01:30:00.000Z', end: '2026-10-25T02:00:00.000Z' }]);
    expect(onCallAt(def, at('2026-10-25T00:45:00Z'))).toBe('UB');
    expect(onCallAt(def, at('2026-10-25T01:45:00Z'))).toBe('UC');
    expect(onCallAt(def, at('2026-10-25T02:00:00Z'))).toBe('UB');
  });

  it('mix with wall-clock overrides, the later listed winning where they overlap', () => {
    const def = berlinWeekly([
      { user: 'UC', start: '2026-02-02T09:00', end: '2026-02-03T09:00' },
      { user: 'UD', start: '2026-02-02T20:00:00+01:00', end: '2026-02-02T22:00:00+01:00' },
    ]);
    expect(onCallAt(def, at('2026-02-02T18:00:00Z'))).toBe('UC');
    expect(onCallAt(def, at('2026-02-02T19:30:00Z'))).toBe('UD');
    expect(onCallAt(def, at('2026-02-02T21:00:00Z'))).toBe('UC');
  });
});

describe('shiftsBetween', () => {
  it('lists the rotation and override stretches clipped to the window', () => {
    const def = berlinWeekly([{ user: 'UC', start: '2026-01-14T09:00', end: '2026-01-15T09:00' }]);
    const shifts = shiftsBetween(def, at('2026-01-10T00:00:00Z'), at('2026-01-20T00:00:00Z'));
    expect(shifts.map((s) => ({ user: s.user, start: iso(s.start), end: iso(s.end) }))).toEqual([
      { user: 'UA', start: '2026-01-10T00:00:00.000Z', end: '2026-01-12T08:00:00.000Z' },
      { user: 'UB', start: '2026-01-12T08:00:00.000Z', end: '2026-01-14T08:00:00.000Z' },
      { user: 'UC', start: '2026-01-14T08:00:00.000Z', end: '2026-01-15T08:00:00.000Z' },
      { user: 'UB', start: '2026-01-15T08:00:00.000Z', end: '2026-01-19T08:00:00.000Z' },
      { user: 'UA', start: '2026-01-19T08:00:00.000Z', end: '2026-01-20T00:00:00.000Z' },
    ]);
  });

  it('starts with nobody before the rotation begins, and is empty for an empty window', () => {
    const def = berlinWeekly();
    const shifts = shiftsBetween(def, at('2026-01-04T00:00:00Z'), at('2026-01-06T00:00:00Z'));
    expect(shifts.map((s) => s.user)).toEqual([null, 'UA']);
    expect(shiftsBetween(def, at('2026-01-06T00:00:00Z'), at('2026-01-06T00:00:00Z'))).toEqual([]);
  });
});

describe('properties', () => {
  const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'];
  const USERS = ['UA', 'UB', 'UC', 'UD', 'UE'];
  const THREE_YEARS = 3 * 365 * DAY;

  // Minutes of the day with extra weight on 02:00–03:00, the hour DST changes skip or repeat.
  const minuteOfDay = fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 120, max: 179 }));
  const localDateTime = fc
    .tuple(fc.integer({ min: 0, max: 3 * 365 }), minuteOfDay)
    .map(([day, minute]) => DateTime.utc(2025, 1, 1).plus({ days: day, minutes: minute }).toFormat("yyyy-MM-dd'T'HH:mm"));
  const wholeDayRotation = fc.record({
    zone: fc.constantFrom(...ZONES),
    start: localDateTime,
    days: fc.integer({ min: 1, max: 14 }),
    users: fc.array(fc.constantFrom(...USERS), { minLength: 1, maxLength: 5 }),
  });

  /** The instant a wall-clock time names in `zone`, by the rules the module documents. */
  function referenceInstant(wall: DateTime, zone: string): number {
    const inZone = DateTime.fromObject(wall.toObject(), { zone });
    return Math.min(...inZone.getPossibleOffsets().map((d) => d.toMillis()));
  }

  /** Slow reference: walk the hand-offs one by one from the start. */
  function referenceShift(zone: string, start: string, days: number, atMs: number): number | null {
    let wall = DateTime.fromISO(start, { zone: 'utc' });
    if (atMs < referenceInstant(wall, zone)) return null;
    let k = 0;
    for (wall = wall.plus({ days }); referenceInstant(wall, zone) <= atMs; wall = wall.plus({ days })) k++;
    return k;
  }

  it('onCallAt agrees with walking the hand-offs one by one from the start', () => {
    fc.assert(
      fc.property(wholeDayRotation, fc.integer({ min: -30 * DAY, max: THREE_YEARS }), ({ zone, start, days, users }, offset) => {
        const def = schedule(zone, start, days * DAY, users);
        const atMs = referenceInstant(DateTime.fromISO(start, { zone: 'utc' }), zone) + offset;
        const k = referenceShift(zone, start, days, atMs);
        expect(shiftIndexAt(def, new Date(atMs))).toBe(k);
        expect(onCallAt(def, new Date(atMs))).toBe(k === null ? null : users[k % users.length]);
      }),
    );
  });

  it('hands a whole-day rotation off at the start’s local time, unless that time does not exist that day', () => {
    const rotation = fc.record({
      zone: fc.constantFrom(...ZONES),
      start: localDateTime,
      days: fc.integer({ min: 1, max: 14 }),
      users: fc.uniqueArray(fc.constantFrom(...USERS), { minLength: 2, maxLength: 5 }),
    });
    fc.assert(
      fc.property(rotation, ({ zone, start, days, users }) => {
        const def = schedule(zone, start, days * DAY, users);
        const wanted = DateTime.fromISO(start, { zone: 'utc' });
        const handoffs = nextHandoffs(def, new Date(Date.parse('2024-12-01T00:00:00Z')), Math.ceil((3 * 365) / days));
        let previousDate: DateTime | null = null;
        for (const h of handoffs) {
          const local = DateTime.fromJSDate(h.at, { zone });
          if (local.hour !== wanted.hour || local.minute !== wanted.minute) {
            const asked = DateTime.fromObject(
              { year: local.year, month: local.month, day: local.day, hour: wanted.hour, minute: wanted.minute },
              { zone },
            );
            expect(asked.hour !== wanted.hour || asked.minute !== wanted.minute).toBe(true);
            expect(asked.toMillis()).toBe(h.at.getTime());
          }
          const date = local.startOf('day');
          if (previousDate) expect(date.diff(previousDate, 'days').days).toBe(days);
          previousDate = date;
        }
      }),
      // Each run checks three years of hand-offs, so fewer runs still see many DST changes.
      { numRuns: 50 },
    );
  });

  it('nextHandoffs lists increasing instants after `from` at which onCallAt really changes', () => {
    const lengthMs = fc.oneof(
      fc.integer({ min: 1, max: 14 }).map((d) => d * DAY),
      fc.integer({ min: 1, max: 47 }).map((h) => h * HOUR),
      fc.integer({ min: 1, max: 600 }).map((m) => m * 60_000),
    );
    const override = fc.record({ user: fc.constantFrom(...USERS), start: localDateTime, end: localDateTime });
    const anySchedule = fc.record({
      zone: fc.constantFrom(...ZONES),
      start: localDateTime,
      lengthMs,
      users: fc.array(fc.constantFrom(...USERS), { minLength: 1, maxLength: 5 }),
      overrides: fc.array(override, { maxLength: 4 }),
    });
    const fromMs = fc.integer({ min: Date.parse('2024-12-01T00:00:00Z'), max: Date.parse('2028-01-01T00:00:00Z') });
    fc.assert(
      fc.property(anySchedule, fromMs, fc.integer({ min: 1, max: 20 }), ({ zone, start, lengthMs, users, overrides }, from, count) => {
        const def = schedule(zone, start, lengthMs, users, overrides);
        const handoffs = nextHandoffs(def, new Date(from), count);
        expect(handoffs.length).toBeLessThanOrEqual(count);
        if (new Set(users).size > 1) expect(handoffs).toHaveLength(count);
        let previous = from;
        for (const h of handoffs) {
          expect(h.at.getTime()).toBeGreaterThan(previous);
          expect(onCallAt(def, h.at)).toBe(h.user);
          expect(onCallAt(def, new Date(h.at.getTime() - 1))).not.toBe(h.user);
          previous = h.at.getTime();
        }
      }),
    );
  });

  it('shiftsBetween tiles the window with the person onCallAt names at each moment', () => {
    const override = fc.record({ user: fc.constantFrom(...USERS), start: localDateTime, end: localDateTime });
    const anySchedule = fc.record({
      zone: fc.constantFrom(...ZONES),
      start: localDateTime,
      days: fc.integer({ min: 1, max: 14 }),
      users: fc.array(fc.constantFrom(...USERS), { minLength: 1, maxLength: 5 }),
      overrides: fc.array(override, { maxLength: 4 }),
    });
    const fromMs = fc.integer({ min: Date.parse('2024-12-01T00:00:00Z'), max: Date.parse('2028-01-01T00:00:00Z') });
    fc.assert(
      fc.property(anySchedule, fromMs, fc.integer({ min: 1, max: 120 * DAY }), ({ zone, start, days, users, overrides }, from, span) => {
        const def = schedule(zone, start, days * DAY, users, overrides);
        const shifts = shiftsBetween(def, new Date(from), new Date(from + span));
        expect(shifts[0]!.start.getTime()).toBe(from);
        expect(shifts.at(-1)!.end.getTime()).toBe(from + span);
        shifts.forEach((s, i) => {
          expect(s.end.getTime()).toBeGreaterThan(s.start.getTime());
          if (i > 0) {
            expect(s.start.getTime()).toBe(shifts[i - 1]!.end.getTime());
            expect(s.user).not.toBe(shifts[i - 1]!.user);
          }
          expect(onCallAt(def, s.start)).toBe(s.user);
          expect(onCallAt(def, new Date(s.end.getTime() - 1))).toBe(s.user);
        });
      }),
      { numRuns: 200 },
    );
  });
});

import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { coverageDiff, coverageOf, hasNews } from '../../src/paging/coverage.js';
import { intersect, merge, subtract, union, type Interval } from '../../src/paging/intervals.js';
import type { ScheduleDef } from '../../src/paging/schedule.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe'];

function schedule(
  id: string,
  zone: string,
  start: string,
  lengthMs: number,
  users: string[],
  overrides: ScheduleDef['overrides'] = [],
): ScheduleDef {
  return { id, timeZone: zone, rotation: { start, lengthMs, users }, overrides };
}

const at = (iso: string, zone = 'UTC') => DateTime.fromISO(iso, { zone }).toMillis();

describe('intervals', () => {
  const set = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 100 })), { maxLength: 12 })
    .map((pairs) => merge(pairs.map(([s, l]) => ({ start: s, end: s + l }))));
  const has = (set: Interval[], t: number) => set.some((i) => i.start <= t && t < i.end);

  it('subtract, intersect and union agree with membership at every point', () => {
    fc.assert(
      fc.property(set, set, (a, b) => {
        const [minus, both, either] = [subtract(a, b), intersect(a, b), union(a, b)];
        const wrong: number[] = [];
        for (let t = 0; t <= 1100; t += 1) {
          const ok =
            has(minus, t) === (has(a, t) && !has(b, t)) &&
            has(both, t) === (has(a, t) && has(b, t)) &&
            has(either, t) === (has(a, t) || has(b, t));
          if (!ok) wrong.push(t);
        }
        expect(wrong).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('results are merged: sorted, disjoint and never touching', () => {
    fc.assert(
      fc.property(set, set, (a, b) => {
        for (const r of [subtract(a, b), intersect(a, b), union(a, b)]) {
          r.forEach((x, i) => {
            expect(x.end).toBeGreaterThan(x.start);
            if (i > 0) expect(x.start).toBeGreaterThan(r[i - 1]!.end);
          });
        }
      }),
    );
  });
});

describe('coverageDiff', () => {
  const from = new Date('2026-03-01T00:00:00Z');
  const weekly = schedule('primary', 'Europe/Berlin', '2026-01-05T09:00', 7 * DAY, ['U0ALICE', 'U0BOB']);

  it('reports nothing when nothing changed', () => {
    const diff = coverageDiff([weekly], [structuredClone(weekly)], from);
    expect(diff.changedSchedules).toEqual([]);
    expect(hasNews(diff)).toBe(false);
  });

  it('an override gives its time to the new person and takes it from the one it replaces', () => {
    const override = { user: 'U0CAROL', start: '2026-03-10T12:00', end: '2026-03-11T12:00' };
    const diff = coverageDiff([weekly], [{ ...weekly, overrides: [override] }], from);
    const window = { start: at('2026-03-10T12:00', 'Europe/Berlin'), end: at('2026-03-11T12:00', 'Europe/Berlin') };
    expect(diff.people).toEqual([
      // 2026-03-09 09:00 starts week 9 from 2026-01-05: Bob's (Alice has the even weeks).
      { user: 'U0BOB', scheduleId: 'primary', gained: [], lost: [window] },
      { user: 'U0CAROL', scheduleId: 'primary', gained: [window], lost: [] },
    ]);
    expect(diff.gaps).toEqual([]);
  });

  it('a gap the change opens is reported as introduced; one that was there already is not', () => {
    // Starting the rotation later leaves nobody on call until it starts.
    const later = schedule('primary', 'Europe/Berlin', '2026-03-16T09:00', 7 * DAY, ['U0ALICE', 'U0BOB']);
    const diff = coverageDiff([weekly], [later], from);
    expect(diff.gaps).toEqual([
      { scheduleId: 'primary', start: from.getTime(), end: at('2026-03-16T09:00', 'Europe/Berlin'), introduced: true },
    ]);

    const swapped = { ...later, rotation: { ...later.rotation, users: ['U0BOB', 'U0ALICE'] } };
    const again = coverageDiff([later], [swapped], from);
    expect(again.gaps.map((g) => g.introduced)).toEqual([false]);
  });

  it('double cover: the same person on call in two schedules at once, where one of them changed', () => {
    const secondary = schedule('secondary', 'Europe/Berlin', '2026-01-05T09:00', 7 * DAY, ['U0CAROL']);
    const now = { ...secondary, overrides: [{ user: 'U0BOB', start: '2026-03-10T09:00', end: '2026-03-10T17:00' }] };
    const diff = coverageDiff([weekly, secondary], [weekly, now], from);
    expect(diff.doubleCover).toEqual([
      {
        user: 'U0BOB',
        scheduleIds: ['primary', 'secondary'],
        start: at('2026-03-10T09:00', 'Europe/Berlin'),
        end: at('2026-03-10T17:00', 'Europe/Berlin'),
      },
    ]);
    // Unchanged schedules are not reported on, however they overlap.
    expect(coverageDiff([weekly, now], [weekly, now], from).doubleCover).toEqual([]);
  });

  it('names the daily shifts that daylight saving makes 23 h and 25 h long', () => {
    const daily = schedule('daily', 'Europe/Berlin', '2026-01-01T09:00', DAY, ['U0ALICE', 'U0BOB']);
    const changed = { ...daily, rotation: { ...daily.rotation, users: ['U0BOB', 'U0ALICE'] } };
    const diff = coverageDiff([daily], [changed], new Date('2026-03-01T00:00:00Z'), 240);
    expect(diff.dstShifts.map((s) => [DateTime.fromMillis(s.start, { zone: 'Europe/Berlin' }).toISODate(), s.lengthMs / HOUR])).toEqual([
      ['2026-03-28', 23],
      ['2026-10-24', 25],
    ]);
  });

  it('Lord Howe’s half-hour change makes a 23.5 h day', () => {
    const daily = schedule('island', 'Australia/Lord_Howe', '2026-01-01T09:00', DAY, ['U0ALICE']);
    const diff = coverageDiff([], [daily], new Date('2026-09-01T00:00:00Z'), 60);
    expect(diff.dstShifts.map((s) => s.lengthMs / HOUR)).toEqual([23.5]);
  });

  it('a removed schedule takes every shift away and reports no gaps for itself', () => {
    const diff = coverageDiff([weekly], [], from);
    expect(diff.people.map((p) => [p.user, p.gained.length, p.lost.length > 0])).toEqual([
      ['U0ALICE', 0, true],
      ['U0BOB', 0, true],
    ]);
    expect(diff.gaps).toEqual([]);
  });
});

describe('coverageDiff over DST zones (property)', () => {
  const users = fc.uniqueArray(fc.constantFrom('U0A', 'U0B', 'U0C', 'U0D'), { minLength: 1, maxLength: 4 });
  const wall = fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 47 })).map(([day, half]) =>
    DateTime.fromISO('2026-01-01T00:00', { zone: 'utc' })
      .plus({ days: day, minutes: half * 30 })
      .toFormat("yyyy-MM-dd'T'HH:mm"),
  );
  const override = fc
    .record({ user: fc.constantFrom('U0A', 'U0B', 'U0E'), start: wall, hours: fc.integer({ min: 1, max: 72 }) })
    .map((o) => ({
      user: o.user,
      start: o.start,
      end: DateTime.fromISO(o.start, { zone: 'utc' }).plus({ hours: o.hours }).toFormat("yyyy-MM-dd'T'HH:mm"),
    }));
  const def = (id: string) =>
    fc
      .record({
        zone: fc.constantFrom(...ZONES),
        start: wall,
        length: fc.oneof(
          fc.integer({ min: 1, max: 14 }).map((d) => d * DAY),
          fc.integer({ min: 1, max: 48 }).map((h) => h * HOUR),
        ),
        users,
        overrides: fc.array(override, { maxLength: 4 }),
      })
      .map((r) => schedule(id, r.zone, r.start, r.length, r.users, r.overrides));
  const from = fc.integer({ min: 0, max: 300 }).map((d) => new Date(at('2026-01-01T00:00') + d * DAY));

  it('applying each person’s gained and lost time to the coverage before gives the coverage after', () => {
    fc.assert(
      fc.property(def('s'), def('s'), from, (before, after, start) => {
        const diff = coverageDiff([before], [after], start);
        const was = coverageOf(before, diff.from, diff.to);
        const is = coverageOf(after, diff.from, diff.to);
        const people = new Set([...was.keys(), ...is.keys()].filter((u) => u !== null));
        for (const user of people) {
          const change = diff.people.find((p) => p.user === user) ?? { gained: [], lost: [] };
          const applied = union(subtract(was.get(user) ?? [], change.lost), change.gained);
          expect(applied).toEqual(is.get(user) ?? []);
          expect(intersect(change.gained, was.get(user) ?? [])).toEqual([]);
          expect(intersect(change.lost, is.get(user) ?? [])).toEqual([]);
        }
        expect(diff.gaps.map(({ start, end }) => ({ start, end }))).toEqual(diff.changedSchedules.length ? (is.get(null) ?? []) : []);
      }),
      { numRuns: 200 },
    );
  });

  it('every DST note is a whole-day rotation shift an hour (or Lord Howe’s half hour) off its length', () => {
    fc.assert(
      fc.property(def('s'), from, (after, start) => {
        const diff = coverageDiff([], [after], start);
        for (const s of diff.dstShifts) {
          expect(s.rotationMs % DAY).toBe(0);
          expect([HOUR, HOUR / 2]).toContain(Math.abs(s.lengthMs - s.rotationMs));
          expect(s.start).toBeGreaterThanOrEqual(diff.from);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('double cover is exactly where one person is on call in both schedules', () => {
    fc.assert(
      fc.property(def('a'), def('b'), from, (a, b, start) => {
        const diff = coverageDiff([], [a, b], start, 30);
        const inA = coverageOf(a, diff.from, diff.to);
        const inB = coverageOf(b, diff.from, diff.to);
        for (const user of ['U0A', 'U0B', 'U0C', 'U0D', 'U0E']) {
          const mine = diff.doubleCover.filter((d) => d.user === user).map(({ start, end }) => ({ start, end }));
          expect(merge(mine)).toEqual(intersect(inA.get(user) ?? [], inB.get(user) ?? []));
        }
      }),
      { numRuns: 100 },
    );
  });
});

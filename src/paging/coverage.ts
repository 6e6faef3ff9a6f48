// The coverage diff: what a change to the schedules does to who is on call over the coming days.
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { intersect, merge, subtract, type Interval } from './intervals.js';
import { rotationShiftsBetween, shiftsBetween, type ScheduleDef } from './schedule.js';

/** How far ahead a change is checked. */
export const COVERAGE_DAYS = 90;

const DAY_MS = 86_400_000;

const interval = z.object({ start: z.number(), end: z.number() });

/**
 * JSON-safe (times in epoch ms), so a computed diff can be stored and each message rendered from it.
 * - `people`: per person and schedule, the time they are newly on call and the time they no longer are.
 * - `gaps`: stretches of a changed schedule with nobody on call after the change; `introduced` when some
 *   of it was covered before.
 * - `doubleCover`: a person on call in two schedules at once after the change, one of them changed.
 * - `dstShifts`: rotation shifts of a changed whole-day schedule whose real length is not the rotation's.
 */
export const coverageDiffSchema = z.object({
  from: z.number(),
  to: z.number(),
  changedSchedules: z.array(z.string()),
  people: z.array(z.object({ user: z.string(), scheduleId: z.string(), gained: z.array(interval), lost: z.array(interval) })),
  gaps: z.array(interval.extend({ scheduleId: z.string(), introduced: z.boolean() })),
  doubleCover: z.array(interval.extend({ user: z.string(), scheduleIds: z.tuple([z.string(), z.string()]) })),
  dstShifts: z.array(interval.extend({ scheduleId: z.string(), user: z.string(), lengthMs: z.number(), rotationMs: z.number() })),
});
export type CoverageDiff = z.infer<typeof coverageDiffSchema>;
export type PersonChange = CoverageDiff['people'][number];

/** Per person (null: nobody), the merged time they are on call in one schedule over [from, to). */
export function coverageOf(def: ScheduleDef, from: number, to: number): Map<string | null, Interval[]> {
  const byUser = new Map<string | null, Interval[]>();
  for (const shift of shiftsBetween(def, new Date(from), new Date(to))) {
    const list = byUser.get(shift.user) ?? [];
    list.push({ start: shift.start.getTime(), end: shift.end.getTime() });
    byUser.set(shift.user, list);
  }
  for (const [user, list] of byUser) byUser.set(user, merge(list));
  return byUser;
}

/** Schedules whose rotation, overrides or zone differ, or that were added or removed, in the order given. */
export function changedScheduleIds(before: readonly ScheduleDef[], after: readonly ScheduleDef[]): string[] {
  const old = new Map(before.map((s) => [s.id, s]));
  const now = new Map(after.map((s) => [s.id, s]));
  const ids = [...new Set([...before, ...after].map((s) => s.id))];
  return ids.filter((id) => !isDeepStrictEqual(old.get(id), now.get(id)));
}

const none = new Map<string | null, Interval[]>();

function peopleChanges(id: string, was: Map<string | null, Interval[]>, is: Map<string | null, Interval[]>): PersonChange[] {
  const users = [...new Set([...was.keys(), ...is.keys()])].filter((u): u is string => u !== null).sort();
  return users.flatMap((user) => {
    const before = was.get(user) ?? [];
    const after = is.get(user) ?? [];
    const gained = subtract(after, before);
    const lost = subtract(before, after);
    return gained.length || lost.length ? [{ user, scheduleId: id, gained, lost }] : [];
  });
}

function gapsOf(id: string, was: Map<string | null, Interval[]>, is: Map<string | null, Interval[]>): CoverageDiff['gaps'] {
  const before = was.get(null) ?? [];
  return (is.get(null) ?? []).map((gap) => ({ ...gap, scheduleId: id, introduced: subtract([gap], before).length > 0 }));
}

/** Overlaps of one person's time in two schedules, at least one of them changed, each pair once. */
function doubleCoverOf(
  coverage: ReadonlyMap<string, Map<string | null, Interval[]>>,
  changed: ReadonlySet<string>,
): CoverageDiff['doubleCover'] {
  const found: CoverageDiff['doubleCover'] = [];
  const ids = [...coverage.keys()];
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const [a, b] = [ids[i]!, ids[j]!];
      if (!changed.has(a) && !changed.has(b)) continue;
      const inB = coverage.get(b)!;
      for (const [user, time] of coverage.get(a)!) {
        if (user === null || !inB.has(user)) continue;
        for (const overlap of intersect(time, inB.get(user)!)) found.push({ ...overlap, user, scheduleIds: [a, b] });
      }
    }
  }
  return found.sort((x, y) => x.start - y.start || x.user.localeCompare(y.user));
}

/** Whole-day rotation shifts starting in the window whose length a DST change made differ from the rotation's. */
function dstShiftsOf(def: ScheduleDef, from: number, to: number): CoverageDiff['dstShifts'] {
  const rotationMs = def.rotation.lengthMs;
  if (rotationMs % DAY_MS !== 0) return [];
  return rotationShiftsBetween(def, new Date(from), new Date(to))
    .map((s) => ({ start: s.start.getTime(), end: s.end.getTime(), user: s.user }))
    .filter((s) => s.start >= from && s.end - s.start !== rotationMs)
    .map((s) => ({ ...s, scheduleId: def.id, lengthMs: s.end - s.start, rotationMs }));
}

/**
 * What changing the schedules from `before` to `after` does over [from, from + days): only schedules that
 * changed are compared, so an unchanged one reports nothing, and gaps, double cover and DST notes describe
 * the changed schedules as they will be.
 */
export function coverageDiff(
  before: readonly ScheduleDef[],
  after: readonly ScheduleDef[],
  from: Date,
  days = COVERAGE_DAYS,
): CoverageDiff {
  const start = from.getTime();
  const end = start + days * DAY_MS;
  const changedIds = changedScheduleIds(before, after);
  const changed = new Set(changedIds);
  const afterCoverage = new Map(after.map((s) => [s.id, coverageOf(s, start, end)]));
  const diff: CoverageDiff = { from: start, to: end, changedSchedules: changedIds, people: [], gaps: [], doubleCover: [], dstShifts: [] };
  for (const id of changedIds) {
    const old = before.find((s) => s.id === id);
    const now = after.find((s) => s.id === id);
    const was = old ? coverageOf(old, start, end) : none;
    const is = afterCoverage.get(id) ?? none;
    diff.people.push(...peopleChanges(id, was, is));
    if (!now) continue;
    diff.gaps.push(...gapsOf(id, was, is));
    diff.dstShifts.push(...dstShiftsOf(now, start, end));
  }
  diff.doubleCover = doubleCoverOf(afterCoverage, changed);
  return diff;
}

/** Whether operators have anything to hear about: gaps, double cover or DST-length shifts. */
export const hasAdminNews = (diff: CoverageDiff): boolean => diff.gaps.length + diff.doubleCover.length + diff.dstShifts.length > 0;

/** Whether the diff has anything to tell anyone. */
export const hasNews = (diff: CoverageDiff): boolean => diff.people.length > 0 || hasAdminNews(diff);

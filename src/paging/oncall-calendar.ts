// What the console's on-call page shows of a schedule: who is on call now and until when, and its shifts
// week by week with the days its clocks change. Pure: schedules (overrides included) and instants in.
import { DateTime } from 'luxon';
import { clockChanges, type ClockChange } from './clock-changes.js';
import { nextHandoffs, onCallAt, overrideWindows, shiftsBetween, type ScheduleDef } from './schedule.js';

/** A schedule that cannot be worked out (a rotation without users, a zone that does not exist), and why. */
export interface Uncomputable {
  ok: false;
  scheduleId: string;
  problem: string;
}

export interface OnCallNow {
  ok: true;
  scheduleId: string;
  timeZone: string;
  user: string | null;
  /** When the on-call person next changes; null when nothing will change. */
  until: Date | null;
  /** Whether `user` holds the shift by an override rather than by the rotation. */
  override: boolean;
}

export interface CalendarShift {
  kind: 'shift';
  user: string | null;
  start: Date;
  end: Date;
  override: boolean;
  /** The shift began, or goes on, further than the schedule was worked out (a rotation of one person never ends). */
  startsEarlier: boolean;
  endsLater: boolean;
}

export type CalendarEntry = CalendarShift | { kind: 'clock'; change: ClockChange };

export interface CalendarWeek {
  start: Date;
  end: Date;
  /** The shifts overlapping the week (whole, not clipped) and the week's clock changes, in time order. */
  entries: CalendarEntry[];
}

export interface ScheduleCalendar {
  ok: true;
  scheduleId: string;
  timeZone: string;
  weeks: CalendarWeek[];
}

const DAY_MS = 86_400_000;

/** The schedule's own errors become a note; anything else is a bug and is thrown on. */
function computed<T>(def: ScheduleDef, work: () => T): T | Uncomputable {
  try {
    return work();
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, scheduleId: def.id, problem: error.message };
    throw error;
  }
}

const overlaps = (a: { start: Date; end: Date }, b: { start: Date; end: Date }) => a.start < b.end && b.start < a.end;

export function onCallNow(def: ScheduleDef, now: Date): OnCallNow | Uncomputable {
  return computed(def, () => {
    const user = onCallAt(def, now);
    const covering = overrideWindows(def).findLast((o) => o.start <= now && now < o.end);
    return {
      ok: true as const,
      scheduleId: def.id,
      timeZone: def.timeZone,
      user,
      until: nextHandoffs(def, now, 1)[0]?.at ?? null,
      override: covering !== undefined && covering.user === user,
    };
  });
}

/** Midnight starting `day` ("2027-03-20") on the schedule's clock (or the first instant of that day, past a gap). */
export function dayStart(day: string, zone: string): Date {
  const start = DateTime.fromISO(day, { zone }).startOf('day');
  if (!start.isValid) throw new RangeError(`invalid day "${day}" in ${zone}`);
  return start.toJSDate();
}

/** Today's date on the schedule's clock: "2027-03-20". */
export const todayIn = (now: Date, zone: string): string => DateTime.fromJSDate(now, { zone }).toISODate() ?? '';

/**
 * `weeks` weeks of the schedule from the start of `firstDay` on its clock, each seven calendar days
 * there (so a week with a clock change is an hour shorter or longer). A shift is marked as an override
 * when its person holds any of it by one.
 */
export function scheduleCalendar(def: ScheduleDef, firstDay: string, weeks: number): ScheduleCalendar | Uncomputable {
  return computed(def, () => {
    const first = DateTime.fromJSDate(dayStart(firstDay, def.timeZone), { zone: def.timeZone });
    const bounds = Array.from({ length: weeks + 1 }, (_, k) => first.plus({ days: 7 * k }).toJSDate());
    const from = bounds[0]!;
    const to = bounds[weeks]!;
    // Reaching a rotation and more either side shows the edge shifts' real start and end rather than the window's.
    const margin = Math.max(2 * def.rotation.lengthMs, 7 * DAY_MS);
    const searchFrom = new Date(from.getTime() - margin);
    const searchTo = new Date(to.getTime() + margin);
    const overrides = overrideWindows(def);
    const shifts: CalendarShift[] = shiftsBetween(def, searchFrom, searchTo)
      .filter((s) => s.end > from && s.start < to)
      .map((s) => ({
        kind: 'shift',
        ...s,
        override: s.user !== null && overrides.some((o) => o.user === s.user && overlaps(o, s)),
        startsEarlier: s.start <= searchFrom,
        endsLater: s.end >= searchTo,
      }));
    const changes = clockChanges(def.timeZone, from, to);
    const calendarWeeks = bounds.slice(0, weeks).map((start, k) => {
      const week = { start, end: bounds[k + 1]! };
      const entries: Array<{ at: number; entry: CalendarEntry }> = [
        ...changes
          .filter((c) => c.at >= week.start && c.at < week.end)
          .map((change) => ({ at: change.at.getTime(), entry: { kind: 'clock' as const, change } })),
        ...shifts.filter((s) => overlaps(s, week)).map((s) => ({ at: Math.max(s.start.getTime(), week.start.getTime()), entry: s })),
      ];
      // A clock change and a shift at the same instant: the change first, so the shift reads on the new clock.
      entries.sort((a, b) => a.at - b.at || (a.entry.kind === 'clock' ? -1 : 0) - (b.entry.kind === 'clock' ? -1 : 0));
      return { ...week, entries: entries.map((e) => e.entry) };
    });
    return { ok: true as const, scheduleId: def.id, timeZone: def.timeZone, weeks: calendarWeeks };
  });
}

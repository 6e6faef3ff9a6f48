// How much of a stretch of time falls at night, in the day or at the weekend, as the clocks of a time zone
// show it: pure, so the property tests can hold it against a minute-by-minute walk.
import { DateTime } from 'luxon';
import { instantOfWall } from './schedule.js';

/** Night is 22:00 to 08:00 on the schedule's clocks, so a night across a DST change lasts 9 or 11 hours (10½ on Lord Howe). */
export const NIGHT_STARTS_HOUR = 22;
export const NIGHT_ENDS_HOUR = 8;

/** A local window of one calendar date: from `start` to `end` wall-clock hours, `end` may pass midnight (24 + h). */
interface DailyWindow {
  startHour: number;
  endHour: number;
}

/** The local calendar date of an instant, as midnight UTC of that date (plain date arithmetic from there). */
function localDate(ms: number, zone: string): DateTime {
  const local = DateTime.fromMillis(ms, { zone });
  return DateTime.utc(local.year, local.month, local.day);
}

/**
 * Milliseconds of [startMs, endMs) inside the windows `windowsOf` gives each local date. Windows of a
 * date may reach into the next date, so the walk starts a day early. A boundary inside a spring-forward
 * gap moves forward by the gap (`instantOfWall`), which for midnight, 08:00 and 22:00, where zones put their
 * changes if at all at the start of a gap, is the moment the clocks jump.
 */
function withinWindows(startMs: number, endMs: number, zone: string, windowsOf: (date: DateTime) => DailyWindow[]): number {
  if (endMs <= startMs) return 0;
  const last = localDate(endMs, zone);
  let total = 0;
  for (let date = localDate(startMs, zone).minus({ days: 1 }); date <= last; date = date.plus({ days: 1 })) {
    for (const w of windowsOf(date)) {
      const from = Math.max(startMs, instantOfWall(date.plus({ hours: w.startHour }), zone));
      const to = Math.min(endMs, instantOfWall(date.plus({ hours: w.endHour }), zone));
      if (to > from) total += to - from;
    }
  }
  return total;
}

const NIGHT: DailyWindow[] = [{ startHour: NIGHT_STARTS_HOUR, endHour: 24 + NIGHT_ENDS_HOUR }];
const DAYTIME: DailyWindow[] = [{ startHour: NIGHT_ENDS_HOUR, endHour: NIGHT_STARTS_HOUR }];
const WHOLE_DAY: DailyWindow[] = [{ startHour: 0, endHour: 24 }];
const SATURDAY = 6;
const SUNDAY = 7;

/** Milliseconds of [start, end) between 22:00 and 08:00 on the clocks of `zone`. */
export function nightMs(start: Date, end: Date, zone: string): number {
  return withinWindows(start.getTime(), end.getTime(), zone, () => NIGHT);
}

/** Milliseconds of [start, end) between 08:00 and 22:00 on the clocks of `zone`: the rest of `nightMs`. */
export function daytimeMs(start: Date, end: Date, zone: string): number {
  return withinWindows(start.getTime(), end.getTime(), zone, () => DAYTIME);
}

/** Milliseconds of [start, end) on a local Saturday or Sunday in `zone`. */
export function weekendMs(start: Date, end: Date, zone: string): number {
  return withinWindows(start.getTime(), end.getTime(), zone, (date) =>
    date.weekday === SATURDAY || date.weekday === SUNDAY ? WHOLE_DAY : [],
  );
}

/** Whether an instant falls at night (22:00–08:00) on the clocks of `zone`. */
export function isNight(at: Date, zone: string): boolean {
  const hour = DateTime.fromMillis(at.getTime(), { zone }).hour;
  return hour >= NIGHT_STARTS_HOUR || hour < NIGHT_ENDS_HOUR;
}

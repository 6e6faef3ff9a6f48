// Where a time zone's clocks change within a window (daylight saving, or a zone moving its offset), so a
// calendar can say so on the day it happens. Pure: a zone and a window in, the changes out.
import { DateTime, IANAZone } from 'luxon';
import { zoneNameAt } from './schedule-times.js';

export interface ClockChange {
  /** The first instant with the new offset. */
  at: Date;
  /** UTC offsets in minutes, before and after. */
  offsetBefore: number;
  offsetAfter: number;
  /** "CET", "CEST"; "UTC+10:30" where no locale names the offset. */
  nameBefore: string;
  nameAfter: string;
  /** "Clocks go forward 1 h (CET→CEST)". */
  text: string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** "1 h", "30 min", "1 h 30 min". */
function amount(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

/**
 * Every offset change in `zone` within [from, to), in time order. Offsets are compared a day apart, as
 * schedule.ts does (no zone changes its offset twice in a day, and asking a zone costs an Intl call),
 * and where two differ the minute of the change is found by halving: every change so far has fallen on
 * a whole minute.
 */
export function clockChanges(zone: string, from: Date, to: Date): ClockChange[] {
  const tz = IANAZone.create(zone);
  if (!tz.isValid) throw new RangeError(`invalid time zone "${zone}"`);
  const toMs = to.getTime();
  const lastMinute = Math.ceil(toMs / MINUTE_MS) * MINUTE_MS;
  const changes: ClockChange[] = [];
  // Whole minutes from the one at or after `from`; each step compares t with a day later (or the end).
  let t = Math.ceil(from.getTime() / MINUTE_MS) * MINUTE_MS;
  let offset = tz.offset(t);
  while (t < toMs) {
    const next = Math.min(t + DAY_MS, lastMinute);
    const nextOffset = tz.offset(next);
    if (nextOffset === offset) {
      t = next;
      continue;
    }
    // The old offset holds at lo, the new at hi.
    let lo = t;
    let hi = next;
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / MINUTE_MS / 2) * MINUTE_MS;
      if (tz.offset(mid) === offset) lo = mid;
      else hi = mid;
    }
    const after = tz.offset(hi);
    if (hi < toMs) changes.push(change(zone, new Date(hi), offset, after));
    offset = after;
    t = hi;
  }
  return changes;
}

function change(zone: string, at: Date, offsetBefore: number, offsetAfter: number): ClockChange {
  const nameBefore = zoneNameAt(new Date(at.getTime() - MINUTE_MS), zone);
  const nameAfter = zoneNameAt(at, zone);
  const direction = offsetAfter > offsetBefore ? 'forward' : 'back';
  const names = nameBefore === nameAfter ? '' : ` (${nameBefore}→${nameAfter})`;
  return {
    at,
    offsetBefore,
    offsetAfter,
    nameBefore,
    nameAfter,
    text: `Clocks go ${direction} ${amount(Math.abs(offsetAfter - offsetBefore))}${names}`,
  };
}

/** The wall-clock jump as read on the zone's clock: "02:00 → 03:00". */
export function clockJump(c: ClockChange): string {
  const wall = (offset: number) => DateTime.fromMillis(c.at.getTime() + offset * MINUTE_MS, { zone: 'utc' }).toFormat('HH:mm');
  return `${wall(c.offsetBefore)} → ${wall(c.offsetAfter)}`;
}

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
const HOUR_MS = 60 * MINUTE_MS;

/** "1 h", "30 min", "1 h 30 min". */
function amount(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

/**
 * Every offset change in `zone` within [from, to), in time order. Offsets are compared an hour apart
 * (no zone has changed twice within an hour), and where two differ the minute of the change is found by
 * halving: every offset change so far has fallen on a whole minute.
 */
export function clockChanges(zone: string, from: Date, to: Date): ClockChange[] {
  const tz = IANAZone.create(zone);
  if (!tz.isValid) throw new RangeError(`invalid time zone "${zone}"`);
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const changes: ClockChange[] = [];
  // The search runs over whole minutes from the one at or after `from`; each step compares t with t + 1 h.
  let t = Math.ceil(fromMs / MINUTE_MS) * MINUTE_MS;
  let offset = tz.offset(t);
  while (t < toMs) {
    const next = Math.min(t + HOUR_MS, Math.ceil(toMs / MINUTE_MS) * MINUTE_MS);
    const nextOffset = tz.offset(next);
    if (nextOffset !== offset) {
      // The old offset holds at lo, the new at hi.
      let lo = t;
      let hi = next;
      while (hi - lo > MINUTE_MS) {
        const mid = lo + Math.floor((hi - lo) / MINUTE_MS / 2) * MINUTE_MS;
        if (tz.offset(mid) === offset) lo = mid;
        else hi = mid;
      }
      if (hi < toMs) changes.push(change(zone, new Date(hi), offset, tz.offset(hi)));
      offset = tz.offset(hi);
      t = hi;
      continue;
    }
    t = next;
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

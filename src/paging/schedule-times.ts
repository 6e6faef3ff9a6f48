// The times people type for overrides and cover requests: `YYYY-MM-DDTHH:MM` on the schedule's wall
// clock, `now`, or `+<duration>`. Pure: text, a zone and the present in; instants or a refusal that says
// what was understood out.
import { DateTime } from 'luxon';
import { parseDuration } from '../config/duration.js';

export type TimeRefusal = { ok: false; field: 'from' | 'to'; message: string };
export type ParsedWindow = {
  ok: true;
  from: Date;
  to: Date;
  /** "2026-10-25 02:30 CEST (the first of the two 02:30s that night) to 2026-10-25 09:00 CET": as read, in the schedule's zone. */
  understood: string;
};

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const WALL_FORMAT = "yyyy-MM-dd'T'HH:mm";
const MINUTE_MS = 60_000;

const zoneNames = new Map<string, string>();

/**
 * "CEST", "EDT"; where no locale has a name for the offset (Lord Howe Island), "UTC+10:30". Kept per zone
 * and offset: asking Intl for a name builds a formatter each time.
 */
function zoneName(at: DateTime): string {
  const key = `${at.zoneName ?? ''} ${at.offset}`;
  const known = zoneNames.get(key);
  if (known) return known;
  const named = ['en-US', 'en-GB'].map((locale) => at.setLocale(locale).offsetNameShort).find((n) => n && !/^(GMT|UTC)/.test(n));
  const name = named ?? `UTC${at.toFormat('ZZ')}`;
  zoneNames.set(key, name);
  return name;
}

/** The zone's short name in force at an instant: "CEST", or "UTC+10:30" where no locale names it. */
export const zoneNameAt = (at: Date, zone: string): string => zoneName(DateTime.fromMillis(at.getTime(), { zone }));

/** An instant as a person reads it on the schedule's clock: "2026-03-29 03:00 CEST". */
export function describeInstant(at: Date, zone: string): string {
  const local = DateTime.fromMillis(at.getTime(), { zone });
  return `${local.toFormat('yyyy-MM-dd HH:mm')} ${zoneName(local)}`;
}

const formatHint = (zone: string) =>
  `Use YYYY-MM-DDTHH:MM on the schedule's clock (${zone}), now, or +<duration> such as +30m, +8h, +2d, +1w (an end with + counts from the start).`;

/** What was typed, quoted back short enough for any answer. */
const quoted = (text: string) => `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;

type Bound = { ok: true; at: Date; understood: string } | { ok: false; message: string };

/**
 * The moment a spring-forward gap that swallows `shifted` begins: the first minute with the new offset,
 * found by halving [shifted − gap, shifted] (the old offset holds at the one end, the new at the other).
 */
function gapStart(shifted: DateTime, gapMs: number): DateTime {
  const zone = shifted.zoneName ?? 'UTC';
  const offsetAt = (minute: number) => DateTime.fromMillis(minute * MINUTE_MS, { zone }).offset;
  let lo = Math.floor((shifted.toMillis() - gapMs) / MINUTE_MS);
  let hi = Math.ceil(shifted.toMillis() / MINUTE_MS);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid) === shifted.offset) hi = mid;
    else lo = mid;
  }
  return DateTime.fromMillis(hi * MINUTE_MS, { zone });
}

/** A wall-clock time on the schedule's clock, refused when that day has no such time or two of them are meant. */
function wallClock(text: string, zone: string, which: string): Bound {
  const match = WALL_CLOCK.exec(text);
  if (!match) return { ok: false, message: `${quoted(text)} is not a time I can read for the ${which}. ${formatHint(zone)}` };
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const wall = DateTime.fromObject({ year, month, day, hour, minute }, { zone: 'utc' });
  // Luxon rolls 24:00 over into the next day; a person who typed it meant no such thing.
  if (!wall.isValid || wall.toFormat(WALL_FORMAT) !== text)
    return { ok: false, message: `${text} (the ${which}) is not a date and time on any calendar. ${formatHint(zone)}` };
  const candidates = wall.setZone(zone, { keepLocalTime: true }).getPossibleOffsets();
  const shown = wall.toFormat('HH:mm');
  const first = candidates.reduce<DateTime | undefined>((a, b) => (a && a.toMillis() <= b.toMillis() ? a : b), undefined);
  if (!first) return { ok: false, message: `${text} (the ${which}) could not be placed in ${zone}.` };
  if (first.toFormat(WALL_FORMAT) !== text) {
    // Luxon moves a time the clocks skip forward by the gap; say so instead of guessing what was meant.
    const gapMs = first.toMillis() - wall.toMillis() + first.offset * MINUTE_MS;
    const starts = gapStart(first, Math.max(gapMs, MINUTE_MS));
    const before = starts.minus({ minutes: 1 });
    const jumpFrom = DateTime.fromMillis(starts.toMillis(), { zone: 'utc' }).plus({ minutes: before.offset });
    return {
      ok: false,
      message:
        `${text} (the ${which}) does not exist in ${zone}: on ${wall.toFormat('yyyy-MM-dd')} the clocks jump from ` +
        `${jumpFrom.toFormat('HH:mm')} to ${starts.toFormat('HH:mm')}. Use ${starts.toFormat(WALL_FORMAT)} or ${before.toFormat(WALL_FORMAT)}.`,
    };
  }
  const understood = describeInstant(first.toJSDate(), zone);
  // A fall-back night shows this time twice; the earlier is taken, and the answer says which one it was.
  const note = candidates.length > 1 ? ` (the first of the two ${shown}s that night)` : '';
  return { ok: true, at: first.toJSDate(), understood: `${understood}${note}` };
}

/** One bound: `now`, `+<duration>` after `base`, or a wall-clock time in `zone`. */
function bound(raw: string, zone: string, now: Date, base: Date, which: string): Bound {
  const text = raw.trim();
  if (text.toLowerCase() === 'now') return { ok: true, at: now, understood: `now (${describeInstant(now, zone)})` };
  if (text.startsWith('+')) {
    const ms = parseDuration(text.slice(1));
    if (ms === null) return { ok: false, message: `${quoted(text)} is not a duration I can read for the ${which}. ${formatHint(zone)}` };
    const at = new Date(base.getTime() + ms);
    return { ok: true, at, understood: describeInstant(at, zone) };
  }
  return wallClock(text, zone, which);
}

/**
 * `<from> <to>` as typed, read in the schedule's zone. `+8h` as the start is eight hours from now; as the
 * end it is eight hours after the start (`now +8h` is the next eight hours). A window must end after it
 * starts and after now: an override or cover wholly in the past would change nothing anyone can act on.
 */
export function parseWindow(fromText: string, toText: string, zone: string, now: Date): ParsedWindow | TimeRefusal {
  const from = bound(fromText, zone, now, now, 'start');
  if (!from.ok) return { ok: false, field: 'from', message: from.message };
  const to = bound(toText, zone, now, from.at, 'end');
  if (!to.ok) return { ok: false, field: 'to', message: to.message };
  const understood = `${from.understood} to ${to.understood}`;
  if (to.at.getTime() <= from.at.getTime())
    return { ok: false, field: 'to', message: `The end must come after the start; I read ${understood}.` };
  if (to.at.getTime() <= now.getTime())
    return {
      ok: false,
      field: 'to',
      message: `That window is already over: I read ${understood}, and it is ${describeInstant(now, zone)} now.`,
    };
  return { ok: true, from: from.at, to: to.at, understood };
}

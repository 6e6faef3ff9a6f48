// A calendar feed's shifts and its iCalendar document: a person's shifts on every schedule, or everyone's on one. Pure.
import { createHash } from 'node:crypto';
import { dateTimeProperty, escapeText, serialize, utcDateTime, vtimezone, type ContentLine } from './calendar-ics.js';
import { shiftsBetween, type ScheduleDef } from './schedule.js';

/** Whose shifts a feed shows: one person's on every schedule, or everyone's on one schedule. */
export type FeedSubject = { kind: 'person'; userId: string } | { kind: 'schedule'; scheduleId: string };

/** One shift as a calendar event: who, on which schedule, and its whole span (not clipped to the window). */
export interface FeedShift {
  scheduleId: string;
  timeZone: string;
  user: string;
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;
/** Past shifts kept in the feed, so last week's stay visible in the calendar. */
export const FEED_PAST_MS = 28 * DAY_MS;
/** Twelve months ahead, rounded up to a whole year so a shift on the same date next year is in. */
export const FEED_AHEAD_MS = 366 * DAY_MS;
/** How far back a shift that began before the window is followed to its start, at most. */
const MAX_LOOKBACK_MS = 3 * 366 * DAY_MS;

const HOUR_MS = 3_600_000;

/**
 * The window a feed fetched at `now` covers, its edges on the hour: every fetch within an hour asks
 * for the same shifts, which are then worked out once (see scheduleShifts).
 */
export function feedWindow(now: Date): { from: Date; to: Date } {
  const hour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  return { from: new Date(hour - FEED_PAST_MS), to: new Date(hour + HOUR_MS + FEED_AHEAD_MS) };
}

/** The shifts of one schedule over its window, whole (see below). */
function wholeShifts(def: ScheduleDef, from: Date, to: Date): FeedShift[] {
  const margin = Math.max(2 * def.rotation.lengthMs, 7 * DAY_MS);
  const end = new Date(to.getTime() + margin);
  let lookback = margin;
  for (;;) {
    const searchFrom = new Date(from.getTime() - lookback);
    const shifts = shiftsBetween(def, searchFrom, end);
    const first = shifts.find((s) => s.end > from);
    if (!first || first.start > searchFrom || lookback >= MAX_LOOKBACK_MS) {
      return shifts
        .filter((s) => s.user !== null && s.end > from && s.start < to)
        .map((s) => ({ scheduleId: def.id, timeZone: def.timeZone, user: s.user!, start: s.start, end: s.end }));
    }
    lookback = Math.min(lookback * 4, MAX_LOOKBACK_MS);
  }
}

/**
 * A year of shifts costs milliseconds of time-zone arithmetic, and calendar apps poll: the answer for
 * a schedule as it stands (its definition, overrides included, is the key) and a window is kept, the
 * most recently used few. A new override or config changes the definition, so it is worked out anew.
 */
const computed = new Map<string, readonly FeedShift[]>();
const COMPUTED_KEPT = 128;

/**
 * The shifts of one schedule that overlap [from, to), each with its real start and end. shiftsBetween
 * clips the first and last to the window, and a clipped start would move with every fetch (and with it
 * the UID), so the search begins earlier, further back until the first shift starts inside it.
 */
export function scheduleShifts(def: ScheduleDef, from: Date, to: Date): readonly FeedShift[] {
  const key = `${from.getTime()}|${to.getTime()}|${JSON.stringify(def)}`;
  const kept = computed.get(key);
  if (kept) {
    computed.delete(key);
    computed.set(key, kept);
    return kept;
  }
  const shifts = wholeShifts(def, from, to);
  computed.set(key, shifts);
  if (computed.size > COMPUTED_KEPT) computed.delete(computed.keys().next().value!);
  return shifts;
}

/** The shifts a feed shows over [from, to), in start order; a schedule the subject names but that is gone shows none. */
export function feedShifts(subject: FeedSubject, schedules: readonly ScheduleDef[], from: Date, to: Date): FeedShift[] {
  const shown =
    subject.kind === 'schedule'
      ? schedules.filter((s) => s.id === subject.scheduleId).flatMap((s) => scheduleShifts(s, from, to))
      : schedules.flatMap((s) => scheduleShifts(s, from, to)).filter((s) => s.user === subject.userId);
  return shown.sort((a, b) => a.start.getTime() - b.start.getTime() || a.scheduleId.localeCompare(b.scheduleId));
}

/**
 * The same shift keeps the same UID on every fetch: it names the schedule, the person and the start
 * instant, nothing that moves with the window. A shift an override cuts in two keeps its UID for the
 * part that still starts where it did; the part after the override is a new event.
 */
export function shiftUid(shift: Pick<FeedShift, 'scheduleId' | 'user' | 'start'>): string {
  const digest = createHash('sha256').update(`${shift.scheduleId}\n${shift.user}\n${shift.start.toISOString()}`).digest('hex');
  return `${digest.slice(0, 32)}@firewatch`;
}

export interface FeedDocument {
  subject: FeedSubject;
  shifts: readonly FeedShift[];
  /** The window the shifts were taken from: each zone's VTIMEZONE is made right for all of it. */
  from: Date;
  to: Date;
  /** When the document was made (DTSTAMP). */
  now: Date;
}

const summaryOf = (subject: FeedSubject, shift: FeedShift): string =>
  subject.kind === 'person' ? `On call: ${shift.scheduleId}` : `${shift.scheduleId}: ${shift.user}`;

const nameOf = (subject: FeedSubject): string =>
  subject.kind === 'person' ? `On call: ${subject.userId} (Firewatch)` : `On call: ${subject.scheduleId} (Firewatch)`;

/** Calendar apps poll at their own pace; this asks for hourly where they listen (RFC 7986, and Outlook's older name for it). */
const REFRESH = 'PT1H';

function eventLines(subject: FeedSubject, shift: FeedShift, stamp: string): ContentLine[] {
  return [
    'BEGIN:VEVENT',
    `UID:${shiftUid(shift)}`,
    `DTSTAMP:${stamp}`,
    dateTimeProperty('DTSTART', shift.start, shift.timeZone),
    dateTimeProperty('DTEND', shift.end, shift.timeZone),
    `SUMMARY:${escapeText(summaryOf(subject, shift))}`,
    `DESCRIPTION:${escapeText(`Firewatch on-call shift on ${shift.scheduleId} (${shift.timeZone}) for ${shift.user}.`)}`,
    // Being on call is not a meeting: the shift must not make the person look busy to everyone else.
    'TRANSP:TRANSPARENT',
    'END:VEVENT',
  ];
}

/** The feed as an iCalendar stream (CRLF, folded): one VTIMEZONE per zone used, one VEVENT per shift. */
export function feedCalendar({ subject, shifts, from, to, now }: FeedDocument): string {
  const stamp = utcDateTime(new Date(Math.floor(now.getTime() / 1000) * 1000));
  const zones = [...new Set(shifts.map((s) => s.timeZone))].sort();
  // The zones' definitions must cover the shifts' real spans, which may reach past the window.
  const spanFrom = Math.min(from.getTime(), ...shifts.map((s) => s.start.getTime()));
  const spanTo = Math.max(to.getTime(), ...shifts.map((s) => s.end.getTime() + 1));
  return serialize([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Firewatch//On-call calendar//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `NAME:${escapeText(nameOf(subject))}`,
    `X-WR-CALNAME:${escapeText(nameOf(subject))}`,
    `REFRESH-INTERVAL;VALUE=DURATION:${REFRESH}`,
    `X-PUBLISHED-TTL:${REFRESH}`,
    ...zones.flatMap((zone) => vtimezone(zone, spanFrom, spanTo)),
    ...shifts.flatMap((shift) => eventLines(subject, shift, stamp)),
    'END:VCALENDAR',
  ]);
}

const rendered = new Map<string, string>();
const RENDERED_KEPT = 256;

/**
 * The feed as served at `now`: the same document for every fetch within the hour while its schedules
 * stay as they are (its DTSTAMP says when it was made), so a poll costs a lookup and a changed schedule
 * is shown at the next fetch. Each replica keeps its own; the answer is a function of what it is keyed by.
 */
export function feedBody(subject: FeedSubject, schedules: readonly ScheduleDef[], now: Date): string {
  const { from, to } = feedWindow(now);
  const relevant = subject.kind === 'schedule' ? schedules.filter((s) => s.id === subject.scheduleId) : schedules;
  const key = `${JSON.stringify(subject)}|${from.getTime()}|${JSON.stringify(relevant)}`;
  const kept = rendered.get(key);
  if (kept !== undefined) return kept;
  const body = feedCalendar({ subject, shifts: feedShifts(subject, relevant, from, to), from, to, now });
  rendered.set(key, body);
  if (rendered.size > RENDERED_KEPT) rendered.delete(rendered.keys().next().value!);
  return body;
}

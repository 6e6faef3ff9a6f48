// iCalendar (RFC 5545) as text: content lines, escaping, folding, date-times and the VTIMEZONE of a zone. Pure.
import { DateTime } from 'luxon';

/** One content line before folding: `NAME;PARAM=value:value`, the value already escaped where it is TEXT. */
export type ContentLine = string;

/** TEXT values (SUMMARY, DESCRIPTION, NAME): backslash first, so the escapes added after it stay single. */
export function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * A parameter value (TZID=…): quoted when it holds `:`, `;` or `,`. A double quote cannot appear even
 * quoted, and control characters are not allowed, so both are dropped rather than breaking the line.
 */
export function paramValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/["\u0000-\u001f\u007f]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/** The UTF-8 length of one code point. */
const octetsOf = (codePoint: number): number => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4);

/**
 * A content line folded at 75 octets (RFC 5545 §3.1): each continuation starts with one space, which
 * counts towards its 75. A line is cut between code points, never inside a UTF-8 sequence (nor between
 * the halves of a surrogate pair), so every folded piece is valid UTF-8 on its own.
 */
export function foldLine(line: string): string {
  // Most lines are short ASCII: no walk over their characters.
  // eslint-disable-next-line no-control-regex
  if (line.length <= 75 && /^[\u0000-\u007f]*$/.test(line)) return line;
  const pieces: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const char of line) {
    const size = octetsOf(char.codePointAt(0)!);
    if (octets + size > limit) {
      pieces.push(current);
      current = '';
      octets = 0;
      limit = 74;
    }
    current += char;
    octets += size;
  }
  pieces.push(current);
  return pieces.join('\r\n ');
}

/** The lines as an iCalendar stream: folded, each ended by CRLF. */
export function serialize(lines: readonly ContentLine[]): string {
  return lines.map((line) => `${foldLine(line)}\r\n`).join('');
}

/** `20260105T090000` of a time held as the UTC milliseconds of what a clock shows. */
function clockText(clockMs: number): string {
  const d = new Date(clockMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(d.getUTCFullYear()).padStart(4, '0')}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}T${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
}

/** `20260105T090000Z`: a UTC DATE-TIME. */
export const utcDateTime = (at: Date): string => `${clockText(at.getTime())}Z`;

/** `+0100`, `-0500`, `+1030`; seconds only when the offset has them (historic local mean times). */
export function utcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const total = Math.round(Math.abs(minutes) * 60);
  const hh = String(Math.floor(total / 3600)).padStart(2, '0');
  const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const ss = total % 60;
  return `${sign}${hh}${mm}${ss ? String(ss).padStart(2, '0') : ''}`;
}

/** A change of a zone's UTC offset: at `atMs` clocks go from `fromOffset` to `toOffset` minutes. */
export interface OffsetChange {
  atMs: number;
  fromOffset: number;
  toOffset: number;
  /** Whether the offset after the change is daylight-saving time. */
  daylight: boolean;
  /** The zone's abbreviation after the change (CEST, EST, or GMT+10:30 where the zone has none). */
  name: string;
}

const offsetAt = (ms: number, zone: string): number => DateTime.fromMillis(ms, { zone }).offset;

/** Offsets are looked at every this often; zones change at most a few times a year, never twice in six hours. */
const STEP_MS = 6 * 3_600_000;

/** The exact millisecond of the change known to lie in (lowMs, highMs], found by halving. */
function changeWithin(lowMs: number, highMs: number, zone: string): number {
  const before = offsetAt(lowMs, zone);
  let low = lowMs;
  let high = highMs;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (offsetAt(mid, zone) === before) low = mid;
    else high = mid;
  }
  return high;
}

/** The offset changes of `zone` in [fromMs, toMs), found by scanning its offsets. */
function scan(zone: string, fromMs: number, toMs: number): OffsetChange[] {
  const changes: OffsetChange[] = [];
  let previousMs = fromMs;
  let previous = offsetAt(fromMs, zone);
  while (previousMs < toMs) {
    const probe = Math.min(previousMs + STEP_MS, toMs);
    const offset = offsetAt(probe, zone);
    if (offset !== previous) {
      const atMs = changeWithin(previousMs, probe, zone);
      const after = DateTime.fromMillis(atMs, { zone });
      changes.push({ atMs, fromOffset: previous, toOffset: offset, daylight: after.isInDST, name: after.toFormat('ZZZZ') });
    }
    previous = offset;
    previousMs = probe;
  }
  return changes;
}

/**
 * A zone's changes by UTC year, scanned once per process: the rules do not change while it runs, and
 * scanning over a year at every fetch would cost a calendar most of its time.
 */
const yearsScanned = new Map<string, readonly OffsetChange[]>();

function changesInYear(zone: string, year: number): readonly OffsetChange[] {
  const key = `${zone}|${year}`;
  let changes = yearsScanned.get(key);
  if (!changes) {
    changes = scan(zone, Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1));
    yearsScanned.set(key, changes);
  }
  return changes;
}

/** Every offset change of `zone` in [fromMs, toMs), in time order. */
export function offsetChanges(zone: string, fromMs: number, toMs: number): OffsetChange[] {
  if (!(toMs > fromMs)) return [];
  const changes: OffsetChange[] = [];
  for (let year = new Date(fromMs).getUTCFullYear(); year <= new Date(toMs - 1).getUTCFullYear(); year++) {
    changes.push(...changesInYear(zone, year).filter((c) => c.atMs >= fromMs && c.atMs < toMs));
  }
  return changes;
}

/**
 * The offset of `zone` at `ms`, and whether the clock time it shows is one a fall-back repeats, from
 * the cached changes of the years around (a DateTime per date-time costs a calendar most of its time).
 */
function clockAt(zone: string, ms: number): { offset: number; repeated: boolean } {
  const year = new Date(ms).getUTCFullYear();
  const near = [...changesInYear(zone, year - 1), ...changesInYear(zone, year), ...changesInYear(zone, year + 1)];
  const last = near.findLast((c) => c.atMs <= ms);
  const next = near.find((c) => c.atMs > ms);
  const offset = last ? last.toOffset : next ? next.fromOffset : offsetAt(ms, zone);
  const clockMs = ms + offset * 60_000;
  // A fall-back at T from F to t minutes shows the clock times [T + t, T + F) twice.
  const repeated = near.some(
    (c) => c.toOffset < c.fromOffset && clockMs >= c.atMs + c.toOffset * 60_000 && clockMs < c.atMs + c.fromOffset * 60_000,
  );
  return { offset, repeated };
}

/** `20260105T090000`: the wall-clock time in `zone` at `at` (a DATE-TIME to go with TZID=). */
export function localDateTime(at: Date, zone: string): string {
  return clockText(at.getTime() + clockAt(zone, at.getTime()).offset * 60_000);
}

/**
 * `DTSTART;TZID=Europe/Berlin:20260105T090000`, or the instant in UTC when the zone's wall clock does
 * not name it alone: a local time a fall-back repeats means its first occurrence by RFC 5545 §3.3.5,
 * but parsers differ (ical.js takes the second), and an override made in Slack can start in either.
 */
export function dateTimeProperty(name: string, at: Date, zone: string): ContentLine {
  const { offset, repeated } = clockAt(zone, at.getTime());
  if (repeated) return `${name}:${utcDateTime(at)}`;
  return `${name};TZID=${paramValue(zone)}:${clockText(at.getTime() + offset * 60_000)}`;
}

/** How far back the change in force when the window opens is looked for: over a year covers any DST rule. */
const LOOKBACK_MS = 400 * 86_400_000;

/**
 * The VTIMEZONE of `zone` that is right for every instant in [fromMs, toMs): the observance in force at
 * `fromMs` (from the change that began it, or from 1970 for a zone that has not changed in over a year)
 * and each change up to `toMs`, each a STANDARD or DAYLIGHT whose onset is written in the local time
 * before the change, as RFC 5545 §3.6.5 says.
 */
export function vtimezone(zone: string, fromMs: number, toMs: number): ContentLine[] {
  const earlier = offsetChanges(zone, fromMs - LOOKBACK_MS, fromMs);
  const opening = earlier.at(-1);
  const changes = [...(opening ? [opening] : []), ...offsetChanges(zone, fromMs, toMs)];
  if (!opening) {
    const at = DateTime.fromMillis(fromMs, { zone });
    changes.unshift({
      atMs: Date.UTC(1970, 0, 1),
      fromOffset: at.offset,
      toOffset: at.offset,
      daylight: at.isInDST,
      name: at.toFormat('ZZZZ'),
    });
  }
  // The onset of an observance is local time as it was before the change. One sub-component per change,
  // each with its DTSTART only: parsers differ on RDATE here (ical.js ignores the DTSTART beside one).
  const onset = (c: OffsetChange) => clockText(c.atMs + c.fromOffset * 60_000);
  const lines: ContentLine[] = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  for (const change of changes) {
    const kind = change.daylight ? 'DAYLIGHT' : 'STANDARD';
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${onset(change)}`,
      `TZOFFSETFROM:${utcOffset(change.fromOffset)}`,
      `TZOFFSETTO:${utcOffset(change.toOffset)}`,
      `TZNAME:${escapeText(change.name)}`,
      `END:${kind}`,
    );
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

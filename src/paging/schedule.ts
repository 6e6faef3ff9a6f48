import { DateTime, IANAZone } from 'luxon';
import type { FileConfig } from '../config/schema.js';

/**
 * One on-call schedule as plain JSON-safe data, so a page can keep a frozen copy of the schedule it
 * was sent under even after the config file changes. Date-times are local wall-clock times in
 * `timeZone` ("2026-01-05T09:00"), except that an override may instead give instants with an offset
 * ("2026-10-25T00:30:00.000Z"): overrides made in Slack are stored as instants, and a wall-clock time
 * inside a fall-back's repeated hour would name the wrong one of the two.
 */
export interface ScheduleDef {
  id: string;
  timeZone: string;
  rotation: { start: string; lengthMs: number; users: string[] };
  overrides: Array<{ user: string; start: string; end: string }>;
}

/** Who is on call from `at` on (null: nobody). */
export interface Handoff {
  at: Date;
  user: string | null;
}

/** A stretch of time with one person on call (or nobody, when `user` is null), ending where the next begins. */
export interface Shift {
  user: string | null;
  start: Date;
  end: Date;
}

export function scheduleDefFromConfig(s: FileConfig['schedules'][number]): ScheduleDef {
  return {
    id: s.id,
    timeZone: s.time_zone,
    rotation: { start: s.rotation.start, lengthMs: s.rotation.length, users: [...s.rotation.users] },
    overrides: s.overrides.map(({ user, start, end }) => ({ user, start, end })),
  };
}

const DAY_MS = 86_400_000;

interface Compiled {
  startMs: number;
  lengthMs: number;
  handoffMs: (k: number) => number;
  users: readonly string[];
  /** Only the overrides with end > start, in listed order (the last listed wins). */
  overrides: ReadonlyArray<{ user: string; startMs: number; endMs: number }>;
}

/** A wall-clock date-time as milliseconds of a UTC clock, where adding calendar days is plain arithmetic. */
function wallClock(local: string): number {
  const wall = DateTime.fromISO(local, { zone: 'utc' });
  if (!wall.isValid) throw new RangeError(`invalid local date-time "${local}"`);
  return wall.toMillis();
}

/** The zone's UTC offset in minutes at an instant. */
type OffsetAt = (ms: number) => number;

/**
 * The zone's offsets, each asked of it once: consecutive daily hand-offs ask about the same days (the day
 * after one is the day before the next), and each question costs an Intl formatting.
 */
function offsetsOf(name: string): OffsetAt {
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw new RangeError(`invalid time zone "${name}"`);
  const known = new Map<number, number>();
  return (ms) => {
    let offset = known.get(ms);
    if (offset === undefined) known.set(ms, (offset = zone.offset(ms)));
    return offset;
  };
}

/**
 * The instant at which clocks in `zone` show the wall-clock time `wallMs`.
 * - A nonexistent time (inside a spring-forward gap, e.g. 02:30 on 2026-03-29 in Europe/Berlin) is
 *   shifted forward by the gap (03:30 CEST), as luxon does by default.
 * - An ambiguous time (repeated by a fall-back) takes its earlier occurrence. Luxon on its own picks
 *   whichever offset it guesses first, and `DateTime.fromISO` guesses from today's date, so the same
 *   config would resolve differently depending on when it is read.
 * Worked from the zone's offsets directly rather than through DateTime: a 90-day diff of daily rotations
 * resolves thousands of hand-offs, and this is most of its time.
 */
function instantOf(wallMs: number, offsetAt: OffsetAt): number {
  // The offsets in force within a day either side: no zone changes its offset more than once in a day.
  const before = offsetAt(wallMs - DAY_MS);
  const after = offsetAt(wallMs + DAY_MS);
  // No change near this time, by far the most common case: one offset, one instant.
  if (before === after) return wallMs - before * 60_000;
  const offsets = new Set([before, offsetAt(wallMs), after]);
  const instants = [...offsets].map((o) => wallMs - o * 60_000).filter((t) => offsetAt(t) * 60_000 === wallMs - t);
  if (instants.length) return Math.min(...instants);
  // In a gap: read with the offset from before it, which lands as far past the gap as the time was into it.
  return wallMs - before * 60_000;
}

/** `instantOf` for a wall-clock time held as a UTC DateTime (midnight UTC of a date, plus hours): the same rules. */
export function instantOfWall(wall: DateTime, zone: string): number {
  return instantOf(wall.toMillis(), offsetsOf(zone));
}

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/** An override's bound: a wall-clock time in the schedule's zone, or an instant when it carries an offset. */
function boundMs(text: string, zone: OffsetAt): number {
  if (!HAS_OFFSET.test(text)) return instantOf(wallClock(text), zone);
  const instant = DateTime.fromISO(text, { setZone: true });
  if (!instant.isValid) throw new RangeError(`invalid date-time "${text}"`);
  return instant.toMillis();
}

function compile(def: ScheduleDef): Compiled {
  const { start, lengthMs, users } = def.rotation;
  // A zero or negative length would never reach the next shift, and without users no shift has an owner.
  if (!(Number.isFinite(lengthMs) && lengthMs > 0)) throw new RangeError(`schedule ${def.id}: rotation length must be positive`);
  if (users.length === 0) throw new RangeError(`schedule ${def.id}: rotation needs at least one user`);

  const zone = offsetsOf(def.timeZone);
  const startWall = wallClock(start);
  const startMs = instantOf(startWall, zone);
  // Whole days advance on the zone's calendar so the hand-off keeps its local time across DST;
  // anything shorter (12h, 30m) is a fixed span of absolute time, like PagerDuty.
  const days = lengthMs % DAY_MS === 0 ? lengthMs / DAY_MS : null;
  // Kept per k: finding a shift and walking hand-offs ask for the same ones more than once.
  const known = new Map<number, number>();
  const calendarHandoff = (k: number) => {
    let at = known.get(k);
    if (at === undefined) known.set(k, (at = instantOf(startWall + k * days! * DAY_MS, zone)));
    return at;
  };
  const handoffMs = days === null ? (k: number) => startMs + k * lengthMs : calendarHandoff;

  const overrides = def.overrides
    .map((o) => ({ user: o.user, startMs: boundMs(o.start, zone), endMs: boundMs(o.end, zone) }))
    .filter((o) => o.endMs > o.startMs);

  return { startMs, lengthMs, handoffMs, users, overrides };
}

function shiftIndex(c: Compiled, atMs: number): number | null {
  if (atMs < c.startMs) return null;
  // Calendar-day shifts drift from k × length only by the zone's offset changes since the start (an
  // hour for DST), so the estimate is at most a shift off; the loops settle it without walking.
  let k = Math.floor((atMs - c.startMs) / c.lengthMs);
  while (k > 0 && c.handoffMs(k) > atMs) k--;
  while (c.handoffMs(k + 1) <= atMs) k++;
  return k;
}

function userAt(c: Compiled, atMs: number, shift: number | null): string | null {
  const override = c.overrides.findLast((o) => o.startMs <= atMs && atMs < o.endMs);
  if (override) return override.user;
  return shift === null ? null : c.users[shift % c.users.length]!;
}

/** k of the rotation shift covering `at`, ignoring overrides; null before the rotation starts. */
export function shiftIndexAt(schedule: ScheduleDef, at: Date): number | null {
  return shiftIndex(compile(schedule), at.getTime());
}

/** The user on call at `at` (an override if one covers it, else the rotation); null when nobody is. */
export function onCallAt(schedule: ScheduleDef, at: Date): string | null {
  const c = compile(schedule);
  const atMs = at.getTime();
  return userAt(c, atMs, shiftIndex(c, atMs));
}

/**
 * The schedule's overrides as instants (those that end after they start), in listed order: where two
 * overlap the later wins, as it does for `onCallAt`.
 */
export function overrideWindows(schedule: ScheduleDef): Array<Shift & { user: string }> {
  return compile(schedule).overrides.map((o) => ({ user: o.user, start: new Date(o.startMs), end: new Date(o.endMs) }));
}

/**
 * The moments strictly after `fromMs` at which the on-call user changes, in time order: rotation
 * hand-offs and override starts and ends, except where the same person carries on. Ends when the
 * schedule stops changing: a rotation whose users are all the same person changes hands only at its
 * start and at override boundaries.
 */
function* handoffsAfter(c: Compiled, fromMs: number): Generator<Handoff> {
  const boundaries = [...new Set(c.overrides.flatMap((o) => [o.startMs, o.endMs]))].filter((t) => t > fromMs).sort((a, b) => a - b);
  const rotationChangesHands = c.users.some((u) => u !== c.users[0]);

  const fromShift = shiftIndex(c, fromMs);
  let current = userAt(c, fromMs, fromShift);
  // k: the next rotation shift not yet started, and rotationNext its start.
  let k = (fromShift ?? -1) + 1;
  let rotationNext = c.handoffMs(k);
  let b = 0;
  for (;;) {
    const boundary = boundaries[b];
    if (boundary === undefined && k > 0 && !rotationChangesHands) return;
    const t = boundary === undefined ? rotationNext : Math.min(boundary, rotationNext);
    if (boundary === t) b++;
    while (rotationNext <= t) rotationNext = c.handoffMs(++k);
    const user = userAt(c, t, k === 0 ? null : k - 1);
    if (user !== current) {
      yield { at: new Date(t), user };
      current = user;
    }
  }
}

/** The next `count` hand-offs strictly after `from` (fewer when the schedule stops changing). */
export function nextHandoffs(schedule: ScheduleDef, from: Date, count: number): Handoff[] {
  const handoffs: Handoff[] = [];
  if (count <= 0) return handoffs;
  for (const handoff of handoffsAfter(compile(schedule), from.getTime())) {
    handoffs.push(handoff);
    if (handoffs.length >= count) break;
  }
  return handoffs;
}

/**
 * Who is on call over [from, to), as consecutive shifts clipped to the window: the first starts at
 * `from`, the last ends at `to`, and a person's shift that an override interrupts is two shifts.
 */
export function shiftsBetween(schedule: ScheduleDef, from: Date, to: Date): Shift[] {
  const c = compile(schedule);
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (toMs <= fromMs) return [];
  const shifts: Shift[] = [];
  let start = fromMs;
  let user = userAt(c, fromMs, shiftIndex(c, fromMs));
  for (const handoff of handoffsAfter(c, fromMs)) {
    const at = handoff.at.getTime();
    if (at >= toMs) break;
    shifts.push({ user, start: new Date(start), end: handoff.at });
    start = at;
    user = handoff.user;
  }
  shifts.push({ user, start: new Date(start), end: to });
  return shifts;
}

/**
 * The rotation's own shifts (overrides ignored) that overlap [from, to), whole rather than clipped, so
 * their real lengths can be checked against the rotation's: a whole-day shift across a DST change is
 * shorter or longer than its nominal length.
 */
export function rotationShiftsBetween(schedule: ScheduleDef, from: Date, to: Date): Array<Shift & { user: string }> {
  const c = compile(schedule);
  const toMs = to.getTime();
  const shifts: Array<Shift & { user: string }> = [];
  for (let k = shiftIndex(c, from.getTime()) ?? 0; c.handoffMs(k) < toMs; k++) {
    shifts.push({ user: c.users[k % c.users.length]!, start: new Date(c.handoffMs(k)), end: new Date(c.handoffMs(k + 1)) });
  }
  return shifts;
}

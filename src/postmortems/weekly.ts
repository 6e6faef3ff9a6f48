// Week-by-week series for the console's insights charts: plain functions over plain rows, so the bucketing
// (UTC weeks starting on Monday) and the percentiles are tested without a database.
import { percentile } from './insights.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const UNTYPED = 'untyped';

export interface WeeklyIncident {
  severity: string;
  type: string | null;
  createdAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
}

export interface WeeklyFollowup {
  createdAt: Date;
  doneAt: Date | null;
}

/** Milliseconds; null for a week with no incident that got that far. */
export interface WeekDurations {
  p50: number | null;
  p90: number | null;
}

export interface WeeklySeries {
  /** The Monday (00:00 UTC) each week starts on, oldest first; the last week is the one `now` is in. */
  weeks: Date[];
  /** Configured severities in their order, then any others by name; one count per week each. */
  bySeverity: Array<{ severity: string; counts: number[] }>;
  timeToAcknowledge: WeekDurations[];
  timeToResolve: WeekDurations[];
  /** Over the whole range, most first, then by name; incidents without a type count as `untyped`. */
  byType: Array<{ type: string; count: number }>;
  followupsOpened: number[];
  followupsDone: number[];
}

/** The Monday 00:00 UTC of the week `at` falls in. */
export function weekStartUtc(at: Date): Date {
  const day = Math.floor(at.getTime() / DAY_MS) * DAY_MS;
  // 1970-01-01 was a Thursday: (weekday + 6) % 7 counts days since Monday.
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * DAY_MS);
}

/** The `count` weeks ending with the one `now` is in, oldest first. */
export function weeksEnding(now: Date, count: number): Date[] {
  if (!Number.isInteger(count) || count <= 0) throw new RangeError(`count must be a positive whole number, got ${count}`);
  const last = weekStartUtc(now).getTime();
  return Array.from({ length: count }, (_, i) => new Date(last - (count - 1 - i) * WEEK_MS));
}

/** The index of the week `at` falls in, or null outside [first week's start, `end`). */
function weekIndex(weeks: readonly Date[], at: Date, end: number): number | null {
  const first = weeks[0]?.getTime();
  const t = at.getTime();
  if (first === undefined || !(t >= first && t < end)) return null;
  return Math.floor((t - first) / WEEK_MS);
}

/**
 * The series over `weeks` (from weeksEnding) up to `now`: incidents by the week they were declared in,
 * follow-ups by the week they were opened and, separately, the week they were done in.
 */
export function weeklySeries(
  incidents: readonly WeeklyIncident[],
  followups: readonly WeeklyFollowup[],
  options: { weeks: readonly Date[]; now: Date; severities: readonly string[] },
): WeeklySeries {
  const { weeks } = options;
  const end = options.now.getTime();
  const zeros = () => weeks.map(() => 0);
  const severities = new Map<string, number[]>(options.severities.map((s) => [s, zeros()]));
  const types = new Map<string, number>();
  const toAck: number[][] = weeks.map(() => []);
  const toResolve: number[][] = weeks.map(() => []);

  for (const incident of incidents) {
    const week = weekIndex(weeks, incident.createdAt, end);
    if (week === null) continue;
    let counts = severities.get(incident.severity);
    if (!counts) severities.set(incident.severity, (counts = zeros()));
    counts[week]! += 1;
    const type = incident.type ?? UNTYPED;
    types.set(type, (types.get(type) ?? 0) + 1);
    addDuration(toAck[week]!, incident.createdAt, incident.acknowledgedAt);
    addDuration(toResolve[week]!, incident.createdAt, incident.resolvedAt);
  }

  const followupsOpened = zeros();
  const followupsDone = zeros();
  for (const followup of followups) {
    const opened = weekIndex(weeks, followup.createdAt, end);
    if (opened !== null) followupsOpened[opened]! += 1;
    const done = followup.doneAt ? weekIndex(weeks, followup.doneAt, end) : null;
    if (done !== null) followupsDone[done]! += 1;
  }

  const configured = new Set(options.severities);
  const order = [...options.severities, ...[...severities.keys()].filter((s) => !configured.has(s)).sort(compareNames)];
  return {
    weeks: [...weeks],
    bySeverity: order.map((severity) => ({ severity, counts: severities.get(severity) ?? zeros() })),
    timeToAcknowledge: toAck.map(durations),
    timeToResolve: toResolve.map(durations),
    byType: [...types].sort(([a, x], [b, y]) => y - x || compareNames(a, b)).map(([type, count]) => ({ type, count })),
    followupsOpened,
    followupsDone,
  };
}

/** As in computeInsights: a negative duration only comes from clock skew, so it is not a duration. */
function addDuration(into: number[], start: Date, end: Date | null): void {
  if (!end) return;
  const d = end.getTime() - start.getTime();
  if (d >= 0) into.push(d);
}

function durations(values: number[]): WeekDurations {
  values.sort((a, b) => a - b);
  return { p50: percentile(values, 50), p90: percentile(values, 90) };
}

/** Code-point order: the same answer whatever locale the process runs in. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

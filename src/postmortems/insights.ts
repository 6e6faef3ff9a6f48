import type { Status } from '../incidents/status.js';
import type { ServiceInsights } from './service-insights.js';
import { titleWordsOf } from './title-words.js';

export interface InsightIncident {
  id: number;
  title: string;
  severity: string;
  type: string | null;
  status: string;
  source: string;
  alertGroup: string | null;
  createdAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
}

export interface InsightFollowup {
  createdAt: Date;
  dueAt: Date | null;
  doneAt: Date | null;
}

/** Durations in milliseconds. */
export interface Distribution {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface Comparison<T> {
  current: T;
  previous: T;
}

export interface Insights extends Partial<ServiceInsights> {
  days: number;
  /** The current period is [from, to), the previous one [previousFrom, from). */
  from: Date;
  to: Date;
  previousFrom: Date;
  incidents: Comparison<number>;
  /** Configured severities in their order, then unknown ones by name; a severity absent from both periods is left out. */
  bySeverity: Array<{ severity: string; current: number; previous: number }>;
  /** Incidents without a type count as `untyped`; most frequent in the current period first, then by name. */
  byType: Array<{ type: string; current: number; previous: number }>;
  timeToAcknowledge: Comparison<Distribution>;
  timeToResolve: Comparison<Distribution>;
  /** Current period only: the alert groups that fired most, then by name. */
  topAlertGroups: Array<{ group: string; count: number }>;
  /** Current period only: how many incidents' titles use each word, most first, then by word. */
  topTitleWords: Array<{ word: string; count: number }>;
  /** `overdue` counts every open follow-up already past due, however old, since those are what is owed now. */
  followups: { opened: number; done: number; overdue: number };
}

export const INSIGHT_PERIODS = { '7d': 7, '30d': 30, '90d': 90 } as const;

const DEFAULT_PERIOD_DAYS = INSIGHT_PERIODS['30d'];
const DAY_MS = 86_400_000;
const DECLINED: Status = 'declined';
const UNTYPED = 'untyped';
const TOP_ALERT_GROUPS = 5;
const TOP_TITLE_WORDS = 10;
/** The period named by `/incident insights [7d|30d|90d]`, in days; null when the text names none of them. */
export function parsePeriod(text: string | undefined): number | null {
  const key = (text ?? '').trim().toLowerCase();
  if (key === '') return DEFAULT_PERIOD_DAYS;
  // hasOwn, because a plain lookup would also find inherited keys such as `toString`.
  return Object.hasOwn(INSIGHT_PERIODS, key) ? INSIGHT_PERIODS[key as keyof typeof INSIGHT_PERIODS] : null;
}

/**
 * Nearest-rank percentile, `p` from 0 to 100: always a value that occurred, so a median of durations is a
 * duration some incident really had (for an even count, the lower of the two middle values).
 */
export function percentile(sortedAscending: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be between 0 and 100, got ${p}`);
  const n = sortedAscending.length;
  if (n === 0) return null;
  // p * n before dividing keeps whole ranks exact (0.9 * 10 style products can land just above an integer).
  const rank = Math.max(1, Math.ceil((p * n) / 100));
  return sortedAscending[rank - 1] ?? null;
}

const CURRENT = 0;
const PREVIOUS = 1;
type Period = typeof CURRENT | typeof PREVIOUS;
type PerPeriod = [current: number, previous: number];

/**
 * Insights over the `days` before `now` compared with the `days` before that. One pass over the incidents and
 * one over the follow-ups; the only sorts are of the collected durations and of the distinct groups and words.
 */
export function computeInsights(
  incidents: readonly InsightIncident[],
  followups: readonly InsightFollowup[],
  options: { days: number; now: Date; severities: readonly string[] },
): Insights {
  const { days, now } = options;
  if (!Number.isInteger(days) || days <= 0) throw new RangeError(`days must be a positive whole number, got ${days}`);
  const to = now.getTime();
  if (Number.isNaN(to)) throw new RangeError('now must be a valid date');
  const from = to - days * DAY_MS;
  const previousFrom = from - days * DAY_MS;

  const counts: PerPeriod = [0, 0];
  const severities = new Map<string, PerPeriod>();
  const types = new Map<string, PerPeriod>();
  const toAcknowledge: [number[], number[]] = [[], []];
  const toResolve: [number[], number[]] = [[], []];
  const alertGroups = new Map<string, number>();
  const titleWords = new Map<string, number>();

  for (const incident of incidents) {
    if (incident.status === DECLINED) continue;
    const created = incident.createdAt.getTime();
    // Written as positive range checks so an invalid date (NaN) falls in neither period.
    const period: Period | null = created >= from && created < to ? CURRENT : created >= previousFrom && created < from ? PREVIOUS : null;
    if (period === null) continue;

    counts[period] += 1;
    tally(severities, incident.severity, period);
    tally(types, incident.type ?? UNTYPED, period);
    addDuration(toAcknowledge[period], created, incident.acknowledgedAt);
    addDuration(toResolve[period], created, incident.resolvedAt);

    if (period === CURRENT) {
      if (incident.alertGroup) alertGroups.set(incident.alertGroup, (alertGroups.get(incident.alertGroup) ?? 0) + 1);
      for (const word of titleWordsOf(incident.title)) titleWords.set(word, (titleWords.get(word) ?? 0) + 1);
    }
  }

  let opened = 0;
  let done = 0;
  let overdue = 0;
  for (const followup of followups) {
    const createdAt = followup.createdAt.getTime();
    if (createdAt >= from && createdAt < to) opened += 1;
    if (followup.doneAt) {
      const doneAt = followup.doneAt.getTime();
      if (doneAt >= from && doneAt < to) done += 1;
    } else if (followup.dueAt && followup.dueAt.getTime() < to) {
      overdue += 1;
    }
  }

  return {
    days,
    from: new Date(from),
    to: new Date(to),
    previousFrom: new Date(previousFrom),
    incidents: { current: counts[CURRENT], previous: counts[PREVIOUS] },
    bySeverity: severityRows(severities, options.severities),
    byType: [...types]
      .sort(([aName, a], [bName, b]) => b[CURRENT] - a[CURRENT] || compareNames(aName, bName))
      .map(([type, [current, previous]]) => ({ type, current, previous })),
    timeToAcknowledge: { current: distribution(toAcknowledge[CURRENT]), previous: distribution(toAcknowledge[PREVIOUS]) },
    timeToResolve: { current: distribution(toResolve[CURRENT]), previous: distribution(toResolve[PREVIOUS]) },
    topAlertGroups: top(alertGroups, TOP_ALERT_GROUPS).map(([group, count]) => ({ group, count })),
    topTitleWords: top(titleWords, TOP_TITLE_WORDS).map(([word, count]) => ({ word, count })),
    followups: { opened, done, overdue },
  };
}

function tally(counts: Map<string, PerPeriod>, key: string, period: Period): void {
  const entry = counts.get(key);
  if (entry) entry[period] += 1;
  else counts.set(key, period === CURRENT ? [1, 0] : [0, 1]);
}

/** A negative duration only comes from clock skew between the machines that recorded the times. */
function addDuration(durations: number[], start: number, end: Date | null): void {
  if (!end) return;
  const duration = end.getTime() - start;
  if (duration >= 0) durations.push(duration);
}

function distribution(durations: number[]): Distribution {
  durations.sort((a, b) => a - b);
  return { count: durations.length, median: percentile(durations, 50), p90: percentile(durations, 90) };
}

function severityRows(counts: Map<string, PerPeriod>, configured: readonly string[]): Insights['bySeverity'] {
  const known = new Set(configured);
  const unknown = [...counts.keys()].filter((severity) => !known.has(severity)).sort(compareNames);
  const rows: Insights['bySeverity'] = [];
  for (const severity of [...known, ...unknown]) {
    const entry = counts.get(severity);
    if (entry) rows.push({ severity, current: entry[CURRENT], previous: entry[PREVIOUS] });
  }
  return rows;
}

function top(counts: Map<string, number>, limit: number): Array<[string, number]> {
  return [...counts].sort(([aName, a], [bName, b]) => b - a || compareNames(aName, bName)).slice(0, limit);
}

/** Code-point order: the same answer whatever locale the process runs in. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

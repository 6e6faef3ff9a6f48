import { CronExpressionParser } from 'cron-parser';

/**
 * Scheduled times of a cron expression, for deciding which run is due and what was missed. node-cron
 * runs the timer but cannot look backwards; cron-parser can. Both read the process's local time zone.
 */
export function latestDueAt(expression: string, now: Date): Date {
  // `prev` is strictly before its start, so start a millisecond after now to include now itself.
  return CronExpressionParser.parse(expression, { currentDate: new Date(now.getTime() + 1) })
    .prev()
    .toDate();
}

export function nextDueAfter(expression: string, at: Date): Date {
  return CronExpressionParser.parse(expression, { currentDate: at }).next().toDate();
}

export interface CatchUp {
  /** The due time to run now, if any. */
  run: Date | null;
  /** Due times that passed with nobody running them and are dropped, oldest first. */
  skipped: Date[];
}

/**
 * What to do at start-up about runs missed while every process was down: the most recent missed run is
 * still worth sending (it is less than one period late: the next has not come yet); older ones are
 * dropped rather than flooding the channel. Nothing is owed before the first run ever recorded.
 */
export function catchUp(expression: string, lastRunDueAt: Date | null, now: Date, limit = 1_000): CatchUp {
  if (!lastRunDueAt) return { run: null, skipped: [] };
  const latest = latestDueAt(expression, now);
  if (latest.getTime() <= lastRunDueAt.getTime()) return { run: null, skipped: [] };
  const skipped: Date[] = [];
  for (
    let due = nextDueAfter(expression, lastRunDueAt);
    due.getTime() < latest.getTime() && skipped.length < limit;
    due = nextDueAfter(expression, due)
  ) {
    skipped.push(due);
  }
  return { run: latest, skipped };
}

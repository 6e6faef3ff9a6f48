// The fairness report (`oncall report`): each schedule's people over the last 7, 30 or 90 days.
import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { currentSchedules } from './current-schedules.js';
import { shiftsBetween } from './schedule.js';
import { shiftActivity } from './shift-activity.js';
import { shiftStats, type PersonStats } from './shift-stats.js';

export const REPORT_PERIODS = ['7d', '30d', '90d'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];
export const DEFAULT_REPORT_PERIOD: ReportPeriod = '30d';

export const isReportPeriod = (word: string): word is ReportPeriod => (REPORT_PERIODS as readonly string[]).includes(word);

const DAY_MS = 86_400_000;
export const periodMs = (period: ReportPeriod): number => Number.parseInt(period, 10) * DAY_MS;

export interface ScheduleReport {
  scheduleId: string;
  timeZone: string;
  people: PersonStats[];
}

export interface OncallReport {
  from: Date;
  to: Date;
  schedules: ScheduleReport[];
}

/**
 * The figures of each schedule (only `scheduleId`'s when given) over the period ending `now`. A page
 * counts in every schedule its person was on call in when it reached them.
 */
export async function oncallReport(
  tx: Tx,
  config: Config,
  request: { scheduleId: string | undefined; period: ReportPeriod },
  now = new Date(),
): Promise<OncallReport> {
  const from = new Date(now.getTime() - periodMs(request.period));
  const schedules = (await currentSchedules(tx, config, from)).filter((s) => !request.scheduleId || s.id === request.scheduleId);
  const activity = schedules.length ? await shiftActivity(tx, from, now) : { reaches: [], incidents: [] };
  return {
    from,
    to: now,
    schedules: schedules.map((s) => ({
      scheduleId: s.id,
      timeZone: s.timeZone,
      people: shiftStats(shiftsBetween(s, from, now), s.timeZone, activity),
    })),
  };
}

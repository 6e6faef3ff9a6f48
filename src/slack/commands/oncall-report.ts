import { DEFAULT_REPORT_PERIOD, isReportPeriod, oncallReport, REPORT_PERIODS, type ReportPeriod } from '../../paging/oncall-report.js';
import { oncallReportMessage } from '../blocks/oncall-report.js';
import { escapeMrkdwn } from '../blocks/text.js';
import { invalid, usageHint, type Invalid } from './parsing.js';
import { ephemeral, type CommandContext } from './subcommand.js';

export const ONCALL_REPORT_USAGE = `oncall report [schedule] [${REPORT_PERIODS.join('|')}]`;

export type OncallReportRequest = { kind: 'oncall_report'; schedule: string | undefined; period: ReportPeriod };

/** A word that starts with a digit is meant as a period, so `14d` is refused rather than taken for a schedule. */
const PERIOD_LIKE = /^\d/;

/** `oncall report`, `oncall report platform`, `oncall report 7d`, `oncall report platform 90d` (either order). */
export function parseOncallReport(rest: string): OncallReportRequest | Invalid {
  let schedule: string | undefined;
  let period: ReportPeriod | undefined;
  for (const word of rest.split(/\s+/).filter(Boolean)) {
    const lower = word.toLowerCase();
    if (isReportPeriod(lower) && !period) period = lower;
    else if (PERIOD_LIKE.test(word))
      return invalid(
        `"${escapeMrkdwn(word)}" is not a period: choose one of ${REPORT_PERIODS.join(', ')}. ${usageHint(ONCALL_REPORT_USAGE)}`,
      );
    else if (!schedule) schedule = lower;
    else return invalid(`A report takes one schedule and one period at most. ${usageHint(ONCALL_REPORT_USAGE)}`);
  }
  return { kind: 'oncall_report', schedule, period: period ?? DEFAULT_REPORT_PERIOD };
}

/** Answers with the report, only to the person who asked. */
export async function handleOncallReport({ services, ack }: CommandContext, { schedule, period }: OncallReportRequest): Promise<void> {
  const { config, db } = services;
  if (schedule && !config.schedules.some((s) => s.id === schedule)) {
    const known = config.schedules.map((s) => s.id).join(', ') || 'none are configured';
    await ack(ephemeral(`⚠️ Unknown schedule "${escapeMrkdwn(schedule)}". Schedules: ${known}.`));
    return;
  }
  const report = await oncallReport(db, config, { scheduleId: schedule, period });
  await ack({ response_type: 'ephemeral', ...oncallReportMessage(report, period) });
}

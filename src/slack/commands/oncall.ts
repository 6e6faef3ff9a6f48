import { currentSchedules } from '../../paging/current-schedules.js';
import { oncallMessage } from '../blocks/paging.js';
import { escapeMrkdwn } from '../blocks/text.js';
import { handleOncallReport, ONCALL_REPORT_USAGE, parseOncallReport, type OncallReportRequest } from './oncall-report.js';
import { handleOncallTest, ONCALL_TEST_USAGE, parseOncallTest, type OncallTest } from './oncall-test.js';
import { splitFirst } from './parsing.js';
import { ephemeral, type GeneralSubcommand } from './subcommand.js';

export const oncallCommand: GeneralSubcommand<{ kind: 'oncall'; schedule: string | undefined } | OncallTest | OncallReportRequest> = {
  name: 'oncall',
  usage: `oncall [schedule] · ${ONCALL_TEST_USAGE} · ${ONCALL_REPORT_USAGE}`,
  summary:
    'who is on call now, and the next hand-offs · send a test page through a person’s whole chain (nobody else is paged) · hours on call, nights, weekends, pages and time to acknowledge per person',
  needsIncident: false,
  parse({ rest }) {
    const [schedule, after] = splitFirst(rest);
    if (schedule.toLowerCase() === 'test') return parseOncallTest(after);
    if (schedule.toLowerCase() === 'report') return parseOncallReport(after);
    return { kind: 'oncall', schedule: schedule ? schedule.toLowerCase() : undefined };
  },
  async handle(ctx, parsed) {
    if (parsed.kind === 'oncall_test') return handleOncallTest(ctx, parsed);
    if (parsed.kind === 'oncall_report') return handleOncallReport(ctx, parsed);
    const { schedule } = parsed;
    const {
      services: { config, db },
      ack,
    } = ctx;
    const schedules = (await currentSchedules(db, config)).filter((s) => !schedule || s.id === schedule);
    if (schedule && schedules.length === 0) {
      const known = config.schedules.map((s) => s.id).join(', ') || 'none are configured';
      await ack(ephemeral(`⚠️ Unknown schedule "${escapeMrkdwn(schedule)}". Schedules: ${known}.`));
      return;
    }
    await ack({ response_type: 'ephemeral', ...oncallMessage(schedules, new Date()) });
  },
};

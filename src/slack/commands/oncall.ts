import { currentSchedules } from '../../paging/current-schedules.js';
import { oncallMessage } from '../blocks/paging.js';
import { escapeMrkdwn } from '../blocks/text.js';
import { handleOncallCalendar, ONCALL_CALENDAR_USAGE, parseOncallCalendar, type OncallCalendar } from './oncall-calendar.js';
import { handleOncallCover, ONCALL_COVER_USAGE, parseOncallCover, type OncallCover } from './oncall-cover.js';
import { handleOncallOverride, ONCALL_OVERRIDE_USAGE, parseOncallOverride, type OncallOverride } from './oncall-override.js';
import { handleOncallReport, ONCALL_REPORT_USAGE, parseOncallReport, type OncallReportRequest } from './oncall-report.js';
import { handleOncallTest, ONCALL_TEST_USAGE, parseOncallTest, type OncallTest } from './oncall-test.js';
import { splitFirst, type Invalid } from './parsing.js';
import { ephemeral, type CommandContext, type GeneralSubcommand } from './subcommand.js';

type OncallNow = { kind: 'oncall'; schedule: string | undefined };
type Oncall = OncallNow | OncallTest | OncallOverride | OncallCover | OncallCalendar | OncallReportRequest;

/** `oncall <word> …`: the words that name a subcommand rather than a schedule. */
const PARSERS = new Map<string, (rest: string) => Oncall | Invalid>([
  ['test', parseOncallTest],
  ['override', parseOncallOverride],
  ['cover', parseOncallCover],
  ['calendar', parseOncallCalendar],
  ['report', parseOncallReport],
]);

async function handleOncallNow({ services: { config, db }, ack }: CommandContext, { schedule }: OncallNow): Promise<void> {
  const schedules = (await currentSchedules(db, config)).filter((s) => !schedule || s.id === schedule);
  if (schedule && schedules.length === 0) {
    const known = config.schedules.map((s) => s.id).join(', ') || 'none are configured';
    await ack(ephemeral(`⚠️ Unknown schedule "${escapeMrkdwn(schedule)}". Schedules: ${known}.`));
    return;
  }
  await ack({ response_type: 'ephemeral', ...oncallMessage(schedules, new Date()) });
}

export const oncallCommand: GeneralSubcommand<Oncall> = {
  name: 'oncall',
  usage: `oncall [schedule] · ${ONCALL_TEST_USAGE} · ${ONCALL_OVERRIDE_USAGE} · ${ONCALL_COVER_USAGE} · ${ONCALL_CALENDAR_USAGE} · ${ONCALL_REPORT_USAGE}`,
  summary:
    'who is on call now, and the next hand-offs · send a test page through a person’s whole chain (nobody else is paged) · put someone on call over a window (members and admins) · ask for cover of your own shifts (times: YYYY-MM-DDTHH:MM on the schedule’s clock, now, or +8h; a + end counts from the start) · your private calendar links (reset: a new link, the old one stops working) · hours on call, nights, weekends, pages and time to acknowledge per person',
  needsIncident: false,
  parse({ rest }) {
    const [word, after] = splitFirst(rest);
    const sub = PARSERS.get(word.toLowerCase());
    if (sub) return sub(after);
    return { kind: 'oncall', schedule: word ? word.toLowerCase() : undefined };
  },
  async handle(ctx, parsed) {
    switch (parsed.kind) {
      case 'oncall_test':
        return handleOncallTest(ctx, parsed);
      case 'oncall_override':
        return handleOncallOverride(ctx, parsed);
      case 'oncall_cover':
        return handleOncallCover(ctx, parsed);
      case 'oncall_calendar':
        return handleOncallCalendar(ctx, parsed);
      case 'oncall_report':
        return handleOncallReport(ctx, parsed);
      case 'oncall':
        return handleOncallNow(ctx, parsed);
    }
  },
};

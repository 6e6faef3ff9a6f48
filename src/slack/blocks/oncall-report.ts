// The fairness report as Block Kit, within Slack's limits: 3,000 characters a section, 50 blocks a message.
import type { KnownBlock } from '@slack/types';
import type { OncallReport, ReportPeriod, ScheduleReport } from '../../paging/oncall-report.js';
import type { PersonStats } from '../../paging/shift-stats.js';
import { ackTimeText, plural } from './handoffs.js';
import type { SlackMessage } from './incident.js';
import { escapeMrkdwn, mention, slackDate, truncate } from './text.js';

export const SECTION_LIMIT = 3000;
export const BLOCK_LIMIT = 50;

const HOUR_MS = 3_600_000;
const hours = (ms: number) => `${(ms / HOUR_MS).toFixed(1)} h`;

function personLine(p: PersonStats): string {
  const ack = p.medianAckMs === null ? 'no acknowledgements' : `median ack ${ackTimeText(p.medianAckMs)} (${p.acknowledged})`;
  return (
    `• ${mention(p.userId)}: *${hours(p.onCallMs)}* on call · ${hours(p.nightMs)} at night · ${hours(p.weekendMs)} weekend · ` +
    `${plural(p.pages, 'page')} (${p.nightPages} at night) · ${ack}`
  );
}

/** A schedule's lines, cut into sections that each fit the section limit (a line never straddles two). */
function scheduleSections(s: ScheduleReport): string[] {
  const lines = [
    `*${escapeMrkdwn(s.scheduleId)}* (${s.timeZone})`,
    ...(s.people.length ? s.people.map(personLine) : ['_nobody was on call_']),
  ];
  const sections: string[] = [];
  let current = '';
  for (const line of lines.map((l) => truncate(l, SECTION_LIMIT))) {
    if (current && current.length + 1 + line.length > SECTION_LIMIT) {
      sections.push(current);
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) sections.push(current);
  return sections;
}

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

/** The report as an ephemeral answer; past 50 blocks the rest is left out with a note saying how to see it. */
export function oncallReportMessage(report: OncallReport, period: ReportPeriod): SlackMessage {
  const head: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `On-call report: last ${period}` } },
    context(
      `${slackDate(report.from)} – ${slackDate(report.to)}. Night is 22:00–08:00 and the weekend Saturday and Sunday, on each schedule's clocks. ` +
        'Pages count where they reached someone on call; test pages, drills and private incidents are left out.',
    ),
  ];
  const text = `On-call report, last ${period}`;
  if (report.schedules.length === 0)
    return { text, blocks: [...head, section('No on-call schedules are configured (`schedules:` in the config).')] };
  const body = report.schedules.flatMap((s) => scheduleSections(s).map((t) => ({ scheduleId: s.scheduleId, block: section(t) })));
  const room = BLOCK_LIMIT - head.length;
  if (body.length <= room) return { text, blocks: [...head, ...body.map((b) => b.block)] };
  const shown = body.slice(0, room - 1);
  const firstLeftOut = escapeMrkdwn(body[room - 1]!.scheduleId);
  const note = context(
    `✂️ Too long for one message: ${body.length - shown.length} more sections left out, from *${firstLeftOut}* on. ` +
      `Ask for one schedule at a time, e.g. \`/incident oncall report ${firstLeftOut} ${period}\`.`,
  );
  return { text, blocks: [...head, ...shown.map((b) => b.block), note] };
}

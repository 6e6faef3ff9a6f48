import type { KnownBlock } from '@slack/types';
import type { CoverageDiff, PersonChange } from '../../paging/coverage.js';
import type { Interval } from '../../paging/intervals.js';
import type { SlackMessage } from './incident.js';
import { escapeMrkdwn, mention, slackDate, truncate } from './text.js';

/** Lines per list: a change that moves a hundred shifts says how many more there are rather than hitting Slack's limits. */
const MAX_LINES = 15;
const HOUR_MS = 3_600_000;

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } });

/** Times as `<!date^…>`, so each reader sees them in their own Slack time zone. */
const span = ({ start, end }: Interval) => `${slackDate(new Date(start))} → ${slackDate(new Date(end))}`;
const hours = (ms: number) => `${Number((ms / HOUR_MS).toFixed(2))} h`;
const schedule = (id: string) => `*${escapeMrkdwn(id)}*`;

function capped(lines: string[]): string[] {
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES), `…and ${lines.length - MAX_LINES} more`];
}

/** What made the change, as a reader would say it. */
export function causeText(actor: string): string {
  if (actor === 'system') return 'the config file changed';
  if (actor === 'signal') return 'the config was reloaded';
  return `${mention(actor)} made an override`;
}

function days(diff: CoverageDiff): number {
  return Math.round((diff.to - diff.from) / (24 * HOUR_MS));
}

/** The DM to one person whose shifts moved: per schedule, the time newly theirs and the time no longer theirs. */
export function coverageDm(diff: CoverageDiff, userId: string, actor: string): SlackMessage {
  const mine = diff.people.filter((p) => p.user === userId);
  const headline = `🗓️ Your on-call shifts changed: ${causeText(actor)}. Over the next ${days(diff)} days:`;
  const blocks = [section(headline), ...mine.map((p) => section(personLines(p)))];
  return { text: `${headline} ${mine.map((p) => p.scheduleId).join(', ')}`, blocks: blocks.slice(0, 50) };
}

function personLines(change: PersonChange): string {
  const lines = [
    ...change.gained.map((i) => `• ➕ now on call ${span(i)}`),
    ...change.lost.map((i) => `• ➖ no longer on call ${span(i)}`),
  ];
  return [schedule(change.scheduleId), ...capped(lines)].join('\n');
}

/** The admin post: gaps, double cover and shifts of another length because of daylight saving, in the changed schedules. */
export function coverageAdminMessage(diff: CoverageDiff, actor: string): SlackMessage {
  const headline = `🗓️ On-call coverage after ${causeText(actor)} (${diff.changedSchedules.map(escapeMrkdwn).join(', ')}), next ${days(diff)} days:`;
  const parts: string[] = [];
  if (diff.gaps.length) {
    const lines = diff.gaps.map((g) => `• ${schedule(g.scheduleId)}: nobody on call ${span(g)}${g.introduced ? ' (new)' : ''}`);
    parts.push(['*Gaps*', ...capped(lines)].join('\n'));
  }
  if (diff.doubleCover.length) {
    const lines = diff.doubleCover.map(
      (d) => `• ${mention(d.user)} in ${schedule(d.scheduleIds[0])} and ${schedule(d.scheduleIds[1])} ${span(d)}`,
    );
    parts.push(['*Double cover* (one person on call in two schedules at once)', ...capped(lines)].join('\n'));
  }
  if (diff.dstShifts.length) {
    const lines = diff.dstShifts.map(
      (s) => `• ${schedule(s.scheduleId)}: ${mention(s.user)} ${span(s)} is ${hours(s.lengthMs)} (the rotation is ${hours(s.rotationMs)})`,
    );
    parts.push(['*Shifts daylight saving makes shorter or longer*', ...capped(lines)].join('\n'));
  }
  const summary = [
    diff.gaps.length && `${diff.gaps.length} gap${diff.gaps.length > 1 ? 's' : ''}`,
    diff.doubleCover.length && `${diff.doubleCover.length} double cover`,
    diff.dstShifts.length && `${diff.dstShifts.length} DST-length shift${diff.dstShifts.length > 1 ? 's' : ''}`,
  ].filter(Boolean);
  return { text: `${headline} ${summary.join(', ')}`, blocks: [section(headline), ...parts.map(section)] };
}

/** A refused reload in the admin channel: the start-up message, and that the last good config still runs. */
export function configRefusedMessage(message: string): SlackMessage {
  const text = `⚠️ A config reload was refused; Firewatch keeps running on the last good config.\n\`\`\`${truncate(escapeMrkdwn(message), 2800)}\`\`\``;
  return { text, blocks: [section(text)] };
}

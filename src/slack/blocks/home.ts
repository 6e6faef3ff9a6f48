// The App Home tab: one person's shifts, open pages, incidents and follow-ups, with the buttons that act
// on them. Buttons reuse the action ids of the page DM and the follow-up list, so one listener serves both.
import type { HomeView, KnownBlock } from '@slack/types';
import type { Config } from '../../config/load.js';
import { incidentKey } from '../../incidents/queries.js';
import { statusLabel } from '../../incidents/status.js';
import { HOME_READ_LIMIT, type HomeData, type ScheduleShifts } from '../../paging/home.js';
import { dueDay } from '../../incidents/followups.js';
import { FOLLOWUP_DONE_ACTION } from './lists.js';
import { acknowledgeButton } from './paging.js';
import { drillMarked, severityText } from './incident.js';
import { channelLink, escapeMrkdwn, slackDate, truncate } from './text.js';

export const HOME_ACTIONS = { requestCover: 'home_request_cover', pagingSettings: 'home_paging_settings' } as const;

/** Slack takes at most 100 blocks in a Home tab. */
export const HOME_BLOCKS_MAX = 100;
/** How many items of each list are shown; the rest are counted in an "and N more" line. */
export const HOME_LIST_MAX = 20;

const SECTION_MAX = 3000;

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, SECTION_MAX) } });
const heading = (text: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text } });
const note = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

/** "and 3 more", or "and 80 or more" when the list was cut when read. */
function more(total: number, shown: number): KnownBlock[] {
  if (total <= shown) return [];
  const rest = total - shown;
  return [note(total >= HOME_READ_LIMIT ? `…and ${rest} or more` : `…and ${rest} more`)];
}

function shiftLine({ scheduleId, now, next }: ScheduleShifts): string {
  const lines = [`*${escapeMrkdwn(scheduleId)}*`];
  if (now)
    lines.push(now.beyondHorizon ? '🟢 On call now, for the next 90 days and more' : `🟢 On call now, until ${slackDate(now.until)}`);
  if (next) {
    const end = next.beyondHorizon ? 'beyond the next 90 days' : slackDate(next.end);
    lines.push(`Next shift: ${slackDate(next.start)} – ${end}`);
  } else if (!now) lines.push('No shift in the next 90 days');
  return lines.join('\n');
}

function shiftBlocks(data: HomeData): KnownBlock[] {
  if (data.schedules.length === 0) return [section('You are on no on-call schedule.')];
  const shown = data.schedules.slice(0, HOME_LIST_MAX);
  return [...shown.map((s) => section(shiftLine(s))), ...more(data.schedules.length, shown.length)];
}

function pageBlocks(config: Config, data: HomeData): KnownBlock[] {
  if (data.pages.length === 0) return [section('No open pages.')];
  const shown = data.pages.slice(0, HOME_LIST_MAX);
  return [
    ...shown.map(({ page, incident }) => ({
      type: 'section' as const,
      text: {
        type: 'mrkdwn' as const,
        text: truncate(
          drillMarked(
            incident,
            `🚨 *${incidentKey(incident.id)}* · ${severityText(config, incident.severity)} · *${escapeMrkdwn(incident.title)}*\nPaged ${slackDate(page.createdAt)}${page.state === 'exhausted' ? ' · nobody acknowledged in time' : ''}`,
          ),
          SECTION_MAX,
        ),
      },
      accessory: acknowledgeButton(page),
    })),
    ...more(data.pages.length, shown.length),
  ];
}

function incidentBlocks(config: Config, data: HomeData): KnownBlock[] {
  if (data.incidents.length === 0) return [section('You are in no open incident.')];
  const shown = data.incidents.slice(0, HOME_LIST_MAX);
  return [
    ...shown.map((incident) => {
      const where = incident.channelId ? ` · ${channelLink(incident.channelId)}` : '';
      const lock = incident.isPrivate ? '🔒 ' : '';
      return section(
        drillMarked(
          incident,
          `${lock}*${incidentKey(incident.id)}* · ${severityText(config, incident.severity)} · *${escapeMrkdwn(incident.title)}*\n${statusLabel(incident.status)}${where}`,
        ),
      );
    }),
    ...more(data.incidents.length, shown.length),
  ];
}

function followupBlocks(data: HomeData): KnownBlock[] {
  if (data.followups.length === 0) return [section('No open follow-ups.')];
  const shown = data.followups.slice(0, HOME_LIST_MAX);
  return [
    ...shown.map(({ followup, incident }) => ({
      type: 'section' as const,
      text: {
        type: 'mrkdwn' as const,
        text: truncate(
          `${escapeMrkdwn(followup.text)}\n${incidentKey(incident.id)}${followup.dueAt ? ` · due ${dueDay(followup.dueAt)}` : ''}`,
          SECTION_MAX,
        ),
      },
      accessory: {
        type: 'button' as const,
        action_id: FOLLOWUP_DONE_ACTION,
        text: { type: 'plain_text' as const, text: 'Done' },
        value: String(followup.id),
      },
    })),
    ...more(data.followups.length, shown.length),
  ];
}

/** The Home view of one person. Four lists of at most 20 items and their headings stay well within 100 blocks. */
export function homeView(config: Config, data: HomeData): HomeView {
  const blocks: KnownBlock[] = [
    heading('Your on-call'),
    {
      type: 'actions',
      block_id: 'home_actions',
      elements: [
        { type: 'button', action_id: HOME_ACTIONS.requestCover, text: { type: 'plain_text', text: 'Request cover' }, value: 'home' },
        { type: 'button', action_id: HOME_ACTIONS.pagingSettings, text: { type: 'plain_text', text: 'Paging settings' }, value: 'home' },
      ],
    },
    ...shiftBlocks(data),
    { type: 'divider' },
    heading('Your open pages'),
    ...pageBlocks(config, data),
    { type: 'divider' },
    heading('Your incidents'),
    ...incidentBlocks(config, data),
    { type: 'divider' },
    heading('Your follow-ups'),
    ...followupBlocks(data),
  ];
  return { type: 'home', callback_id: 'firewatch_home', blocks };
}

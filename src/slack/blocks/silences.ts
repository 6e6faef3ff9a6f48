// The messages of silences: the preview with its Silence / Cancel buttons, the second confirmation of a
// long one, the confirmation, and the list with an Expire button each. Every label and reason is user text.
import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../../config/duration.js';
import type { SilenceRow } from '../../db/schema.js';
import { isPerson } from '../../incidents/people.js';
import { formatMatchers, PREVIEW_DAYS, type ConfigWindow, type Matcher, type Preview } from '../../workflow/silence-offer.js';
import { escapeMrkdwn, mention, slackDate, truncate } from './text.js';

export const SILENCE_ACTIONS = {
  create: 'silence_create',
  createLong: 'silence_create_long',
  cancel: 'silence_cancel',
  expire: 'silence_expire',
  fromAlert: 'alert_silence_2h',
} as const;

/** How many silences one list shows (Slack allows 50 blocks a message). */
export const LIST_MAX = 20;

export interface SilenceMessage {
  text: string;
  blocks: KnownBlock[];
}

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } });

/** Matchers as people write them, safe in mrkdwn. */
export const matchersText = (matchers: readonly Matcher[]): string => `\`${escapeMrkdwn(formatMatchers(matchers))}\``;

const window = (startsAt: Date, endsAt: Date, now: Date): string =>
  startsAt.getTime() > now.getTime() ? `from ${slackDate(startsAt)} until ${slackDate(endsAt)}` : `until ${slackDate(endsAt)}`;

export interface PreviewInput {
  matchers: readonly Matcher[];
  startsAt: Date;
  durationMs: number;
  reason: string;
  stopPages: boolean;
  preview: Preview;
  /** The Silence button's value, which carries the request back. */
  value: string;
  now: Date;
}

export function previewMessage(p: PreviewInput): SilenceMessage {
  const { preview } = p;
  const endsAt = new Date(p.startsAt.getTime() + p.durationMs);
  const head = `🔕 Silence ${matchersText(p.matchers)} for *${formatDuration(p.durationMs)}* (${window(p.startsAt, endsAt, p.now)})${p.reason ? `: ${escapeMrkdwn(p.reason)}` : ''}`;
  const seen =
    preview.total === 0
      ? `In the last ${PREVIEW_DAYS} days it would have silenced *no alerts*. Check the labels if you expected some.`
      : `In the last ${PREVIEW_DAYS} days it would have silenced *${preview.total} alert${preview.total === 1 ? '' : 's'}*:\n${preview.lines
          .map((l) => `• ${escapeMrkdwn(l.title)}${l.count > 1 ? ` ×${l.count}` : ''} (last ${slackDate(l.lastReceivedAt)})`)
          .join('\n')}${preview.moreTitles ? `\n…and ${preview.moreTitles} more` : ''}`;
  const pages = p.stopPages
    ? 'It also *stops the running pages* of the open incidents whose firing alerts it matches (stop_pages).'
    : 'The pages of open incidents whose alerts it matches go on; add `stop_pages` to stop them.';
  const text = `${head}\n${seen}\n${pages}`;
  return {
    text: truncate(text, 3000),
    blocks: [
      section(head),
      section(seen),
      section(pages),
      {
        type: 'actions',
        block_id: 'silence_preview',
        elements: [
          {
            type: 'button',
            action_id: SILENCE_ACTIONS.create,
            style: 'primary',
            text: { type: 'plain_text', text: 'Silence' },
            value: p.value,
          },
          { type: 'button', action_id: SILENCE_ACTIONS.cancel, text: { type: 'plain_text', text: 'Cancel' }, value: 'cancel' },
        ],
      },
    ],
  };
}

/** A silence past `silence_max` is confirmed once more, naming how long it is. */
export function longSilenceMessage(matchers: readonly Matcher[], durationMs: number, maxMs: number, value: string): SilenceMessage {
  const long = formatDuration(durationMs);
  const text = `⚠️ ${matchersText(matchers)} for *${long}* is longer than this workspace's usual maximum of ${formatDuration(maxMs)}. Alerts it matches will not open incidents or page anyone for all that time.`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        block_id: 'silence_long',
        elements: [
          {
            type: 'button',
            action_id: SILENCE_ACTIONS.createLong,
            style: 'danger',
            text: { type: 'plain_text', text: `Yes, silence for ${long}` },
            value,
          },
          { type: 'button', action_id: SILENCE_ACTIONS.cancel, text: { type: 'plain_text', text: 'Cancel' }, value: 'cancel' },
        ],
      },
    ],
  };
}

export function createdText(row: SilenceRow, now: Date): string {
  return `🔕 Silence #${row.id} made: ${matchersText(row.matchers)} ${window(row.startsAt, row.endsAt, now)}${row.stopPages ? ', stopping the pages of the open incidents it matches' : ''}. \`/incident silences\` lists it; Expire ends it early.`;
}

const who = (createdBy: string, source: SilenceRow['source']) =>
  source === 'api' || !isPerson(createdBy) ? `*${escapeMrkdwn(createdBy)}* (API)` : mention(createdBy);

const quoted = (comment: string) => (comment ? `\n>${escapeMrkdwn(comment).replace(/\n/g, '\n>')}` : '');
const stateAt = (startsAt: Date, now: Date) => (startsAt.getTime() > now.getTime() ? 'scheduled' : 'active');
const stopsPages = (stopPages: boolean) => (stopPages ? ' · stops pages' : '');

/** The stored silences, each with an Expire button, then the config's windows, read-only: the file is where they change. */
export function silenceListMessage(rows: readonly SilenceRow[], windows: readonly ConfigWindow[], now: Date, notice = ''): SilenceMessage {
  const total = rows.length + windows.length;
  const head = total
    ? `🔕 *${total} silence${total === 1 ? '' : 's'}* active or scheduled${total > LIST_MAX ? ` (the first ${LIST_MAX} shown)` : ''}:`
    : '🔕 No silences are active or scheduled.';
  const blocks: KnownBlock[] = notice ? [section(notice), section(head)] : [section(head)];
  for (const row of rows.slice(0, LIST_MAX)) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*#${row.id}* ${stateAt(row.startsAt, now)} ${matchersText(row.matchers)}\n${window(row.startsAt, row.endsAt, now)} · by ${who(row.createdBy, row.source)}${stopsPages(row.stopPages)}${quoted(row.comment)}`,
          3000,
        ),
      },
      accessory: { type: 'button', action_id: SILENCE_ACTIONS.expire, text: { type: 'plain_text', text: 'Expire' }, value: String(row.id) },
    });
  }
  for (const w of windows.slice(0, Math.max(0, LIST_MAX - rows.length)))
    blocks.push(
      section(
        `*${escapeMrkdwn(w.id)}* ${stateAt(w.startsAt, now)} ${matchersText(w.matchers)}\n${window(w.startsAt, w.endsAt, now)} · from config${stopsPages(w.stopPages)}${quoted(w.comment)}`,
      ),
    );
  return { text: truncate([notice, head].filter(Boolean).join('\n'), 3000), blocks };
}

/** The Silence 2h button under an alert line in the incident channel; its value is the timeline event. */
export function alertSilenceButton(eventId: number): KnownBlock {
  return {
    type: 'actions',
    block_id: 'alert_actions',
    elements: [
      { type: 'button', action_id: SILENCE_ACTIONS.fromAlert, text: { type: 'plain_text', text: 'Silence 2h' }, value: String(eventId) },
    ],
  };
}

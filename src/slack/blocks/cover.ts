// Cover requests in Slack: the posted request with its I'll cover button, the DMs once it is taken, and
// the Request cover form.
import type { KnownBlock, View } from '@slack/types';
import type { Config } from '../../config/load.js';
import type { CoverRequest } from '../../db/schema.js';
import type { CoverRequested } from '../../paging/cover.js';
import { describeInstant } from '../../paging/schedule-times.js';
import { say } from '../outcome.js';
import { FIELD_ACTION } from './declare-modal.js';
import type { SlackMessage } from './incident.js';
import { option } from './options.js';
import { channelLink, escapeMrkdwn, mention, slackDate, truncate } from './text.js';

export const COVER_TAKE_ACTION = 'cover_take';
/** The App Home's Request cover button (the Home tab renders it with this action id). */
export const HOME_REQUEST_COVER_ACTION = 'home_request_cover';
export const COVER_CALLBACK = 'cover_request';
/** block_id of each input of the Request cover form; the action_id of each is FIELD_ACTION. */
export const COVER_FIELDS = { schedule: 'schedule', from: 'from', to: 'to', reason: 'reason' } as const;

/** "Mon 30 Mar at 09:00 (2026-03-30 09:00 CEST on the schedule's clock)": each reader's zone, and the schedule's. */
const when = (at: Date, zone: string) => `${slackDate(at)} (${describeInstant(at, zone)})`;

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } });

/** The request as posted, re-rendered once taken: then it says by whom and loses its button. */
export function coverRequestMessage(request: CoverRequest, zone: string): SlackMessage {
  const ask =
    `🙋 ${mention(request.requester)} asks for cover on *${escapeMrkdwn(request.scheduleId)}* ` +
    `from ${when(request.startsAt, zone)} to ${when(request.endsAt, zone)}` +
    (request.reason ? `\n> ${escapeMrkdwn(request.reason)}` : '');
  if (request.takenBy) {
    const taken = `✅ Taken by ${mention(request.takenBy)}${request.takenAt ? ` ${slackDate(request.takenAt)}` : ''}.`;
    return { text: truncate(`${ask}\n${taken}`, 3000), blocks: [section(ask), section(taken)] };
  }
  const hint = 'The first to click takes the shifts of the requester in this window (what is left of it, once it has begun).';
  return {
    text: truncate(ask, 3000),
    blocks: [
      section(ask),
      { type: 'context', elements: [{ type: 'mrkdwn', text: hint }] },
      {
        type: 'actions',
        block_id: 'cover_actions',
        elements: [
          {
            type: 'button',
            action_id: COVER_TAKE_ACTION,
            style: 'primary',
            text: { type: 'plain_text', text: 'I’ll cover' },
            value: String(request.id),
          },
        ],
      },
    ],
  };
}

/** The DM to the requester or to the person who took the request. */
export function coverTakenDm(request: CoverRequest, userId: string, zone: string): SlackMessage {
  const window = `from ${when(request.startsAt, zone)} to ${when(request.endsAt, zone)}`;
  const schedule = `*${escapeMrkdwn(request.scheduleId)}*`;
  const text =
    userId === request.requester
      ? `✅ ${mention(request.takenBy ?? '')} took your request for cover on ${schedule} ${window}: they are on call for your shifts in it.`
      : `✅ You took ${mention(request.requester)}’s request for cover on ${schedule} ${window}: you are on call for their shifts in it.`;
  return { text, blocks: [section(text)] };
}

const textInput = (blockId: string, label: string, hint: string, placeholder: string, optional = false): KnownBlock => ({
  type: 'input',
  block_id: blockId,
  optional,
  label: { type: 'plain_text', text: label },
  hint: { type: 'plain_text', text: truncate(hint, 2000) },
  element: { type: 'plain_text_input', action_id: FIELD_ACTION, placeholder: { type: 'plain_text', text: placeholder } },
});

/** The Request cover form: which schedule, from, to (as `/incident oncall cover` reads them), and why. */
export function coverModal(config: Config): View {
  const schedules = config.schedules.slice(0, 100);
  const zones = truncate(schedules.map((s) => `${s.id}: ${s.time_zone}`).join(', '), 1500);
  const only = schedules.length === 1 ? schedules[0] : undefined;
  return {
    type: 'modal',
    callback_id: COVER_CALLBACK,
    title: { type: 'plain_text', text: 'Request cover' },
    submit: { type: 'plain_text', text: 'Ask for cover' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(
        'Ask your team to take your own shifts in a window. The request is posted in the schedule’s channel; the first to click *I’ll cover* takes them.',
      ),
      {
        type: 'input',
        block_id: COVER_FIELDS.schedule,
        label: { type: 'plain_text', text: 'Schedule' },
        element: {
          type: 'static_select',
          action_id: FIELD_ACTION,
          options: schedules.map((s) => option(s.id, s.id)),
          ...(only ? { initial_option: option(only.id, only.id) } : {}),
        },
      },
      textInput(
        COVER_FIELDS.from,
        'From',
        `YYYY-MM-DDTHH:MM on the schedule’s clock (${zones}), now, or +8h from now.`,
        '2026-03-30T09:00',
      ),
      textInput(COVER_FIELDS.to, 'To', 'YYYY-MM-DDTHH:MM, or +<duration> after From (+8h, +2d).', '+8h'),
      textInput(COVER_FIELDS.reason, 'Reason', 'Shown with the request.', 'Dentist appointment', true),
    ],
  };
}

/** What takes the form's place once the request is made. */
export function coverRequestedView(text: string): View {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'Request cover' },
    close: { type: 'plain_text', text: 'Done' },
    blocks: [section(text)],
  };
}

/** What the requester is told, from the command and the Request cover form alike: where it was posted, and why there. */
export function coverAnswer(outcome: CoverRequested): string {
  if (!outcome.ok) return say(outcome);
  const where = `It is posted in ${channelLink(outcome.request.messageChannel)}; the first to click *I’ll cover* takes it, and you hear by DM.`;
  const unset = outcome.channelUnset
    ? ` (\`schedules[].channel\` is unset for *${outcome.request.scheduleId}*, so it went to the channel you asked in.)`
    : '';
  return `${say(outcome)} ${where}${unset}`;
}

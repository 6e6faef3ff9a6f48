import type { KnownBlock, View } from '@slack/types';
import type { PostmortemAnswers } from '../../postmortems/compile.js';
import type { Incident } from '../../db/schema.js';
import { incidentKey } from '../../incidents/queries.js';
import { FIELD_ACTION } from './declare-modal.js';
import { truncate } from './text.js';

export const POSTMORTEM_WRITE_ACTION = 'postmortem_write';
export const POSTMORTEM_CALLBACK = 'postmortem_answers';

/** The questions only people can answer, in the order of the Google SRE template. */
export const POSTMORTEM_QUESTIONS: ReadonlyArray<{ key: keyof PostmortemAnswers; label: string; hint: string }> = [
  { key: 'summary', label: 'Summary', hint: 'What happened, in two or three sentences.' },
  { key: 'impact', label: 'Impact', hint: 'Who was affected, for how long, and what it cost (customers, duration, money).' },
  { key: 'rootCause', label: 'Root cause', hint: 'Why it happened, underneath the trigger.' },
  { key: 'trigger', label: 'Trigger', hint: 'What set it off.' },
  { key: 'resolution', label: 'Resolution', hint: 'What fixed it.' },
  { key: 'wentWell', label: 'What went well', hint: '' },
  { key: 'wentWrong', label: 'What went wrong', hint: '' },
  { key: 'lucky', label: 'Where we got lucky', hint: '' },
];

export function writePostmortemButton(incidentId: number): KnownBlock {
  return {
    type: 'actions',
    block_id: 'postmortem_actions',
    elements: [
      {
        type: 'button',
        action_id: POSTMORTEM_WRITE_ACTION,
        style: 'primary',
        text: { type: 'plain_text', text: 'Write postmortem' },
        value: String(incidentId),
      },
    ],
  };
}

/** The postmortem form, filled with what was written before. */
export function postmortemModal(incident: Incident, answers: PostmortemAnswers): View {
  return {
    type: 'modal',
    callback_id: POSTMORTEM_CALLBACK,
    title: { type: 'plain_text', text: truncate(`Postmortem ${incidentKey(incident.id)}`, 24) },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify({ incidentId: incident.id }),
    blocks: POSTMORTEM_QUESTIONS.map((q): KnownBlock => ({
      type: 'input',
      block_id: q.key,
      optional: true,
      label: { type: 'plain_text', text: q.label },
      ...(q.hint ? { hint: { type: 'plain_text' as const, text: q.hint } } : {}),
      element: {
        type: 'plain_text_input',
        action_id: FIELD_ACTION,
        multiline: true,
        max_length: 3000,
        ...(answers[q.key] ? { initial_value: answers[q.key] } : {}),
      },
    })),
  };
}

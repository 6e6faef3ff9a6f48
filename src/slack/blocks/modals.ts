import type { KnownBlock, PlainTextOption, View } from '@slack/types';
import { z } from 'zod';
import type { Config } from '../../config/load.js';
import type { Incident } from '../../db/schema.js';
import { allowedMoves, takesUpdates } from '../../incidents/lifecycle.js';
import { incidentKey } from '../../incidents/queries.js';
import { statusLabel } from '../../incidents/status.js';
import { FIELD_ACTION } from './declare-modal.js';
import { option, severityOption } from './options.js';
import { truncate } from './text.js';

export const UPDATE_CALLBACK = 'status_update';
export const CHANGE_STATUS_CALLBACK = 'change_status';
export const DECLINE_CALLBACK = 'decline_incident';

/** "Next update in" choices of the update form: a duration in ms, or none for no reminders. */
export const NEXT_UPDATE_CHOICES: ReadonlyArray<{ label: string; ms: number | null }> = [
  { label: '15m', ms: 15 * 60_000 },
  { label: '30m', ms: 30 * 60_000 },
  { label: '1h', ms: 3_600_000 },
  { label: '4h', ms: 4 * 3_600_000 },
  { label: 'none', ms: null },
];

export const modalMetadataSchema = z.object({ incidentId: z.number().int().positive(), from: z.string().optional() });
export type ModalMetadata = z.infer<typeof modalMetadataSchema>;

export function readModalMetadata(text: string): ModalMetadata | undefined {
  try {
    const parsed = modalMetadataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const title = (text: string) => ({ type: 'plain_text' as const, text: truncate(text, 24) });

function textInput(
  blockId: string,
  label: string,
  options: { multiline?: boolean; optional?: boolean; initial?: string; hint?: string } = {},
): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: options.optional ?? false,
    label: { type: 'plain_text', text: label },
    ...(options.hint ? { hint: { type: 'plain_text' as const, text: options.hint } } : {}),
    element: {
      type: 'plain_text_input',
      action_id: FIELD_ACTION,
      multiline: options.multiline ?? false,
      ...(options.initial ? { initial_value: options.initial } : {}),
    },
  };
}

function select(blockId: string, label: string, options: PlainTextOption[], initial: string | undefined, optional = false): KnownBlock {
  const initialOption = options.find((o) => o.value === initial);
  return {
    type: 'input',
    block_id: blockId,
    optional,
    label: { type: 'plain_text', text: label },
    element: { type: 'static_select', action_id: FIELD_ACTION, options, ...(initialOption ? { initial_option: initialOption } : {}) },
  };
}

/** The status-update form: the update text, and optionally a new status, severity and when the next is due. */
export function updateModal(config: Config, incident: Incident): View {
  const current = incident.status;
  // An update goes with the move, so the form offers only moves to statuses that take updates.
  const statuses = [current, ...allowedMoves(current).filter(takesUpdates)];
  return {
    type: 'modal',
    callback_id: UPDATE_CALLBACK,
    title: title(`Update ${incidentKey(incident.id)}`),
    submit: { type: 'plain_text', text: 'Post update' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify({ incidentId: incident.id, from: current } satisfies ModalMetadata),
    blocks: [
      textInput('message', 'Update', { multiline: true, hint: 'What is known, what is being done, what is next.' }),
      select(
        'status',
        'Status',
        statuses.map((s) => option(statusLabel(s), s)),
        current,
      ),
      select('severity', 'Severity', config.severities.map(severityOption), incident.severity),
      select(
        'next_update',
        'Next update in',
        NEXT_UPDATE_CHOICES.map((c) => option(c.label, c.label)),
        undefined,
        true,
      ),
    ],
  };
}

/** The change-status form offers only the moves the lifecycle allows from the status the person sees. */
export function changeStatusModal(incident: Incident): View {
  const current = incident.status;
  return {
    type: 'modal',
    callback_id: CHANGE_STATUS_CALLBACK,
    title: title(`Status of ${incidentKey(incident.id)}`),
    submit: { type: 'plain_text', text: 'Change status' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify({ incidentId: incident.id, from: current } satisfies ModalMetadata),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${incidentKey(incident.id)} is *${statusLabel(current)}*.` } },
      select(
        'status',
        'New status',
        allowedMoves(current).map((s) => option(statusLabel(s), s)),
        undefined,
      ),
      textInput('message', 'Message', { multiline: true, optional: true, hint: 'Needed to reopen or decline: say why.' }),
    ],
  };
}

export function declineModal(incident: Incident): View {
  return {
    type: 'modal',
    callback_id: DECLINE_CALLBACK,
    title: title(`Decline ${incidentKey(incident.id)}`),
    submit: { type: 'plain_text', text: 'Decline' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify({ incidentId: incident.id, from: incident.status } satisfies ModalMetadata),
    blocks: [textInput('message', 'Reason', { multiline: true, hint: 'Why this is not an incident.' })],
  };
}

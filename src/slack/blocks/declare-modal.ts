import type { KnownBlock, View } from '@slack/types';
import { z } from 'zod';
import { defaultSeverity, type Config } from '../../config/load.js';
import { option, severityOption } from './options.js';

export const DECLARE_CALLBACK = 'declare_incident';
/** block_id → action_id of each input; the submission is read back by these ids. */
export const DECLARE_FIELDS = {
  title: 'title',
  severity: 'severity',
  description: 'description',
  type: 'type',
  lead: 'lead',
  private: 'private',
} as const;
export const FIELD_ACTION = 'value';
export const PRIVATE_OPTION = 'private';

const metadataSchema = z.object({ responseUrl: z.url().optional(), channelId: z.string().optional() });
type DeclareMetadata = z.infer<typeof metadataSchema>;

export function declareMetadata(metadata: DeclareMetadata): string {
  return JSON.stringify(metadata);
}

export function readDeclareMetadata(text: string): DeclareMetadata {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export interface DeclareModalOptions {
  severity: string | undefined;
  declaredBy: string;
  /** Carried through Slack and back on submission (where to answer the declarer). */
  privateMetadata: string;
}

export function declareModal(config: Config, options: DeclareModalOptions): View {
  const options_ = config.severities.map(severityOption);
  const chosen = options.severity ?? defaultSeverity(config).id;
  const initial = options_.find((o) => o.value === chosen);
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: DECLARE_FIELDS.title,
      label: { type: 'plain_text', text: 'Title' },
      hint: { type: 'plain_text', text: 'What is broken, in a few words. It names the channel too.' },
      element: {
        type: 'plain_text_input',
        action_id: FIELD_ACTION,
        placeholder: { type: 'plain_text', text: 'Payments API returning 500s' },
      },
    },
    {
      type: 'input',
      block_id: DECLARE_FIELDS.severity,
      label: { type: 'plain_text', text: 'Severity' },
      element: { type: 'static_select', action_id: FIELD_ACTION, options: options_, ...(initial ? { initial_option: initial } : {}) },
    },
    {
      type: 'input',
      block_id: DECLARE_FIELDS.type,
      optional: true,
      label: { type: 'plain_text', text: 'Type' },
      element: {
        type: 'static_select',
        action_id: FIELD_ACTION,
        options: config.incidentTypes.map((t) => option(t, t)),
      },
    },
    {
      type: 'input',
      block_id: DECLARE_FIELDS.description,
      optional: true,
      label: { type: 'plain_text', text: 'Description' },
      element: { type: 'plain_text_input', action_id: FIELD_ACTION, multiline: true },
    },
    {
      type: 'input',
      block_id: DECLARE_FIELDS.lead,
      optional: true,
      label: { type: 'plain_text', text: 'Lead' },
      hint: { type: 'plain_text', text: 'Leave as is to lead it yourself.' },
      element: { type: 'users_select', action_id: FIELD_ACTION, initial_user: options.declaredBy },
    },
    {
      type: 'input',
      block_id: DECLARE_FIELDS.private,
      optional: true,
      label: { type: 'plain_text', text: 'Visibility' },
      element: {
        type: 'checkboxes',
        action_id: FIELD_ACTION,
        options: [
          {
            text: { type: 'plain_text', text: 'Private incident' },
            description: { type: 'plain_text', text: 'Private channel, no announcement; only invited people see it.' },
            value: PRIVATE_OPTION,
          },
        ],
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: DECLARE_CALLBACK,
    title: { type: 'plain_text', text: 'Declare an incident' },
    submit: { type: 'plain_text', text: 'Declare' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: options.privateMetadata,
    blocks,
  };
}

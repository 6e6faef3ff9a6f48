/**
 * The status page form of an incident, in two steps since a modal cannot redraw as someone types: the
 * form (public title, components, their state, the public message), then a preview of exactly what the
 * public page will show, drawn from the page's own model, with Publish and Back.
 */
import type { KnownBlock, View } from '@slack/types';
import { z } from 'zod';
import type { StatusPageConfig } from '../../config/load.js';
import { incidentKey } from '../../incidents/queries.js';
import type { Draft, Preview } from '../../statuspage/preview.js';
import { COMPONENT_STATES, stateLabel } from '../../statuspage/states.js';
import { MAX_PUBLIC_TITLE } from '../../workflow/publish-status.js';
import { FIELD_ACTION } from './declare-modal.js';
import { option } from './options.js';
import { escapeMrkdwn, truncate } from './text.js';

export const STATUSPAGE_FORM_CALLBACK = 'statuspage_form';
export const STATUSPAGE_PREVIEW_CALLBACK = 'statuspage_preview';
export const STATUSPAGE_BACK_ACTION = 'statuspage_back';
/** The resolve reply's button that opens the form to tell the public it is over. */
export const PUBLISH_RESOLUTION_ACTION = 'statuspage_publish_resolution';
/** Kept well under Slack's 3,000-character private_metadata, which carries the draft to the preview. */
export const MAX_FORM_MESSAGE = 2_000;
const MAX_METADATA = 3_000;
/** Slack's static selects take 100 options at most. */
const MAX_OPTIONS = 100;

export const draftSchema = z.object({
  incidentId: z.number().int().positive(),
  title: z.string(),
  components: z.array(z.string()),
  state: z.enum(COMPONENT_STATES),
  message: z.string(),
});

/** The draft a preview carries, or undefined when its metadata is not one (a forged or stale view). */
export function readDraft(text: string): Draft | undefined {
  try {
    const parsed = draftSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The draft as private_metadata, or undefined when it would not fit Slack's limit. */
export function draftMetadata(draft: Draft): string | undefined {
  const text = JSON.stringify(draft);
  return text.length <= MAX_METADATA ? text : undefined;
}

const title = (text: string) => ({ type: 'plain_text' as const, text: truncate(text, 24) });
const plain = (text: string) => ({ type: 'plain_text' as const, text });

/** The form, filled in with `draft` (a new one, or the one a person came Back to). */
export function statusPageFormView(page: StatusPageConfig, draft: Draft): View {
  const components = page.components.slice(0, MAX_OPTIONS).map((c) => option(c.name, c.id));
  const chosen = components.filter((o) => draft.components.includes(o.value ?? ''));
  const states = COMPONENT_STATES.map((s) => option(stateLabel(s), s));
  const state = states.find((o) => o.value === draft.state);
  return {
    type: 'modal',
    callback_id: STATUSPAGE_FORM_CALLBACK,
    title: title(`Status page ${incidentKey(draft.incidentId)}`),
    submit: plain('Preview'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ incidentId: draft.incidentId }),
    blocks: [
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Nothing is public until you press *Publish* on the next step, which shows exactly what the public will read.',
          },
        ],
      },
      {
        type: 'input',
        block_id: 'title',
        label: plain('Public title'),
        hint: plain('What the public page calls this incident. Leave out internal names.'),
        element: {
          type: 'plain_text_input',
          action_id: FIELD_ACTION,
          max_length: MAX_PUBLIC_TITLE,
          ...(draft.title ? { initial_value: truncate(draft.title, MAX_PUBLIC_TITLE) } : {}),
        },
      },
      {
        type: 'input',
        block_id: 'components',
        label: plain('Affected components'),
        element: {
          type: 'multi_static_select',
          action_id: FIELD_ACTION,
          options: components,
          ...(chosen.length ? { initial_options: chosen } : {}),
        },
      },
      {
        type: 'input',
        block_id: 'state',
        label: plain('Their state'),
        element: { type: 'static_select', action_id: FIELD_ACTION, options: states, ...(state ? { initial_option: state } : {}) },
      },
      {
        type: 'input',
        block_id: 'message',
        label: plain('Public message'),
        hint: plain('Only this is public: internal updates never are.'),
        element: {
          type: 'plain_text_input',
          action_id: FIELD_ACTION,
          multiline: true,
          max_length: MAX_FORM_MESSAGE,
          ...(draft.message ? { initial_value: truncate(draft.message, MAX_FORM_MESSAGE) } : {}),
        },
      },
    ],
  };
}

const STATUS_WORD = { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' } as const;

/** The public page as mrkdwn: the page's banner, every component's state, and the incident with its new update. */
export function previewText({ page, incident }: Preview): string[] {
  const components = page.components.map((c) => `• ${escapeMrkdwn(c.name)}: *${stateLabel(c.state)}*`);
  const [update] = incident.updates;
  const affected = update?.affected.map((a) => `${escapeMrkdwn(a.name)}: ${stateLabel(a.to)}`).join(', ') ?? '';
  return [
    truncate(`*${escapeMrkdwn(page.title)}*\n${page.description}`, 3000),
    truncate(`*Components*\n${components.join('\n')}`, 3000),
    truncate(
      `*${escapeMrkdwn(incident.name)}*\n*${update ? STATUS_WORD[update.status] : ''}* · ${update?.body ? escapeMrkdwn(update.body) : '_no message_'}` +
        (affected ? `\n_${affected}_` : ''),
      3000,
    ),
  ];
}

/** The preview step: what will be public, the draft in its metadata, Publish as submit and a Back button. */
export function statusPagePreviewView(draft: Draft, metadata: string, preview: Preview, pageUrl: string): View {
  const quoted: KnownBlock[] = previewText(preview).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  return {
    type: 'modal',
    callback_id: STATUSPAGE_PREVIEW_CALLBACK,
    title: title(`Preview ${incidentKey(draft.incidentId)}`),
    submit: plain('Publish'),
    close: plain('Cancel'),
    private_metadata: metadata,
    blocks: [
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `This is exactly what <${pageUrl}|the status page> will show once you press *Publish*:` }],
      },
      { type: 'divider' },
      ...quoted,
      { type: 'divider' },
      {
        type: 'actions',
        block_id: 'statuspage_preview_actions',
        elements: [{ type: 'button', action_id: STATUSPAGE_BACK_ACTION, text: plain('Back'), value: 'back' }],
      },
    ],
  };
}

/**
 * The status page form's two submissions: the form, answered with the preview of exactly what will be
 * public (or its errors under their fields), and the preview's Publish, which publishes as the command does.
 */
import type { View } from '@slack/types';
import { z } from 'zod';
import { incidentKey } from '../../../incidents/queries.js';
import { previewOf } from '../../../statuspage/preview.js';
import { publicStatusOf } from '../../../statuspage/states.js';
import { publicPublications } from '../../../statuspage/store.js';
import { checkPublishRequest, publishStatus, unpublishable } from '../../../workflow/publish-status.js';
import { FIELD_ACTION } from '../../blocks/declare-modal.js';
import { readModalMetadata } from '../../blocks/modals.js';
import {
  draftMetadata,
  draftSchema,
  readDraft,
  STATUSPAGE_FORM_CALLBACK,
  STATUSPAGE_PREVIEW_CALLBACK,
  statusPagePreviewView,
} from '../../blocks/statuspage-modal.js';
import { formTrouble } from '../../database-trouble.js';
import { mrkdwn } from '../../outcome.js';
import type { Services } from '../../services.js';
import type { FormAnswer } from '../late-answers.js';
import { findTarget } from '../target.js';
import { form, formAck, type Form } from './forms.js';

const text = z.object({ [FIELD_ACTION]: z.object({ value: z.string().nullish() }) });
const formState = z.object({
  title: text,
  components: z.object({ [FIELD_ACTION]: z.object({ selected_options: z.array(z.object({ value: z.string() })) }) }),
  state: z.object({ [FIELD_ACTION]: z.object({ selected_option: z.object({ value: draftSchema.shape.state }).nullish() }) }),
  message: text,
});

const FIELDS = new Set(['title', 'components', 'message']);

/** A view that says why nothing was published, in place of the preview (which has no field to show it under). */
const refusedView = (why: string, incidentId?: number): FormAnswer => ({
  ok: true,
  next: {
    type: 'modal',
    title: { type: 'plain_text', text: 'Not published' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `⚠️ ${why} Nothing${incidentId ? ` about ${incidentKey(incidentId)}` : ''} was published.` },
      },
    ],
  } satisfies View,
});

/** The form's answer, or `onError`'s when the database or Slack failed on the way. */
async function answering(services: Services, decide: () => Promise<FormAnswer>, onError: (why: string) => FormAnswer) {
  try {
    return await decide();
  } catch (err) {
    services.logger.error({ err }, 'status page form failed');
    return onError(formTrouble(err));
  }
}

export const statusPageForms: readonly Form[] = [
  form(STATUSPAGE_FORM_CALLBACK, async (services, { ack, body, view }) => {
    const userId = body.user.id;
    const refused = (field: string, message: string): FormAnswer => ({
      ok: false,
      errors: { [FIELDS.has(field) ? field : 'title']: message },
    });
    const answer = await answering(
      services,
      async () => {
        const metadata = readModalMetadata(view.private_metadata);
        const state = formState.safeParse(view.state.values);
        const page = services.config.statusPage;
        if (!metadata || !state.success) return refused('title', 'This form came back incomplete; close it and start again.');
        if (!page) return refused('title', 'No status page is configured any more.');
        const target = await findTarget(services, { ref: metadata.incidentId, channelId: undefined, userId });
        if (!target.ok) return refused('title', target.message);
        const never = unpublishable(target.incident);
        if (never) return refused('title', mrkdwn(never.message));
        const { title, components, state: chosen, message } = state.data;
        const draft = {
          incidentId: target.incident.id,
          title: (title[FIELD_ACTION].value ?? '').trim() || target.incident.title,
          components: components[FIELD_ACTION].selected_options.map((o) => o.value),
          state: chosen[FIELD_ACTION].selected_option?.value ?? 'operational',
          message: (message[FIELD_ACTION].value ?? '').trim(),
        };
        const problem = checkPublishRequest(services.config, draft);
        if (problem) return refused(problem.field ?? 'title', mrkdwn(problem.message));
        const carried = draftMetadata(draft);
        if (!carried) return refused('message', 'Slack cannot carry a message this long to the preview: shorten it.');
        const preview = previewOf(page, await publicPublications(services.db), draft, publicStatusOf(target.incident.status), new Date());
        return { ok: true, next: statusPagePreviewView(draft, carried, preview, `${services.publicUrl}/status`) };
      },
      (why) => refused('title', why),
    );
    await formAck(services, ack, userId)(answer);
  }),

  form(STATUSPAGE_PREVIEW_CALLBACK, async (services, { ack, body, view }) => {
    const userId = body.user.id;
    const draft = readDraft(view.private_metadata);
    const answer = await answering(
      services,
      async () => {
        if (!draft) return refusedView('This preview came back incomplete; close it and start again.');
        const target = await findTarget(services, { ref: draft.incidentId, channelId: undefined, userId });
        if (!target.ok) return refusedView(target.message, draft.incidentId);
        const outcome = await publishStatus(services.db, services.config, { ...draft, actor: userId });
        if (!outcome.ok) return refusedView(mrkdwn(outcome.message), draft.incidentId);
        services.outbox.wake();
        return { ok: true, message: mrkdwn(outcome.message) };
      },
      (why) => refusedView(why, draft?.incidentId),
    );
    await formAck(services, ack, userId)(answer);
  }),
];

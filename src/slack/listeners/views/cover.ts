import { z } from 'zod';
import { requestCover } from '../../../paging/cover.js';
import { COVER_CALLBACK, COVER_FIELDS, coverAnswer, coverRequestedView } from '../../blocks/cover.js';
import { FIELD_ACTION } from '../../blocks/declare-modal.js';
import { formTrouble } from '../../database-trouble.js';
import { mrkdwn } from '../../outcome.js';
import type { FormAnswer } from '../late-answers.js';
import { form, formAck, type Form } from './forms.js';

const typed = z.object({ [FIELD_ACTION]: z.object({ value: z.string().nullish() }) }).optional();
const state = z.object({
  [COVER_FIELDS.schedule]: z
    .object({ [FIELD_ACTION]: z.object({ selected_option: z.object({ value: z.string() }).nullish() }) })
    .optional(),
  [COVER_FIELDS.from]: typed,
  [COVER_FIELDS.to]: typed,
  [COVER_FIELDS.reason]: typed,
});
const FIELD_BLOCKS: Record<string, string> = { schedule: COVER_FIELDS.schedule, from: COVER_FIELDS.from, to: COVER_FIELDS.to };

/** The Request cover form: what `/incident oncall cover` does, with each refusal shown on its field. */
export const coverForm: Form = form(COVER_CALLBACK, async (services, { ack, body, view }) => {
  const decide = async (): Promise<FormAnswer> => {
    const values = state.safeParse(view.state.values);
    if (!values.success) return { ok: false, errors: { [COVER_FIELDS.from]: 'This form came back incomplete; close it and start again.' } };
    const v = values.data;
    const scheduleId = v[COVER_FIELDS.schedule]?.[FIELD_ACTION].selected_option?.value;
    if (!scheduleId) return { ok: false, errors: { [COVER_FIELDS.schedule]: 'Choose the schedule.' } };
    try {
      const outcome = await requestCover(services.db, services.config, {
        scheduleId,
        requester: body.user.id,
        from: v[COVER_FIELDS.from]?.[FIELD_ACTION].value ?? '',
        to: v[COVER_FIELDS.to]?.[FIELD_ACTION].value ?? '',
        now: new Date(),
        reason: v[COVER_FIELDS.reason]?.[FIELD_ACTION].value?.trim().slice(0, 500) || null,
        // A form has no channel it was typed in: only the schedule's channel will do.
        fallbackChannel: undefined,
      });
      if (!outcome.ok)
        return { ok: false, errors: { [FIELD_BLOCKS[outcome.field ?? 'from'] ?? COVER_FIELDS.from]: mrkdwn(outcome.message) } };
      services.outbox.wake();
      const text = coverAnswer(outcome);
      return { ok: true, message: text, next: coverRequestedView(text) };
    } catch (err) {
      services.logger.error({ err }, 'requesting cover from the form failed');
      return { ok: false, errors: { [COVER_FIELDS.from]: formTrouble(err) } };
    }
  };
  await formAck(services, ack, body.user.id)(await decide());
});

import { z } from 'zod';
import { changeStatus, postStatusUpdate, type ChangeOutcome } from '../../../workflow/changes.js';
import { isStatus } from '../../../incidents/lifecycle.js';
import { msg, refuse } from '../../../outcome.js';
import { FIELD_ACTION } from '../../blocks/declare-modal.js';
import { CHANGE_STATUS_CALLBACK, DECLINE_CALLBACK, NEXT_UPDATE_CHOICES, readModalMetadata, UPDATE_CALLBACK } from '../../blocks/modals.js';
import { formTrouble } from '../../database-trouble.js';
import { mrkdwn } from '../../outcome.js';
import type { Services } from '../../services.js';
import type { FormAck, FormAnswer } from '../late-answers.js';
import { findTarget } from '../target.js';
import { form, formAck, type Form } from './forms.js';

const text = z.object({ [FIELD_ACTION]: z.object({ value: z.string().nullish() }) }).optional();
const choice = z.object({ [FIELD_ACTION]: z.object({ selected_option: z.object({ value: z.string() }).nullish() }) }).optional();

const formState = z.object({ message: text, status: choice, severity: choice, next_update: choice });
type FormState = z.infer<typeof formState>;

const valueOf = (field: FormState['message']) => field?.[FIELD_ACTION].value ?? '';
const choiceOf = (field: FormState['status']) => field?.[FIELD_ACTION].selected_option?.value;

/**
 * Runs a form submission: checks the form and who submits it, applies the change, and answers in one
 * ack, with any refusal shown on the form's field so the person can fix it there.
 */
async function submit(
  services: Services,
  ack: FormAck,
  input: { userId: string; privateMetadata: string; values: unknown; errorField: string },
  apply: (ctx: { incidentId: number; from: string | undefined; state: FormState; userId: string }) => Promise<ChangeOutcome>,
): Promise<void> {
  const refused = (message: string): FormAnswer => ({ ok: false, errors: { [input.errorField]: message } });
  const decide = async (): Promise<FormAnswer> => {
    const metadata = readModalMetadata(input.privateMetadata);
    const state = formState.safeParse(input.values);
    if (!metadata || !state.success) return refused('This form came back incomplete; close it and start again.');
    try {
      const target = await findTarget(services, { ref: metadata.incidentId, channelId: undefined, userId: input.userId });
      if (!target.ok) return refused(target.message);
      const outcome = await apply({ incidentId: metadata.incidentId, from: metadata.from, state: state.data, userId: input.userId });
      if (!outcome.ok) return refused(mrkdwn(outcome.message));
      services.outbox.wake();
      return { ok: true, message: mrkdwn(outcome.message) };
    } catch (err) {
      services.logger.error({ err }, 'form submission failed');
      return refused(formTrouble(err));
    }
  };
  await formAck(services, ack, input.userId)(await decide());
}

/** The forms about an incident that the summary's buttons and `/incident update` open. */
export const incidentForms: readonly Form[] = [
  form(UPDATE_CALLBACK, (services, { ack, body, view }) =>
    submit(
      services,
      ack,
      { userId: body.user.id, privateMetadata: view.private_metadata, values: view.state.values, errorField: 'message' },
      async ({ incidentId, from, state, userId }) => {
        const status = choiceOf(state.status);
        const next = NEXT_UPDATE_CHOICES.find((c) => c.label === choiceOf(state.next_update));
        return postStatusUpdate(services.db, services.config, {
          incidentId,
          actor: userId,
          message: valueOf(state.message),
          ...(status && isStatus(status) ? { status } : {}),
          ...(from && isStatus(from) ? { expectedFrom: from } : {}),
          ...(choiceOf(state.severity) ? { severity: choiceOf(state.severity) } : {}),
          ...(next ? { nextUpdateMs: next.ms } : {}),
        });
      },
    ),
  ),

  form(CHANGE_STATUS_CALLBACK, (services, { ack, body, view }) =>
    submit(
      services,
      ack,
      { userId: body.user.id, privateMetadata: view.private_metadata, values: view.state.values, errorField: 'status' },
      async ({ incidentId, from, state, userId }) => {
        const to = choiceOf(state.status);
        if (!to || !isStatus(to)) return refuse('invalid', msg`Choose the new status.`, 'status');
        return changeStatus(services.db, services.config, {
          incidentId,
          actor: userId,
          to,
          message: valueOf(state.message),
          ...(from && isStatus(from) ? { expectedFrom: from } : {}),
        });
      },
    ),
  ),

  form(DECLINE_CALLBACK, (services, { ack, body, view }) =>
    submit(
      services,
      ack,
      { userId: body.user.id, privateMetadata: view.private_metadata, values: view.state.values, errorField: 'message' },
      async ({ incidentId, state, userId }) =>
        changeStatus(services.db, services.config, {
          incidentId,
          actor: userId,
          to: 'declined',
          message: valueOf(state.message),
          expectedFrom: 'triage',
        }),
    ),
  ),
];

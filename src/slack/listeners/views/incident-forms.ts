import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { CommitUnconfirmed } from '../../../db/client.js';
import { incidentKey } from '../../../incidents/queries.js';
import { changeStatus, postStatusUpdate, type ChangeOutcome } from '../../../workflow/changes.js';
import { isStatus } from '../../../incidents/lifecycle.js';
import { FIELD_ACTION } from '../../blocks/declare-modal.js';
import { POSTMORTEM_CALLBACK, POSTMORTEM_QUESTIONS } from '../../blocks/postmortem.js';
import { saveAnswers } from '../../../postmortems/store.js';
import { CHANGE_STATUS_CALLBACK, DECLINE_CALLBACK, NEXT_UPDATE_CHOICES, readModalMetadata, UPDATE_CALLBACK } from '../../blocks/modals.js';
import type { Services } from '../../services.js';
import { formAckEvenIfLate, type FormAck, type FormAnswer } from '../late-answers.js';
import { findTarget } from '../target.js';

const text = z.object({ [FIELD_ACTION]: z.object({ value: z.string().nullish() }) }).optional();
const choice = z.object({ [FIELD_ACTION]: z.object({ selected_option: z.object({ value: z.string() }).nullish() }) }).optional();

const formState = z.object({ message: text, status: choice, severity: choice, next_update: choice });
type FormState = z.infer<typeof formState>;

const valueOf = (field: FormState['message']) => field?.[FIELD_ACTION].value ?? '';
const choiceOf = (field: FormState['status']) => field?.[FIELD_ACTION].selected_option?.value;

/** A form's ack that, past Slack's 3 s, DMs the person what the form can no longer show. */
const formAck = (services: Services, ack: FormAck, userId: string) =>
  formAckEvenIfLate(ack, (text) => services.client.chat.postMessage({ channel: userId, text }), services.logger);

/** What a form shows when the database failed it: nothing changed, unless the commit may have landed. */
const formTrouble = (err: unknown) =>
  err instanceof CommitUnconfirmed
    ? 'Firewatch lost its database while recording this and cannot tell whether it was done. Look at the incident channel in a moment before submitting again.'
    : 'Firewatch could not record this: its database is not answering. Try again in a moment.';

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
  const refuse = (message: string): FormAnswer => ({ ok: false, errors: { [input.errorField]: message } });
  const decide = async (): Promise<FormAnswer> => {
    const metadata = readModalMetadata(input.privateMetadata);
    const state = formState.safeParse(input.values);
    if (!metadata || !state.success) return refuse('This form came back incomplete; close it and start again.');
    try {
      const target = await findTarget(services, { ref: metadata.incidentId, channelId: undefined, userId: input.userId });
      if (!target.ok) return refuse(target.message);
      const outcome = await apply({ incidentId: metadata.incidentId, from: metadata.from, state: state.data, userId: input.userId });
      if (!outcome.ok) return refuse(outcome.message);
      services.outbox.wake();
      return { ok: true, message: outcome.message };
    } catch (err) {
      services.logger.error({ err }, 'form submission failed');
      return refuse(formTrouble(err));
    }
  };
  await formAck(services, ack, input.userId)(await decide());
}

const answersState = z.record(z.string(), z.object({ [FIELD_ACTION]: z.object({ value: z.string().nullish() }) }));

export function registerIncidentForms(app: App, services: Services): void {
  app.view<ViewSubmitAction>(POSTMORTEM_CALLBACK, async ({ ack, body, view }) => {
    const first = POSTMORTEM_QUESTIONS[0]?.key ?? 'summary';
    const refuse = (message: string): FormAnswer => ({ ok: false, errors: { [first]: message } });
    const decide = async (): Promise<FormAnswer> => {
      const metadata = readModalMetadata(view.private_metadata);
      const state = answersState.safeParse(view.state.values);
      if (!metadata || !state.success) return refuse('This form came back incomplete; close it and start again.');
      try {
        const target = await findTarget(services, { ref: metadata.incidentId, channelId: undefined, userId: body.user.id });
        if (!target.ok) return refuse(target.message);
        const answers = Object.fromEntries(POSTMORTEM_QUESTIONS.map((q) => [q.key, state.data[q.key]?.[FIELD_ACTION].value ?? '']));
        await saveAnswers(services.db, { incidentId: metadata.incidentId, actor: body.user.id, answers });
        return { ok: true, message: `Your postmortem answers for ${incidentKey(metadata.incidentId)} are saved.` };
      } catch (err) {
        services.logger.error({ err }, 'saving postmortem answers failed');
        // Saving the same answers twice is harmless, so trying again is right even if the commit landed.
        return refuse('Firewatch could not save this: its database is not answering. Try again in a moment.');
      }
    };
    await formAck(services, ack, body.user.id)(await decide());
  });

  app.view<ViewSubmitAction>(UPDATE_CALLBACK, async ({ ack, body, view }) => {
    await submit(
      services,
      ack,
      { userId: body.user.id, privateMetadata: view.private_metadata, values: view.state.values, errorField: 'message' },
      async ({ incidentId, state, userId }) => {
        const status = choiceOf(state.status);
        const next = NEXT_UPDATE_CHOICES.find((c) => c.label === choiceOf(state.next_update));
        return postStatusUpdate(services.db, services.config, {
          incidentId,
          actor: userId,
          message: valueOf(state.message),
          ...(status && isStatus(status) ? { status } : {}),
          ...(choiceOf(state.severity) ? { severity: choiceOf(state.severity) } : {}),
          ...(next ? { nextUpdateMs: next.ms } : {}),
        });
      },
    );
  });

  app.view<ViewSubmitAction>(CHANGE_STATUS_CALLBACK, async ({ ack, body, view }) => {
    await submit(
      services,
      ack,
      { userId: body.user.id, privateMetadata: view.private_metadata, values: view.state.values, errorField: 'status' },
      async ({ incidentId, from, state, userId }) => {
        const to = choiceOf(state.status);
        if (!to || !isStatus(to)) return { ok: false, message: 'Choose the new status.' };
        return changeStatus(services.db, services.config, {
          incidentId,
          actor: userId,
          to,
          message: valueOf(state.message),
          ...(from && isStatus(from) ? { expectedFrom: from } : {}),
        });
      },
    );
  });

  app.view<ViewSubmitAction>(DECLINE_CALLBACK, async ({ ack, body, view }) => {
    await submit(
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
    );
  });
}

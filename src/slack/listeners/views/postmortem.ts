import { z } from 'zod';
import { CommitUnconfirmed } from '../../../db/client.js';
import { incidentKey } from '../../../incidents/queries.js';
import { saveAnswers } from '../../../postmortems/store.js';
import { FIELD_ACTION } from '../../blocks/declare-modal.js';
import { readModalMetadata } from '../../blocks/modals.js';
import { POSTMORTEM_CALLBACK, POSTMORTEM_QUESTIONS } from '../../blocks/postmortem.js';
import { databaseNotAnswering } from '../../database-trouble.js';
import type { FormAnswer } from '../late-answers.js';
import { findTarget } from '../target.js';
import { form, formAck } from './forms.js';

const answersState = z.record(z.string(), z.object({ [FIELD_ACTION]: z.object({ value: z.string().nullish() }) }));

/** The postmortem questions; answers are saved as given and compiled into the postmortem later. */
export const postmortemForm = form(POSTMORTEM_CALLBACK, async (services, { ack, body, view }) => {
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
      return refuse(databaseNotAnswering({ nothingChanged: !(err instanceof CommitUnconfirmed) }));
    }
  };
  await formAck(services, ack, body.user.id)(await decide());
});

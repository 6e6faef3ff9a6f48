import { z } from 'zod';
import { confirmContact, saveSettings, type SettingsField } from '../../../paging/contact-settings.js';
import { FIELD_ACTION } from '../../blocks/declare-modal.js';
import { CODE_CALLBACK, CODE_FIELDS, codeModal, ME_CALLBACK, ME_FIELDS, readCodeMetadata } from '../../blocks/me-modal.js';
import { formTrouble } from '../../database-trouble.js';
import { mrkdwn } from '../../outcome.js';
import type { FormAnswer, FormErrors } from '../late-answers.js';
import { form, formAck, type Form } from './forms.js';

const text = z.object({ [FIELD_ACTION]: z.object({ value: z.string().nullish() }) }).optional();
const settingsState = z.object({
  [ME_FIELDS.email]: text,
  [ME_FIELDS.phone]: text,
  [ME_FIELDS.ntfyTopic]: text,
  [ME_FIELDS.rules]: text,
});
const codesState = z.record(z.string(), z.object({ [FIELD_ACTION]: z.object({ value: z.string().nullish() }) }));

const valueOf = (field: z.infer<typeof text>) => field?.[FIELD_ACTION].value ?? '';
const onBlocks = (errors: Partial<Record<SettingsField, string>>): FormErrors =>
  Object.fromEntries(Object.entries(errors).map(([field, message]) => [ME_FIELDS[field as SettingsField], message]));

/** The `/incident me` form: saved at once, except a new e-mail or phone, whose code form takes its place. */
const settingsForm = form(ME_CALLBACK, async (services, { ack, body, view }) => {
  const decide = async (): Promise<FormAnswer> => {
    const state = settingsState.safeParse(view.state.values);
    if (!state.success) return { ok: false, errors: { [ME_FIELDS.email]: 'This form came back incomplete; close it and start again.' } };
    const values = state.data;
    try {
      const saved = await saveSettings(
        services.db,
        { config: services.config, unavailable: services.unavailable, secret: services.secret },
        {
          userId: body.user.id,
          input: {
            email: valueOf(values[ME_FIELDS.email]),
            phone: valueOf(values[ME_FIELDS.phone]),
            ntfyTopic: valueOf(values[ME_FIELDS.ntfyTopic]),
            rules: valueOf(values[ME_FIELDS.rules]),
          },
        },
      );
      if (!saved.ok) return { ok: false, errors: onBlocks(saved.errors) };
      services.outbox.wake();
      const message = mrkdwn(saved.message);
      if (saved.codesSent.length === 0) return { ok: true, message };
      return {
        ok: true,
        message: `${message} Enter it with the *Enter code* button of \`/incident me\`.`,
        next: codeModal(saved.codesSent),
      };
    } catch (err) {
      services.logger.error({ err }, 'saving contact settings failed');
      return { ok: false, errors: { [ME_FIELDS.email]: formTrouble(err) } };
    }
  };
  await formAck(services, ack, body.user.id)(await decide());
});

/** The codes of new addresses: each right one is confirmed; a wrong, expired or used-up one is said on its field. */
const codeForm = form(CODE_CALLBACK, async (services, { ack, body, view }) => {
  const decide = async (): Promise<FormAnswer> => {
    const methods = readCodeMetadata(view.private_metadata);
    const state = codesState.safeParse(view.state.values);
    if (!methods || !state.success) {
      return { ok: false, errors: { [CODE_FIELDS.email]: 'This form came back incomplete; open `/incident me` again.' } };
    }
    const errors: FormErrors = {};
    const confirmed: string[] = [];
    try {
      for (const method of methods) {
        const typed = state.data[CODE_FIELDS[method]]?.[FIELD_ACTION].value ?? '';
        const outcome = await confirmContact(services.db, services.secret, { userId: body.user.id, method, typed });
        if (outcome.ok) confirmed.push(mrkdwn(outcome.message));
        else errors[CODE_FIELDS[method]] = mrkdwn(outcome.message);
      }
    } catch (err) {
      services.logger.error({ err }, 'confirming a contact code failed');
      return { ok: false, errors: { [CODE_FIELDS[methods[0] ?? 'email']]: formTrouble(err) } };
    }
    if (confirmed.length > 0) services.outbox.wake();
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    return { ok: true, message: confirmed.join(' ') };
  };
  await formAck(services, ack, body.user.id)(await decide());
});

export const meForms: readonly Form[] = [settingsForm, codeForm];

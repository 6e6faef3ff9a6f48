import { z } from 'zod';
import { defaultSeverity } from '../../../config/load.js';
import { CommitUnconfirmed } from '../../../db/client.js';
import { DECLARE_CALLBACK, DECLARE_FIELDS, FIELD_ACTION, PRIVATE_OPTION, readDeclareMetadata } from '../../blocks/declare-modal.js';
import { databaseNotAnswering } from '../../database-trouble.js';
import { form, formAck } from './forms.js';

const field = <T extends z.ZodType>(value: T) => z.object({ [FIELD_ACTION]: value }).optional();

/** The declare form's state as Slack sends it back; each field may be absent or null when left empty. */
const stateSchema = z.object({
  [DECLARE_FIELDS.title]: field(z.object({ value: z.string().nullish() })),
  [DECLARE_FIELDS.severity]: field(z.object({ selected_option: z.object({ value: z.string() }).nullish() })),
  [DECLARE_FIELDS.description]: field(z.object({ value: z.string().nullish() })),
  [DECLARE_FIELDS.type]: field(z.object({ selected_option: z.object({ value: z.string() }).nullish() })),
  [DECLARE_FIELDS.lead]: field(z.object({ selected_user: z.string().nullish() })),
  [DECLARE_FIELDS.private]: field(z.object({ selected_options: z.array(z.object({ value: z.string() })).nullish() })),
});

export const declareForm = form(DECLARE_CALLBACK, async (services, { ack: ackInTime, body, view }) => {
  // A declaration confirms itself to its declarer once recorded, so a late success needs no DM of its own.
  const ack = formAck(services, ackInTime, body.user.id);
  const state = stateSchema.safeParse(view.state.values);
  if (!state.success) {
    await ack({ ok: false, errors: { [DECLARE_FIELDS.title]: 'Slack sent this form back incomplete; submit it again.' } });
    return;
  }
  const values = state.data;
  const metadata = readDeclareMetadata(view.private_metadata);
  let result;
  try {
    result = await services.declarer.declare({
      title: values.title?.value.value ?? '',
      severity: values.severity?.value.selected_option?.value ?? defaultSeverity(services.config).id,
      description: values.description?.value.value ?? '',
      ...(values.type?.value.selected_option ? { type: values.type.value.selected_option.value } : {}),
      isPrivate: (values.private?.value.selected_options ?? []).some((o) => o.value === PRIVATE_OPTION),
      declaredBy: body.user.id,
      leadId: values.lead?.value.selected_user ?? body.user.id,
      reply: { userId: body.user.id, ...metadata },
    });
  } catch (err) {
    services.logger.error({ err }, 'declare from the modal failed');
    const unconfirmed =
      'Firewatch lost its database while recording this and cannot tell whether the incident was declared. If your confirmation comes in a moment, close this form; if not, submit again.';
    await ack({
      ok: false,
      errors: {
        [DECLARE_FIELDS.title]: err instanceof CommitUnconfirmed ? unconfirmed : databaseNotAnswering({ nothingChanged: true }),
      },
    });
    return;
  }
  if (!result.ok) {
    await ack({ ok: false, errors: result.errors });
    return;
  }
  await ack({ ok: true });
  services.metrics.declares.inc({ source: 'slack' });
  services.outbox.wake();
});

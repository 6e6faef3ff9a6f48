import type { AckFn, RespondArguments, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { defaultSeverity } from '../../../config/load.js';
import { CommitUnconfirmed } from '../../../db/client.js';
import { incidentKey } from '../../../incidents/queries.js';
import { declareMetadata, declareModal } from '../../blocks/declare-modal.js';
import { platformCode } from '../../errors.js';
import type { Services } from '../../services.js';

type Ack = AckFn<string | RespondArguments>;

export const DATABASE_TROUBLE =
  '⚠️ Firewatch could not record that: its database is not answering. Nothing was changed; try again in a moment.';
/** The database went away while the declaration was committing: declaring again could open a duplicate. */
export const DECLARE_UNCONFIRMED =
  '⚠️ Firewatch lost its database while recording that and cannot tell whether the incident was declared. If it was, your confirmation with its channel follows in a moment; if none comes, declare again.';

/** Any other change whose commit could not be confirmed: saying "nothing was changed" could be false. */
export const CHANGE_UNCONFIRMED =
  '⚠️ Firewatch lost its database while recording that and cannot tell whether it was done. Look at the incident channel in a moment before trying again.';

/** What to tell someone whose command failed on the database: nothing changed, unless it may have. */
export function databaseTrouble(err: unknown): string {
  return err instanceof CommitUnconfirmed ? CHANGE_UNCONFIRMED : DATABASE_TROUBLE;
}

/** `/incident declare [sevN] [title]`: with a title it declares at once, without one it opens the form. */
export async function declareFromCommand(
  services: Services,
  command: SlashCommand,
  parsed: { severity: string | undefined; title: string },
  ack: Ack,
  client: WebClient,
  respond: (message: RespondArguments) => Promise<unknown>,
): Promise<void> {
  if (!parsed.title) {
    // The trigger_id expires three seconds after the user pressed enter: ack, then open the modal at once.
    await ack();
    try {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: declareModal(services.config, {
          severity: parsed.severity,
          declaredBy: command.user_id,
          privateMetadata: declareMetadata({ responseUrl: command.response_url, channelId: command.channel_id }),
        }),
      });
    } catch (err) {
      services.logger.warn({ err }, 'could not open the declare modal');
      const why = platformCode(err) ?? 'Slack did not answer';
      await respond({
        response_type: 'ephemeral',
        text: `⚠️ Could not open the declare form (${why}). Declare directly instead: \`/incident declare sev2 What is broken\`.`,
      }).catch(() => {});
    }
    return;
  }

  let result;
  try {
    result = await services.declarer.declare({
      title: parsed.title,
      severity: parsed.severity ?? defaultSeverity(services.config).id,
      description: '',
      isPrivate: false,
      declaredBy: command.user_id,
      reply: { userId: command.user_id, responseUrl: command.response_url, channelId: command.channel_id },
    });
  } catch (err) {
    services.logger.error({ err }, 'declare failed');
    await ack({ response_type: 'ephemeral', text: err instanceof CommitUnconfirmed ? DECLARE_UNCONFIRMED : DATABASE_TROUBLE });
    return;
  }
  if (!result.ok) {
    await ack({ response_type: 'ephemeral', text: `⚠️ ${Object.values(result.errors).join(' ')}` });
    return;
  }
  await ack({ response_type: 'ephemeral', text: `🔥 Declaring *${incidentKey(result.incident.id)}*: setting up its channel…` });
  services.metrics.declares.inc({ source: 'slack' });
  services.outbox.wake();
}

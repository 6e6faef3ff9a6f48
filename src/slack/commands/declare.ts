import { defaultSeverity } from '../../config/load.js';
import { CommitUnconfirmed } from '../../db/client.js';
import type { Incident } from '../../db/schema.js';
import { incidentKey } from '../../incidents/queries.js';
import { declareMetadata, declareModal } from '../blocks/declare-modal.js';
import { DATABASE_TROUBLE, DECLARE_UNCONFIRMED } from '../database-trouble.js';
import { platformCode } from '../errors.js';
import { say } from '../outcome.js';
import { severityAndTitle } from './parsing.js';
import { ephemeral, type CommandContext, type GeneralSubcommand } from './subcommand.js';

type Declare = { kind: 'declare'; severity: string | undefined; title: string };

/** Without a title the form opens; the trigger_id expires three seconds after the user pressed enter. */
async function openForm(ctx: CommandContext, severity: string | undefined): Promise<void> {
  const { services, command } = ctx;
  await ctx.ack();
  try {
    await services.client.views.open({
      trigger_id: command.trigger_id,
      view: declareModal(services.config, {
        severity,
        declaredBy: command.user_id,
        privateMetadata: declareMetadata({ responseUrl: command.response_url, channelId: command.channel_id }),
      }),
    });
  } catch (err) {
    services.logger.warn({ err }, 'could not open the declare modal');
    const why = platformCode(err) ?? 'Slack did not answer';
    await ctx
      .respond(
        ephemeral(`⚠️ Could not open the declare form (${why}). Declare directly instead: \`/incident declare sev2 What is broken\`.`),
      )
      .catch(() => {});
  }
}

export const declareCommand: GeneralSubcommand<Declare> = {
  name: 'declare',
  usage: 'declare [sevN] [title]',
  summary: 'declare an incident (no title: opens a form)',
  needsIncident: false,
  parse({ rest }, { severities }) {
    const read = severityAndTitle(rest, severities);
    return 'kind' in read ? read : { kind: 'declare', ...read };
  },
  async handle(ctx, parsed) {
    if (!parsed.title) return openForm(ctx, parsed.severity);
    const incident = await declareFromCommand(ctx, { title: parsed.title, severity: parsed.severity });
    if (!incident) return;
    await ctx.ack(ephemeral(`🔥 Declaring *${incidentKey(incident.id)}*: setting up its channel…`));
    ctx.services.metrics.declares.inc({ source: 'slack' });
    ctx.services.outbox.wake();
  },
};

/**
 * Declares what a slash command asked for (the default severity when none was given), the person who typed
 * it declaring and leading; a refusal or a database failure is answered in the command's ack. Returns the
 * incident recorded, for the caller to confirm in the ack as it words it.
 */
export async function declareFromCommand(
  ctx: CommandContext,
  asked: { title: string; severity: string | undefined; drill?: boolean },
): Promise<Incident | undefined> {
  const { services, command } = ctx;
  let result;
  try {
    result = await services.declarer.declare({
      title: asked.title,
      severity: asked.severity ?? defaultSeverity(services.config).id,
      description: '',
      isPrivate: false,
      declaredBy: command.user_id,
      reply: { userId: command.user_id, responseUrl: command.response_url, channelId: command.channel_id },
      ...(asked.drill ? { drill: true } : {}),
    });
  } catch (err) {
    services.logger.error({ err }, 'declare failed');
    await ctx.ack(ephemeral(err instanceof CommitUnconfirmed ? DECLARE_UNCONFIRMED : DATABASE_TROUBLE));
    return undefined;
  }
  if (!result.ok) {
    await ctx.ack(ephemeral(say(result)));
    return undefined;
  }
  return result.incident;
}

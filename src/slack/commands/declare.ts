import { defaultSeverity } from '../../config/load.js';
import { CommitUnconfirmed } from '../../db/client.js';
import { incidentKey } from '../../incidents/queries.js';
import { declareMetadata, declareModal } from '../blocks/declare-modal.js';
import { DATABASE_TROUBLE, DECLARE_UNCONFIRMED } from '../database-trouble.js';
import { platformCode } from '../errors.js';
import { say } from '../outcome.js';
import { invalid, splitFirst } from './parsing.js';
import { ephemeral, type CommandContext, type GeneralSubcommand } from './subcommand.js';

/** Words that look like a severity (`sev2`, `SEV12`) even when not configured, so a typo is not taken as a title. */
const SEVERITY_LIKE = /^sev\d+$/i;

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
    const [word, afterWord] = splitFirst(rest);
    if (!word) return { kind: 'declare', severity: undefined, title: '' };
    const lower = word.toLowerCase();
    if (severities.includes(lower)) return { kind: 'declare', severity: lower, title: afterWord };
    if (SEVERITY_LIKE.test(word)) return invalid(`Unknown severity "${word}". Choose one of: ${severities.join(', ')}.`);
    return { kind: 'declare', severity: undefined, title: rest.trim() };
  },
  async handle(ctx, parsed) {
    if (!parsed.title) return openForm(ctx, parsed.severity);
    const { services, command } = ctx;
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
      await ctx.ack(ephemeral(err instanceof CommitUnconfirmed ? DECLARE_UNCONFIRMED : DATABASE_TROUBLE));
      return;
    }
    if (!result.ok) {
      await ctx.ack(ephemeral(say(result)));
      return;
    }
    await ctx.ack(ephemeral(`🔥 Declaring *${incidentKey(result.incident.id)}*: setting up its channel…`));
    services.metrics.declares.inc({ source: 'slack' });
    services.outbox.wake();
  },
};

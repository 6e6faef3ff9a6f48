import { incidentKey } from '../../incidents/queries.js';
import { notResolvedYet, publishPostmortem } from '../../postmortems/store.js';
import { mrkdwn, say } from '../outcome.js';
import { postToResponseUrl } from '../respond.js';
import { UserNames } from '../users.js';
import { ephemeral, type IncidentSubcommand } from './subcommand.js';

export const postmortemCommand: IncidentSubcommand<{ kind: 'postmortem'; ref: number | undefined }> = {
  name: 'postmortem',
  usage: 'postmortem',
  summary: 'compile the postmortem from the timeline (again: a new version)',
  needsIncident: true,
  parse: ({ ref }) => ({ kind: 'postmortem', ref }),
  async handle({ services, command, incident, ack }) {
    const key = incidentKey(incident.id);
    const early = notResolvedYet(incident);
    if (early) {
      await ack(ephemeral(say(early)));
      return;
    }
    // Compiling looks up names with Slack: ack first, then answer on the response_url.
    await ack(ephemeral(`📝 Compiling the postmortem of ${key}…`));
    const names = new UserNames(services.client);
    const outcome = await publishPostmortem(services.db, services.config, {
      incidentId: incident.id,
      actor: command.user_id,
      names: (ids) => names.namesOf(ids),
    });
    await postToResponseUrl(command.response_url, {
      text: outcome.ok ? `📝 ${mrkdwn(outcome.message)}` : say(outcome),
    });
  },
};

import { isResolved } from '../../incidents/lifecycle.js';
import { incidentKey } from '../../incidents/queries.js';
import { publishPostmortem } from '../../postmortems/store.js';
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
    if (!isResolved(incident.status)) {
      await ack(ephemeral(`⚠️ ${key} is ${incident.status}: a postmortem is compiled once it is resolved, so its timeline is complete.`));
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
      text: outcome.ok
        ? `📝 Postmortem of ${key} compiled: ${outcome.change}. It is being posted in the channel.`
        : `⚠️ ${outcome.message}`,
    });
  },
};

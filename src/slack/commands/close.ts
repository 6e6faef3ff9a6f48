import { changeStatus } from '../../workflow/changes.js';
import { answer, type IncidentSubcommand } from './subcommand.js';

export const closeCommand: IncidentSubcommand<{ kind: 'close'; ref: number | undefined }> = {
  name: 'close',
  usage: 'close',
  summary: 'close a resolved incident',
  needsIncident: true,
  parse: ({ ref }) => ({ kind: 'close', ref }),
  async handle({ services, command, incident, ack }) {
    const outcome = await changeStatus(services.db, services.config, { incidentId: incident.id, actor: command.user_id, to: 'closed' });
    // The incident id lets a close refused for want of a postmortem offer its form.
    await ack(answer(outcome, incident.id));
  },
};

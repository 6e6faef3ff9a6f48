import { changeStatus } from '../../workflow/changes.js';
import { answer, type IncidentSubcommand } from './subcommand.js';

export const resolveCommand: IncidentSubcommand<{ kind: 'resolve'; ref: number | undefined; message: string }> = {
  name: 'resolve',
  usage: 'resolve [summary]',
  summary: 'resolve the incident',
  needsIncident: true,
  parse: ({ ref, rest }) => ({ kind: 'resolve', ref, message: rest }),
  async handle({ services, command, incident, ack }, parsed) {
    const change = { incidentId: incident.id, actor: command.user_id, to: 'resolved' as const, message: parsed.message };
    await ack(answer(await changeStatus(services.db, services.config, change)));
  },
};

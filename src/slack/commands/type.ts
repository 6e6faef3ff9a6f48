import { setType } from '../../workflow/changes.js';
import { invalid, splitFirst } from './parsing.js';
import { answer, type IncidentSubcommand } from './subcommand.js';

export const typeCommand: IncidentSubcommand<{ kind: 'type'; ref: number | undefined; type: string }> = {
  name: 'type',
  usage: 'type <type>',
  summary: 'set the incident type',
  needsIncident: true,
  parse({ ref, rest }, { types }) {
    const [type] = splitFirst(rest);
    const wanted = type.toLowerCase();
    if (!types.includes(wanted)) return invalid(`${type ? `Unknown type "${type}". ` : ''}Types: ${types.join(', ')}.`);
    return { kind: 'type', ref, type: wanted };
  },
  async handle({ services, command, incident, ack }, parsed) {
    await ack(answer(await setType(services.db, services.config, { incidentId: incident.id, actor: command.user_id, type: parsed.type })));
  },
};

import { openIncidentsFor } from '../../incidents/list.js';
import { incidentListMessage } from '../blocks/lists.js';
import type { GeneralSubcommand } from './subcommand.js';

export const listCommand: GeneralSubcommand<{ kind: 'list' }> = {
  name: 'list',
  usage: 'list',
  summary: 'open incidents',
  needsIncident: false,
  parse: () => ({ kind: 'list' }),
  async handle({ services, command, ack }) {
    const open = await openIncidentsFor(services.db, services.config, command.user_id);
    await ack({ response_type: 'ephemeral', ...incidentListMessage(open, new Date()) });
  },
};

import { openIncidentsFor } from '../../incidents/list.js';
import { drillListMessage, incidentListMessage } from '../blocks/lists.js';
import { invalid, usageHint } from './parsing.js';
import type { GeneralSubcommand } from './subcommand.js';

const USAGE = 'list [drills]';

export const listCommand: GeneralSubcommand<{ kind: 'list'; drills: boolean }> = {
  name: 'list',
  usage: USAGE,
  summary: 'open incidents (`drills`: the practice incidents running instead)',
  needsIncident: false,
  parse({ rest }) {
    const word = rest.trim().toLowerCase();
    if (!word) return { kind: 'list', drills: false };
    if (word === 'drills' || word === 'drill') return { kind: 'list', drills: true };
    return invalid(`\`list\` shows open incidents, or with \`drills\` the drills running. ${usageHint(USAGE)}`);
  },
  async handle({ services, command, ack }, { drills }) {
    const open = await openIncidentsFor(services.db, services.config, command.user_id, { drills });
    const now = new Date();
    await ack({ response_type: 'ephemeral', ...(drills ? drillListMessage(open, now) : incidentListMessage(open, now)) });
  },
};

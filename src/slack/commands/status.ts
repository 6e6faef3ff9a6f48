import { isStatus } from '../../incidents/lifecycle.js';
import { STATUSES, type Status } from '../../incidents/status.js';
import { changeStatus } from '../../workflow/changes.js';
import { invalid, splitFirst, usageHint } from './parsing.js';
import { answer, type IncidentSubcommand } from './subcommand.js';

const USAGE = 'status <status> [message]';

export const statusCommand: IncidentSubcommand<{ kind: 'status'; ref: number | undefined; status: Status; message: string }> = {
  name: 'status',
  usage: USAGE,
  summary: 'move the incident to another status',
  needsIncident: true,
  parse({ ref, rest }) {
    const [status, message] = splitFirst(rest);
    if (!status) return invalid(`Say which status. ${usageHint(USAGE)} — one of ${STATUSES.join(', ')}.`);
    const wanted = status.toLowerCase();
    if (!isStatus(wanted)) return invalid(`Unknown status "${status}". Statuses: ${STATUSES.join(', ')}.`);
    return { kind: 'status', ref, status: wanted, message };
  },
  async handle({ services, command, incident, ack }, parsed) {
    const change = { incidentId: incident.id, actor: command.user_id, to: parsed.status, message: parsed.message };
    await ack(answer(await changeStatus(services.db, services.config, change)));
  },
};

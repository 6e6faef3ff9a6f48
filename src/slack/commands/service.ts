import { addServices } from '../../workflow/services.js';
import { invalid, usageHint } from './parsing.js';
import { answer, type IncidentSubcommand } from './subcommand.js';

const USAGE = 'service <id>[,…]';

/** `payments-api, postgres` or `payments-api postgres`: the ids as the catalogue writes them. */
const serviceIds = (text: string) => [
  ...new Set(
    text
      .toLowerCase()
      .split(/[\s,]+/)
      .filter(Boolean),
  ),
];

export const serviceCommand: IncidentSubcommand<{ kind: 'service'; ref: number | undefined; services: string[] }> = {
  name: 'service',
  usage: USAGE,
  summary: 'mark the services this incident affects: their owners are invited, critical ones paged',
  needsIncident: true,
  parse: ({ ref, rest }) => {
    const services = serviceIds(rest);
    return services.length ? { kind: 'service', ref, services } : invalid(`Name the affected services. ${usageHint(USAGE)}`);
  },
  async handle({ services, command, incident, ack }, parsed) {
    const outcome = await services.db.transaction((tx) => addServices(tx, services.config, incident.id, parsed.services, command.user_id));
    if (outcome.ok) services.outbox.wake();
    await ack(answer(outcome));
  },
};

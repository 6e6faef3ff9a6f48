import { setImpact } from '../../workflow/changes.js';
import { invalid, usageHint } from './parsing.js';
import { answer, type IncidentSubcommand } from './subcommand.js';

const USAGE = 'impact <text>';

export const impactCommand: IncidentSubcommand<{ kind: 'impact'; ref: number | undefined; text: string }> = {
  name: 'impact',
  usage: USAGE,
  summary: 'record who and what is affected',
  needsIncident: true,
  parse: ({ ref, rest }) => (rest ? { kind: 'impact', ref, text: rest } : invalid(`Say who and what is affected. ${usageHint(USAGE)}`)),
  async handle({ services, command, incident, ack }, parsed) {
    await ack(answer(await setImpact(services.db, { incidentId: incident.id, actor: command.user_id, text: parsed.text })));
  },
};

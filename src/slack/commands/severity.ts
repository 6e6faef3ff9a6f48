import { changeSeverity } from '../../workflow/changes.js';
import { invalid, splitFirst, usageHint } from './parsing.js';
import { answer, type IncidentSubcommand } from './subcommand.js';

const USAGE = 'severity <sevN>';

export const severityCommand: IncidentSubcommand<{ kind: 'severity'; ref: number | undefined; severity: string }> = {
  name: 'severity',
  usage: USAGE,
  summary: 'change the severity',
  needsIncident: true,
  parse({ ref, rest }, { severities }) {
    const [severity] = splitFirst(rest);
    if (!severity) return invalid(`Say which severity. ${usageHint(USAGE)} — one of ${severities.join(', ')}.`);
    const wanted = severity.toLowerCase();
    if (!severities.includes(wanted)) return invalid(`Unknown severity "${severity}". Choose one of: ${severities.join(', ')}.`);
    return { kind: 'severity', ref, severity: wanted };
  },
  async handle({ services, command, incident, ack }, parsed) {
    const change = { incidentId: incident.id, actor: command.user_id, severity: parsed.severity };
    await ack(answer(await changeSeverity(services.db, services.config, change)));
  },
};

import { addNote } from '../../workflow/changes.js';
import { invalid, usageHint } from './parsing.js';
import { answer, type IncidentSubcommand } from './subcommand.js';

const USAGE = 'note <text>';

export const noteCommand: IncidentSubcommand<{ kind: 'note'; ref: number | undefined; text: string }> = {
  name: 'note',
  usage: USAGE,
  summary: 'add a note to the timeline',
  needsIncident: true,
  parse: ({ ref, rest }) => (rest ? { kind: 'note', ref, text: rest } : invalid(`Say what to note. ${usageHint(USAGE)}`)),
  async handle({ services, command, incident, ack }, parsed) {
    await ack(answer(await addNote(services.db, { incidentId: incident.id, actor: command.user_id, text: parsed.text })));
  },
};

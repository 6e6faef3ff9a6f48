import { checklistsOf } from '../../incidents/checklists.js';
import { incidentKey } from '../../incidents/queries.js';
import { addChecklist } from '../../workflow/checklists.js';
import { escapeMrkdwn } from '../blocks/text.js';
import { invalid, usageHint } from './parsing.js';
import { answer, ephemeral, type IncidentSubcommand } from './subcommand.js';

const USAGE = 'checklist [id]';

type Checklist = { kind: 'checklist'; ref: number | undefined; id: string | undefined };

export const checklistCommand: IncidentSubcommand<Checklist> = {
  name: 'checklist',
  usage: USAGE,
  summary: 'add a configured checklist (no id: list them)',
  needsIncident: true,
  parse({ ref, rest }) {
    const words = rest.split(/\s+/).filter(Boolean);
    if (words.length > 1) return invalid(`Name one checklist. ${usageHint(USAGE)}`);
    return { kind: 'checklist', ref, id: words[0]?.toLowerCase() };
  },
  async handle({ services, command, incident, ack }, parsed) {
    const { config, db } = services;
    if (parsed.id !== undefined) {
      const id = parsed.id;
      await ack(answer(await db.transaction((tx) => addChecklist(tx, config, incident.id, id, command.user_id))));
      return;
    }
    const on = new Map((await checklistsOf(db, incident.id)).map((c) => [c.checklist.checklistId, c]));
    if (!config.checklists.length && !on.size) {
      await ack(ephemeral('No checklists are configured: list them under `checklists:` in the config file.'));
      return;
    }
    const lines = config.checklists.map((c) => {
      const state = on.get(c.id);
      const where = state ? ` — on ${incidentKey(incident.id)}, ${state.ticks.length}/${state.checklist.steps.length} done` : '';
      return `• \`${c.id}\` ${escapeMrkdwn(c.title ?? '')} (${c.steps.length} steps)${where}`;
    });
    await ack(ephemeral(`*Checklists* — add one with \`/incident checklist <id>\`:\n${lines.join('\n')}`));
  },
};

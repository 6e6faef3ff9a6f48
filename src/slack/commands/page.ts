import { pageFor } from '../../paging/page-command.js';
import { invalid, MENTION, notAMention, splitFirst, usageHint } from './parsing.js';
import { answer, type IncidentSubcommand } from './subcommand.js';

const USAGE = 'page <@user|policy> [message]';

type Page = { kind: 'page'; ref: number | undefined; target: { user: string } | { policy: string }; message: string };

export const pageCommand: IncidentSubcommand<Page> = {
  name: 'page',
  usage: USAGE,
  summary: 'page a person or an escalation policy (again: escalate it)',
  needsIncident: true,
  parse({ ref, rest }) {
    const [word, message] = splitFirst(rest);
    if (!word) return invalid(`Say whom to page. ${usageHint(USAGE)}`);
    const mention = MENTION.exec(word);
    if (mention?.[1]) return { kind: 'page', ref, target: { user: mention[1] }, message };
    if (word.startsWith('@')) return notAMention(word, USAGE);
    return { kind: 'page', ref, target: { policy: word.toLowerCase() }, message };
  },
  async handle({ services, command, incident, ack }, parsed) {
    const page = { incidentId: incident.id, actor: command.user_id, target: parsed.target, message: parsed.message };
    await ack(answer(await pageFor(services.db, services.config, page)));
  },
};

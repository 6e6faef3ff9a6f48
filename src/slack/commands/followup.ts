import { addFollowup, followupsOf } from '../../incidents/followups.js';
import { followupListMessage } from '../blocks/lists.js';
import { invalid, MENTION, usageHint } from './parsing.js';
import { answer, type IncidentSubcommand } from './subcommand.js';

const USAGE = 'followup <text> [@owner] [due:YYYY-MM-DD]';

type Followup = { kind: 'followup'; ref: number | undefined; text: string; owner: string | undefined; due: string | undefined };

/** `2026-12-01`, and a day that exists (not 2026-02-30). */
function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

export const followupCommand: IncidentSubcommand<Followup> = {
  name: 'followup',
  usage: USAGE,
  summary: 'record a follow-up (no text: list them)',
  needsIncident: true,
  parse({ ref, rest }) {
    // `due:YYYY-MM-DD` anywhere sets the due date; a trailing mention names the owner.
    const dueMatch = /(?:^|\s)due:(\S+)/i.exec(rest);
    const due = dueMatch?.[1];
    if (due !== undefined && !isCalendarDate(due))
      return invalid(`"${due}" is not a date: write the due date as due:YYYY-MM-DD. ${usageHint(USAGE)}`);
    const withoutDue = dueMatch ? `${rest.slice(0, dueMatch.index)} ${rest.slice(dueMatch.index + dueMatch[0].length)}`.trim() : rest;
    const owner = /\s*(<@[UW][A-Z0-9]+(?:\|[^>]*)?>)\s*$/.exec(withoutDue);
    const ownerId = owner?.[1] ? MENTION.exec(owner[1])?.[1] : undefined;
    const body = owner ? withoutDue.slice(0, owner.index).trim() : withoutDue;
    if (!body && (ownerId || due)) return invalid(`Say what needs doing. ${usageHint(USAGE)}`);
    return { kind: 'followup', ref, text: body, owner: ownerId, due };
  },
  async handle({ services, command, incident, ack }, parsed) {
    if (!parsed.text) {
      await ack({ response_type: 'ephemeral', ...followupListMessage(incident, await followupsOf(services.db, incident.id)) });
      return;
    }
    const followup = { incidentId: incident.id, actor: command.user_id, text: parsed.text, owner: parsed.owner, due: parsed.due };
    await ack(answer(await addFollowup(services.db, followup)));
  },
};

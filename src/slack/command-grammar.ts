/**
 * The `/incident` grammar: pure parsing of the command text into what was asked. Nothing here knows
 * about Slack payloads or the database.
 */
import { isStatus } from '../incidents/lifecycle.js';
import { STATUSES, type Status } from '../incidents/status.js';
import { parsePeriod } from '../postmortems/insights.js';

export interface SubcommandSpec {
  name: string;
  usage: string;
  summary: string;
}

export const SUBCOMMANDS: readonly SubcommandSpec[] = [
  { name: 'declare', usage: 'declare [sevN] [title]', summary: 'declare an incident (no title: opens a form)' },
  { name: 'status', usage: 'status <status> [message]', summary: 'move the incident to another status' },
  { name: 'update', usage: 'update [message]', summary: 'post a status update (no message: opens a form)' },
  { name: 'severity', usage: 'severity <sevN>', summary: 'change the severity' },
  { name: 'lead', usage: 'lead @user', summary: 'make someone the incident lead' },
  { name: 'role', usage: 'role <role> @user', summary: 'assign a role' },
  { name: 'page', usage: 'page <@user|policy> [message]', summary: 'page a person or an escalation policy (again: escalate it)' },
  { name: 'oncall', usage: 'oncall [schedule]', summary: 'who is on call now, and the next hand-offs' },
  { name: 'note', usage: 'note <text>', summary: 'add a note to the timeline' },
  { name: 'followup', usage: 'followup <text> [@owner] [due:YYYY-MM-DD]', summary: 'record a follow-up (no text: list them)' },
  { name: 'type', usage: 'type <type>', summary: 'set the incident type' },
  { name: 'impact', usage: 'impact <text>', summary: 'record who and what is affected' },
  { name: 'resolve', usage: 'resolve [summary]', summary: 'resolve the incident' },
  { name: 'close', usage: 'close', summary: 'close a resolved incident' },
  { name: 'postmortem', usage: 'postmortem', summary: 'compile the postmortem from the timeline (again: a new version)' },
  { name: 'insights', usage: 'insights [7d|30d|90d]', summary: 'metrics across incidents, compared with the period before' },
  { name: 'digest', usage: 'digest', summary: 'preview the stakeholder digest, now, just for you' },
  { name: 'list', usage: 'list', summary: 'open incidents' },
  { name: 'subscribe', usage: 'subscribe', summary: "in an incident channel: that incident's updates by DM; elsewhere: the digest by DM" },
  { name: 'unsubscribe', usage: 'unsubscribe', summary: 'stop those DMs' },
  { name: 'help', usage: 'help', summary: 'this list' },
];

/** `INC-<n>` when the command names its incident, else undefined (the channel's incident is meant). */
type Ref = number | undefined;

export type ParsedCommand =
  | { kind: 'declare'; severity: string | undefined; title: string }
  | { kind: 'status'; ref: Ref; status: Status; message: string }
  | { kind: 'resolve'; ref: Ref; message: string }
  | { kind: 'close'; ref: Ref }
  | { kind: 'update'; ref: Ref; message: string }
  | { kind: 'severity'; ref: Ref; severity: string }
  | { kind: 'lead'; ref: Ref; user: string }
  | { kind: 'role'; ref: Ref; role: string; user: string }
  | { kind: 'note'; ref: Ref; text: string }
  | { kind: 'followup'; ref: Ref; text: string; owner: string | undefined; due: string | undefined }
  | { kind: 'type'; ref: Ref; type: string }
  | { kind: 'impact'; ref: Ref; text: string }
  | { kind: 'page'; ref: Ref; target: { user: string } | { policy: string }; message: string }
  | { kind: 'oncall'; schedule: string | undefined }
  | { kind: 'list' }
  | { kind: 'digest' }
  | { kind: 'postmortem'; ref: Ref }
  | { kind: 'insights'; days: number }
  | { kind: 'subscribe' | 'unsubscribe'; ref: Ref }
  | { kind: 'help' }
  | { kind: 'unknown'; name: string }
  | { kind: 'invalid'; message: string };

export interface GrammarContext {
  severities: readonly string[];
  roles: readonly string[];
  types: readonly string[];
}

/** Words that look like a severity (`sev2`, `SEV12`) even when not configured, so a typo is not taken as a title. */
const SEVERITY_LIKE = /^sev\d+$/i;
const INCIDENT_REF = /^inc-(\d{1,9})$/i;
/** A user mention as Slack escapes it: `<@U123>` or `<@U123|name>`. */
const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

function splitFirst(text: string): [string, string] {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text.trim());
  return match ? [match[1] ?? '', (match[2] ?? '').trim()] : ['', ''];
}

function usage(name: string): string {
  const spec = SUBCOMMANDS.find((s) => s.name === name);
  return spec ? `Usage: \`/incident ${spec.usage}\`` : '';
}

function invalid(message: string): ParsedCommand {
  return { kind: 'invalid', message };
}

/** A user id from a mention; a plain `@name` cannot be resolved, so it gets an explanation instead. */
function mentionedUser(word: string, name: string): { user: string } | { error: ParsedCommand } {
  const match = MENTION.exec(word);
  if (match?.[1]) return { user: match[1] };
  if (!word) return { error: invalid(`Name the person with an @-mention. ${usage(name)}`) };
  return { error: invalid(`"${word}" is not a mention: pick the person from Slack's @ menu so their name turns blue. ${usage(name)}`) };
}

/**
 * Parses the text after `/incident`. The context holds the configured severities, roles and types, so a
 * bad value is explained with what is allowed.
 */
export function parseCommand(text: string, context: GrammarContext): ParsedCommand {
  let [first, rest] = splitFirst(text);
  if (!first) return { kind: 'help' };
  let ref: Ref;
  // `/incident INC-12 status …` names the incident before the subcommand.
  const leadingRef = INCIDENT_REF.exec(first);
  if (leadingRef) {
    ref = Number(leadingRef[1]);
    [first, rest] = splitFirst(rest);
    if (!first) return invalid(`Say what to do with INC-${ref}, e.g. \`/incident INC-${ref} status identified\`.`);
  }
  const name = first.toLowerCase();
  const spec = SUBCOMMANDS.find((s) => s.name === name);
  if (!spec) return { kind: 'unknown', name };
  // `/incident status INC-12 …` names it as the subcommand's first argument.
  if (ref === undefined) {
    const [maybeRef, afterRef] = splitFirst(rest);
    const match = INCIDENT_REF.exec(maybeRef);
    if (match) {
      ref = Number(match[1]);
      rest = afterRef;
    }
  }
  switch (name) {
    case 'declare':
      return parseDeclare(rest, context.severities);
    case 'help':
      return { kind: 'help' };
    case 'list':
      return { kind: 'list' };
    case 'digest':
      return { kind: 'digest' };
    case 'postmortem':
      return { kind: 'postmortem', ref };
    case 'insights': {
      const [period] = splitFirst(rest);
      const days = parsePeriod(period);
      return days === null ? invalid(`Unknown period "${period}". Periods: 7d, 30d, 90d (default 30d).`) : { kind: 'insights', days };
    }
    case 'subscribe':
    case 'unsubscribe':
      return { kind: name, ref };
    case 'oncall': {
      const [schedule] = splitFirst(rest);
      return { kind: 'oncall', schedule: schedule ? schedule.toLowerCase() : undefined };
    }
    case 'page': {
      const [word, message] = splitFirst(rest);
      if (!word) return invalid(`Say whom to page. ${usage('page')}`);
      const mention = MENTION.exec(word);
      if (mention?.[1]) return { kind: 'page', ref, target: { user: mention[1] }, message };
      if (word.startsWith('@'))
        return invalid(`"${word}" is not a mention: pick the person from Slack's @ menu so their name turns blue. ${usage('page')}`);
      return { kind: 'page', ref, target: { policy: word.toLowerCase() }, message };
    }
    case 'status': {
      const [status, message] = splitFirst(rest);
      if (!status) return invalid(`Say which status. ${usage('status')} — one of ${STATUSES.join(', ')}.`);
      const wanted = status.toLowerCase();
      if (!isStatus(wanted)) return invalid(`Unknown status "${status}". Statuses: ${STATUSES.join(', ')}.`);
      return { kind: 'status', ref, status: wanted, message };
    }
    case 'resolve':
      return { kind: 'resolve', ref, message: rest };
    case 'close':
      return { kind: 'close', ref };
    case 'update':
      return { kind: 'update', ref, message: rest };
    case 'severity': {
      const [severity] = splitFirst(rest);
      if (!severity) return invalid(`Say which severity. ${usage('severity')} — one of ${context.severities.join(', ')}.`);
      const wanted = severity.toLowerCase();
      if (!context.severities.includes(wanted))
        return invalid(`Unknown severity "${severity}". Choose one of: ${context.severities.join(', ')}.`);
      return { kind: 'severity', ref, severity: wanted };
    }
    case 'lead': {
      const [word] = splitFirst(rest);
      const who = mentionedUser(word, 'lead');
      return 'error' in who ? who.error : { kind: 'lead', ref, user: who.user };
    }
    case 'role': {
      const [role, afterRole] = splitFirst(rest);
      const roles = ['lead', ...context.roles];
      if (!role || !roles.includes(role.toLowerCase())) {
        return invalid(`${role ? `Unknown role "${role}". ` : ''}Roles: ${roles.join(', ')}. ${usage('role')}`);
      }
      const [word] = splitFirst(afterRole);
      const who = mentionedUser(word, 'role');
      if ('error' in who) return who.error;
      const lower = role.toLowerCase();
      return lower === 'lead' ? { kind: 'lead', ref, user: who.user } : { kind: 'role', ref, role: lower, user: who.user };
    }
    case 'note':
      return rest ? { kind: 'note', ref, text: rest } : invalid(`Say what to note. ${usage('note')}`);
    case 'followup': {
      // `due:YYYY-MM-DD` anywhere sets the due date; a trailing mention names the owner.
      const dueMatch = /(?:^|\s)due:(\S+)/i.exec(rest);
      const due = dueMatch?.[1];
      if (due !== undefined && !isCalendarDate(due))
        return invalid(`"${due}" is not a date: write the due date as due:YYYY-MM-DD. ${usage('followup')}`);
      const withoutDue = dueMatch ? `${rest.slice(0, dueMatch.index)} ${rest.slice(dueMatch.index + dueMatch[0].length)}`.trim() : rest;
      const owner = /\s*(<@[UW][A-Z0-9]+(?:\|[^>]*)?>)\s*$/.exec(withoutDue);
      const ownerId = owner?.[1] ? MENTION.exec(owner[1])?.[1] : undefined;
      const body = owner ? withoutDue.slice(0, owner.index).trim() : withoutDue;
      if (!body && (ownerId || due)) return invalid(`Say what needs doing. ${usage('followup')}`);
      return { kind: 'followup', ref, text: body, owner: ownerId, due };
    }
    case 'type': {
      const [type] = splitFirst(rest);
      const wanted = type.toLowerCase();
      if (!context.types.includes(wanted)) return invalid(`${type ? `Unknown type "${type}". ` : ''}Types: ${context.types.join(', ')}.`);
      return { kind: 'type', ref, type: wanted };
    }
    case 'impact':
      return rest ? { kind: 'impact', ref, text: rest } : invalid(`Say who and what is affected. ${usage('impact')}`);
    default:
      return { kind: 'unknown', name };
  }
}

/** `2026-12-01`, and a day that exists (not 2026-02-30). */
function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

function parseDeclare(rest: string, severityIds: readonly string[]): ParsedCommand {
  const [word, afterWord] = splitFirst(rest);
  if (!word) return { kind: 'declare', severity: undefined, title: '' };
  const lower = word.toLowerCase();
  if (severityIds.includes(lower)) return { kind: 'declare', severity: lower, title: afterWord };
  if (SEVERITY_LIKE.test(word)) return invalid(`Unknown severity "${word}". Choose one of: ${severityIds.join(', ')}.`);
  return { kind: 'declare', severity: undefined, title: rest.trim() };
}

export function helpText(): string {
  const lines = SUBCOMMANDS.map((s) => `• \`/incident ${s.usage}\` — ${s.summary}`);
  return [
    '*Firewatch* — `/incident` subcommands. Inside an incident channel the incident is implied; elsewhere, give `INC-<n>` first.',
    ...lines,
  ].join('\n');
}

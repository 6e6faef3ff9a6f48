/**
 * The `/incident` grammar: pure parsing of the command text into what was asked. Nothing here knows
 * about Slack payloads or the database.
 */
import { STATUSES } from '../incidents/status.js';

export interface SubcommandSpec {
  name: string;
  usage: string;
  summary: string;
  available: boolean;
}

export const SUBCOMMANDS: readonly SubcommandSpec[] = [
  { name: 'declare', usage: 'declare [sevN] [title]', summary: 'declare an incident (no title: opens a form)', available: true },
  { name: 'status', usage: 'status <status> [message]', summary: 'move the incident to another status', available: true },
  { name: 'update', usage: 'update [message]', summary: 'post a status update (no message: opens a form)', available: true },
  { name: 'severity', usage: 'severity <sevN>', summary: 'change the severity', available: true },
  { name: 'lead', usage: 'lead @user', summary: 'make someone the incident lead', available: true },
  { name: 'role', usage: 'role <role> @user', summary: 'assign a role', available: true },
  { name: 'page', usage: 'page <@user|policy> [message]', summary: 'page a person or an escalation policy (again: escalate it)', available: true },
  { name: 'oncall', usage: 'oncall [schedule]', summary: 'who is on call now, and the next hand-offs', available: true },
  { name: 'note', usage: 'note <text>', summary: 'add a note to the timeline', available: true },
  { name: 'followup', usage: 'followup <text> [@owner]', summary: 'record a follow-up (no text: list them)', available: true },
  { name: 'type', usage: 'type <type>', summary: 'set the incident type', available: true },
  { name: 'impact', usage: 'impact <text>', summary: 'record who and what is affected', available: true },
  { name: 'resolve', usage: 'resolve [summary]', summary: 'resolve the incident', available: true },
  { name: 'close', usage: 'close', summary: 'close a resolved incident', available: true },
  { name: 'postmortem', usage: 'postmortem', summary: 'compile the postmortem', available: false },
  { name: 'insights', usage: 'insights [7d|30d|90d]', summary: 'metrics across incidents', available: false },
  { name: 'digest', usage: 'digest', summary: 'preview the stakeholder digest, now, just for you', available: true },
  { name: 'list', usage: 'list', summary: 'open incidents', available: true },
  { name: 'subscribe', usage: 'subscribe', summary: "in an incident channel: that incident's updates by DM; elsewhere: the digest by DM", available: true },
  { name: 'unsubscribe', usage: 'unsubscribe', summary: 'stop those DMs', available: true },
  { name: 'help', usage: 'help', summary: 'this list', available: true },
];

/** `INC-<n>` when the command names its incident, else undefined (the channel's incident is meant). */
type Ref = number | undefined;

export type ParsedCommand =
  | { kind: 'declare'; severity: string | undefined; title: string }
  | { kind: 'status'; ref: Ref; status: string; message: string }
  | { kind: 'resolve'; ref: Ref; message: string }
  | { kind: 'close'; ref: Ref }
  | { kind: 'update'; ref: Ref; message: string }
  | { kind: 'severity'; ref: Ref; severity: string }
  | { kind: 'lead'; ref: Ref; user: string }
  | { kind: 'role'; ref: Ref; role: string; user: string }
  | { kind: 'note'; ref: Ref; text: string }
  | { kind: 'followup'; ref: Ref; text: string; owner: string | undefined }
  | { kind: 'type'; ref: Ref; type: string }
  | { kind: 'impact'; ref: Ref; text: string }
  | { kind: 'page'; ref: Ref; target: { user: string } | { policy: string }; message: string }
  | { kind: 'oncall'; schedule: string | undefined }
  | { kind: 'list' }
  | { kind: 'digest' }
  | { kind: 'subscribe' | 'unsubscribe'; ref: Ref }
  | { kind: 'help' }
  | { kind: 'unknown'; name: string }
  | { kind: 'unavailable'; name: string }
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
  if (!spec.available) return { kind: 'unavailable', name };
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
      if (word.startsWith('@')) return invalid(`"${word}" is not a mention: pick the person from Slack's @ menu so their name turns blue. ${usage('page')}`);
      return { kind: 'page', ref, target: { policy: word.toLowerCase() }, message };
    }
    case 'status': {
      const [status, message] = splitFirst(rest);
      if (!status) return invalid(`Say which status. ${usage('status')} — one of ${STATUSES.join(', ')}.`);
      const wanted = status.toLowerCase();
      if (!(STATUSES as readonly string[]).includes(wanted)) return invalid(`Unknown status "${status}". Statuses: ${STATUSES.join(', ')}.`);
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
      if (!context.severities.includes(wanted)) return invalid(`Unknown severity "${severity}". Choose one of: ${context.severities.join(', ')}.`);
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
      // A trailing mention names the owner.
      const owner = /\s*(<@[UW][A-Z0-9]+(?:\|[^>]*)?>)\s*$/.exec(rest);
      const ownerId = owner?.[1] ? MENTION.exec(owner[1])?.[1] : undefined;
      const body = owner ? rest.slice(0, owner.index).trim() : rest;
      if (!body && ownerId) return invalid(`Say what needs doing. ${usage('followup')}`);
      return { kind: 'followup', ref, text: body, owner: ownerId };
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
      return { kind: 'unavailable', name };
  }
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
  const lines = SUBCOMMANDS.map((s) => `• \`/incident ${s.usage}\` — ${s.summary}${s.available ? '' : ' _(not available yet)_'}`);
  return [
    '*Firewatch* — `/incident` subcommands. Inside an incident channel the incident is implied; elsewhere, give `INC-<n>` first.',
    ...lines,
  ].join('\n');
}

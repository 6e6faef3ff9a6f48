/**
 * The `/incident` grammar: pure parsing of the command text into what was asked. Nothing here knows
 * about Slack payloads or the database.
 */
export interface SubcommandSpec {
  name: string;
  usage: string;
  summary: string;
  available: boolean;
}

export const SUBCOMMANDS: readonly SubcommandSpec[] = [
  { name: 'declare', usage: 'declare [sevN] [title]', summary: 'declare an incident (no title: opens a form)', available: true },
  { name: 'status', usage: 'status <status> [message]', summary: 'move the incident to another status', available: false },
  { name: 'update', usage: 'update [message]', summary: 'post a status update (no message: opens a form)', available: false },
  { name: 'severity', usage: 'severity <sevN>', summary: 'change the severity', available: false },
  { name: 'lead', usage: 'lead @user', summary: 'make someone the incident lead', available: false },
  { name: 'role', usage: 'role <role> @user', summary: 'assign a role', available: false },
  { name: 'page', usage: 'page <@user|policy> [message]', summary: 'page a person or an escalation policy', available: false },
  { name: 'oncall', usage: 'oncall [schedule]', summary: 'who is on call now', available: false },
  { name: 'note', usage: 'note <text>', summary: 'add a note to the timeline', available: false },
  { name: 'followup', usage: 'followup <text> [@owner]', summary: 'record a follow-up (no text: list them)', available: false },
  { name: 'type', usage: 'type <type>', summary: 'set the incident type', available: false },
  { name: 'impact', usage: 'impact <text>', summary: 'record who and what is affected', available: false },
  { name: 'resolve', usage: 'resolve [summary]', summary: 'resolve the incident', available: false },
  { name: 'close', usage: 'close', summary: 'close a resolved incident', available: false },
  { name: 'postmortem', usage: 'postmortem', summary: 'compile the postmortem', available: false },
  { name: 'insights', usage: 'insights [7d|30d|90d]', summary: 'metrics across incidents', available: false },
  { name: 'digest', usage: 'digest', summary: 'preview the stakeholder digest', available: false },
  { name: 'list', usage: 'list', summary: 'open incidents', available: false },
  { name: 'subscribe', usage: 'subscribe', summary: 'get updates by DM', available: false },
  { name: 'unsubscribe', usage: 'unsubscribe', summary: 'stop getting updates by DM', available: false },
  { name: 'help', usage: 'help', summary: 'this list', available: true },
];

export type ParsedCommand =
  | { kind: 'declare'; severity: string | undefined; title: string }
  | { kind: 'help' }
  | { kind: 'unknown'; name: string }
  | { kind: 'unavailable'; name: string }
  | { kind: 'invalid'; message: string };

/** Words that look like a severity (`sev2`, `SEV12`) even when not configured, so a typo is not taken as a title. */
const SEVERITY_LIKE = /^sev\d+$/i;

/**
 * Parses the text after `/incident`. `severityIds` are the configured severities, so `declare p1 …` works
 * for a config that names its severities p1…p4.
 */
export function parseCommand(text: string, severityIds: readonly string[]): ParsedCommand {
  const trimmed = text.trim();
  if (!trimmed) return { kind: 'help' };
  const match = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  const name = (match?.[1] ?? '').toLowerCase();
  const rest = match?.[2] ?? '';
  const spec = SUBCOMMANDS.find((s) => s.name === name);
  if (!spec) return { kind: 'unknown', name };
  if (!spec.available) return { kind: 'unavailable', name };
  switch (name) {
    case 'declare':
      return parseDeclare(rest, severityIds);
    default:
      return { kind: 'help' };
  }
}

function parseDeclare(rest: string, severityIds: readonly string[]): ParsedCommand {
  const first = /^(\S+)\s*([\s\S]*)$/.exec(rest);
  if (!first) return { kind: 'declare', severity: undefined, title: '' };
  const word = (first[1] ?? '').toLowerCase();
  if (severityIds.includes(word)) return { kind: 'declare', severity: word, title: (first[2] ?? '').trim() };
  if (SEVERITY_LIKE.test(word)) {
    return { kind: 'invalid', message: `Unknown severity "${first[1]}". Choose one of: ${severityIds.join(', ')}.` };
  }
  return { kind: 'declare', severity: undefined, title: rest.trim() };
}

export function helpText(): string {
  const lines = SUBCOMMANDS.map((s) => `• \`/incident ${s.usage}\` — ${s.summary}${s.available ? '' : ' _(not available yet)_'}`);
  return [
    '*Firewatch* — `/incident` subcommands. Inside an incident channel the incident is implied; elsewhere, give `INC-<n>` first.',
    ...lines,
  ].join('\n');
}

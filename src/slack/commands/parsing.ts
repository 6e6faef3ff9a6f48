/**
 * The pieces of the `/incident` grammar more than one subcommand reads: words, incident refs, mentions, and
 * how a refusal is worded. Pure text in, text out.
 */

/** `INC-<n>` when the command names its incident, else undefined (the channel's incident is meant). */
export type Ref = number | undefined;

/** What a subcommand's parser gets: the incident named, if any, and the text after the subcommand's name. */
export interface Args {
  ref: Ref;
  rest: string;
}

/** The configured values, so a bad one is explained with what is allowed. */
export interface GrammarContext {
  severities: readonly string[];
  roles: readonly string[];
  types: readonly string[];
}

export interface Invalid {
  kind: 'invalid';
  message: string;
}

export const INCIDENT_REF = /^inc-(\d{1,9})$/i;
/** A user mention as Slack escapes it: `<@U123>` or `<@U123|name>`. */
export const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

export function splitFirst(text: string): [string, string] {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text.trim());
  return match ? [match[1] ?? '', (match[2] ?? '').trim()] : ['', ''];
}

export function invalid(message: string): Invalid {
  return { kind: 'invalid', message };
}

/** Words that look like a severity (`sev2`, `SEV12`) even when not configured, so a typo is not taken as a title. */
const SEVERITY_LIKE = /^sev\d+$/i;

/** `[sevN] [title]`, as declaring reads it: an unknown severity is refused with the configured ones. */
export function severityAndTitle(rest: string, severities: readonly string[]): { severity: string | undefined; title: string } | Invalid {
  const [word, afterWord] = splitFirst(rest);
  if (!word) return { severity: undefined, title: '' };
  const lower = word.toLowerCase();
  if (severities.includes(lower)) return { severity: lower, title: afterWord };
  if (SEVERITY_LIKE.test(word)) return invalid(`Unknown severity "${word}". Choose one of: ${severities.join(', ')}.`);
  return { severity: undefined, title: rest.trim() };
}

export function usageHint(usage: string): string {
  return `Usage: \`/incident ${usage}\``;
}

/** A plain `@name` cannot be resolved to a user, so it gets an explanation of how to mention instead. */
export function notAMention(word: string, usage: string): Invalid {
  return invalid(`"${word}" is not a mention: pick the person from Slack's @ menu so their name turns blue. ${usageHint(usage)}`);
}

/** The user id of a mention, or the refusal that explains how to name the person. */
export function mentionedUser(word: string, usage: string): { user: string } | { error: Invalid } {
  const match = MENTION.exec(word);
  if (match?.[1]) return { user: match[1] };
  if (!word) return { error: invalid(`Name the person with an @-mention. ${usageHint(usage)}`) };
  return { error: notAMention(word, usage) };
}

import { actorName, isPerson } from '../../incidents/people.js';
/** Escapes user text for mrkdwn so `<!channel>` or `<@U…>` in a title is shown, never acted on. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// What must stay whole: a `<…>` token (mention, link, date) and an entity, both as Slack reads them.
const UNCUTTABLE = /<[^<>]*>|&(?:[a-zA-Z]+|#\d+|#x[\da-fA-F]+);/g;

/**
 * Cuts text to a Block Kit limit (counted in UTF-16 units, as the limit is checked), marking the cut.
 * The cut falls between code points, so no emoji is split into a lone surrogate, and before a token or
 * an entity it would land in, so no half `<@U…` or `&am` is left for Slack to show or choke on.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = 0;
  for (const char of text) {
    if (cut + char.length > max - 1) break;
    cut += char.length;
  }
  for (const match of text.matchAll(UNCUTTABLE)) {
    if (match.index >= cut) break;
    if (match.index + match[0].length > cut) cut = match.index;
  }
  return `${text.slice(0, cut)}…`;
}

/** A timestamp Slack shows in each viewer's own time zone, with a UTC fallback. */
export function slackDate(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  const fallback = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${seconds}^{date_short_pretty} at {time}|${fallback}>`;
}

/** A person as a mention; an alert source (`alert:<integration>`) or the API by its name. */
export const mention = (userId: string) => (isPerson(userId) ? `<@${userId}>` : `*${actorName(userId)}*`);
export const channelLink = (channelId: string) => `<#${channelId}>`;

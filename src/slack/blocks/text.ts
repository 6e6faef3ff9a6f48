/** Escapes user text for mrkdwn so `<!channel>` or `<@U…>` in a title is shown, never acted on. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts text to a Block Kit limit, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A timestamp Slack shows in each viewer's own time zone, with a UTC fallback. */
export function slackDate(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  const fallback = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${seconds}^{date_short_pretty} at {time}|${fallback}>`;
}

/** A person as a mention; an alert source (`alert:<integration>`) by its integration's name. */
export const mention = (userId: string) => (userId.startsWith('alert:') ? `*${userId.slice('alert:'.length)}*` : `<@${userId}>`);
export const channelLink = (channelId: string) => `<#${channelId}>`;

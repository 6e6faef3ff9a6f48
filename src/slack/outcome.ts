import type { Message, Outcome } from '../outcome.js';

/** A domain message as Slack shows it: people as mentions, Firewatch commands as code. */
export function mrkdwn(message: Message): string {
  return message
    .map((part) => (typeof part === 'string' ? part : 'user' in part ? `<@${part.user}>` : `\`/incident ${part.command}\``))
    .join('');
}

/** An outcome as the person who asked sees it: a refusal carries a warning sign. */
export const say = (outcome: Outcome): string => (outcome.ok ? mrkdwn(outcome.message) : `⚠️ ${mrkdwn(outcome.message)}`);

import type { KnownBlock } from '@slack/types';
import type { AlertDecision } from '../../workflow/alert-decisions.js';
import { escapeMrkdwn, truncate } from './text.js';

// Slack refuses a message of more than 50 blocks and a section of more than 3000 characters.
const MAX_BLOCKS = 50;
const SECTION_MAX = 3000;

function line(d: AlertDecision): string {
  const state = d.status === 'firing' ? '🔔 firing' : '✅ resolved';
  return truncate(
    `${state} · *${escapeMrkdwn(d.title)}* from *${escapeMrkdwn(d.integrationId)}*\n_${escapeMrkdwn(d.reason)}_`,
    SECTION_MAX,
  );
}

/** The incident's alerts, each with why it went there; past the block limit, how many more there are. */
export function alertDecisionsMessage(key: string, decisions: readonly AlertDecision[]): { text: string; blocks: KnownBlock[] } {
  if (decisions.length === 0) {
    const text = `${key} has no alerts: it was not opened or joined by one.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const text = `${key}: ${decisions.length} alert${decisions.length === 1 ? '' : 's'}, each with why it went there`;
  const room = decisions.length + 1 > MAX_BLOCKS ? MAX_BLOCKS - 2 : decisions.length;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
    ...decisions.slice(0, room).map((d): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: line(d) } })),
  ];
  const more = decisions.length - room;
  if (more > 0)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${more} more alert${more === 1 ? '' : 's'} not shown.` }] });
  return { text, blocks };
}

import type { KnownBlock } from '@slack/types';
import type { AlertDecision } from '../../workflow/alert-decisions.js';
import type { OutsideAlert, OutsideAlerts } from '../../workflow/alerts-outside.js';
import { escapeMrkdwn, mention, slackDate, truncate } from './text.js';

// Slack refuses a message of more than 50 blocks and a section of more than 3000 characters.
const MAX_BLOCKS = 50;
const SECTION_MAX = 3000;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function line(d: AlertDecision): string {
  const state = d.status === 'firing' ? '🔔 firing' : '✅ resolved';
  // The line is the alert's first event; the repeats and resolves after it are counted, not listed.
  const events = d.events > 1 ? ` · ${d.events} events` : '';
  return truncate(
    `${state} · *${escapeMrkdwn(d.title)}* from *${escapeMrkdwn(d.integrationId)}*${events}\n_${escapeMrkdwn(d.reason)}_`,
    SECTION_MAX,
  );
}

/** A heading, a section a line, and past the block limit how many lines more there are. */
function listBlocks(heading: string, lines: readonly string[], total: number, noun: string): KnownBlock[] {
  const room = Math.min(lines.length, total + 1 > MAX_BLOCKS ? MAX_BLOCKS - 2 : total);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`*${heading}*`, SECTION_MAX) } },
    ...lines.slice(0, room).map((text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  ];
  const more = total - room;
  if (more > 0)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${more} more ${noun}${more === 1 ? '' : 's'} not shown.` }] });
  return blocks;
}

/** The incident's alerts, each with why it went there; past the block limit, how many more there are. */
export function alertDecisionsMessage(key: string, decisions: readonly AlertDecision[]): { text: string; blocks: KnownBlock[] } {
  if (decisions.length === 0) {
    const text = `${key} has no alerts: it was not opened or joined by one.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const text = `${key}: ${plural(decisions.length, 'alert')}, each with why it went there`;
  return { text, blocks: listBlocks(text, decisions.map(line), decisions.length, 'alert') };
}

/** How many alerts `/incident alerts` outside an incident can show: a heading and a "more" line leave 48. */
export const OUTSIDE_SHOWN = MAX_BLOCKS - 2;

const OUTSIDE_STATE: Record<OutsideAlert['outcome'], string> = { silenced: '🔕 silenced', dropped: '🗑️ dropped', waiting: '⏳ waiting' };

function outsideLine(a: OutsideAlert, silences: OutsideAlerts['silences']): string {
  const times = a.events > 1 ? ` · ${a.events} times` : '';
  const s = a.silence ? silences.get(a.silence) : undefined;
  const silence = s
    ? `\n${a.silence} by ${mention(s.createdBy)} until ${slackDate(s.endsAt)}${s.comment ? `: “${escapeMrkdwn(s.comment)}”` : ''}`
    : '';
  return truncate(
    `${OUTSIDE_STATE[a.outcome]} · *${escapeMrkdwn(a.title)}* from *${escapeMrkdwn(a.integrationId)}* · ${slackDate(a.receivedAt)}${times}\n_${escapeMrkdwn(a.reason)}_${silence}`,
    SECTION_MAX,
  );
}

/** The recent alerts that opened or joined no incident, each with why; past the block limit, how many more there are. */
export function alertsOutsideMessage(found: OutsideAlerts, period: string): { text: string; blocks: KnownBlock[] } {
  if (found.total === 0) {
    const text = `No alert of the last ${period} was silenced, dropped or left waiting: each opened or joined an incident, or none came.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const text = `${plural(found.total, 'alert')} of the last ${period} opened or joined no incident (the latest first), each with why`;
  return {
    text,
    blocks: listBlocks(
      text,
      found.alerts.map((a) => outsideLine(a, found.silences)),
      found.total,
      'alert',
    ),
  };
}

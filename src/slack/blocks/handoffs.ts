// The hand-off post in a schedule's channel and the DM to whoever comes on call. Times are `<!date>`
// tokens, so each reader sees them in their own time zone.
import type { KnownBlock } from '@slack/types';
import { incidentKey } from '../../incidents/queries.js';
import { statusLabel } from '../../incidents/status.js';
import type { HandoffFacts } from '../../paging/handoff-run.js';
import type { SlackMessage } from './incident.js';
import { escapeMrkdwn, mention, slackDate, truncate } from './text.js';

/** How many open incidents and unacknowledged pages a hand-off names; the rest are counted. */
const LISTED = 10;

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } });

const untilText = (facts: HandoffFacts) => (facts.until ? `until ${slackDate(facts.until)}` : 'with no hand-off ahead');

/** A time to acknowledge: "45s", "2m03s", "1h05m". */
export function ackTimeText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The shift that ended: who, since when, and what it brought. */
function endedText({ ended, at }: HandoffFacts): string {
  if (!ended.user) return `*Before:* nobody was on call since ${slackDate(ended.start)}.`;
  const acks = ended.acknowledged
    ? `${plural(ended.acknowledged, 'acknowledgement')}${ended.medianAckMs === null ? '' : ` (median ${ackTimeText(ended.medianAckMs)})`}`
    : 'no acknowledgements';
  return [
    `*Shift that ended:* ${mention(ended.user)}, ${slackDate(ended.start)} – ${slackDate(at)}`,
    `${plural(ended.pages, 'page')} (${ended.nightPages} at night) · ${acks} · ${plural(ended.incidents, 'incident')}`,
  ].join('\n');
}

/** What is still open: the incidents that concern the schedule, and their pages nobody acknowledged. */
function openText({ open }: HandoffFacts): string {
  if (open.incidents.length === 0) return '*Still open:* nothing.';
  const lines = open.incidents.slice(0, LISTED).map((i) => {
    const waiting = open.unacknowledged.filter((p) => p.incidentId === i.id).length;
    const pages = waiting ? ` · ⚠️ ${plural(waiting, 'page')} not acknowledged` : '';
    return `• *${incidentKey(i.id)}* ${escapeMrkdwn(i.title)} (${i.severity.toUpperCase()}, ${statusLabel(i.status)})${pages}`;
  });
  if (open.incidents.length > LISTED) lines.push(`…and ${open.incidents.length - LISTED} more open incidents.`);
  const waiting = open.unacknowledged.length;
  const head = `*Still open:* ${plural(open.incidents.length, 'incident')}, ${plural(waiting, 'page')} not acknowledged`;
  return [head, ...lines].join('\n');
}

/** The post in the schedule's channel. */
export function handoffPost(facts: HandoffFacts): SlackMessage {
  const now = facts.incoming
    ? `🔄 *${escapeMrkdwn(facts.scheduleId)}*: ${mention(facts.incoming)} is on call now, ${untilText(facts)}.`
    : `⚠️ *${escapeMrkdwn(facts.scheduleId)}*: nobody is on call now, ${untilText(facts)}.`;
  const fallback = `${facts.scheduleId}: ${facts.incoming ? `${facts.incoming} is on call now` : 'nobody is on call now'}`;
  return { text: fallback, blocks: [section(now), section(endedText(facts)), section(openText(facts))] };
}

/** The DM to the person coming on: the same facts, addressed to them. */
export function handoffDm(facts: HandoffFacts): SlackMessage {
  const ends = facts.until ? `Your shift ends ${slackDate(facts.until)}.` : 'No hand-off is scheduled after yours.';
  const now = `📟 You are on call for *${escapeMrkdwn(facts.scheduleId)}* from ${slackDate(facts.at)}. ${ends}`;
  return {
    text: `You are on call for ${facts.scheduleId} now`,
    blocks: [section(now), section(endedText(facts)), section(openText(facts))],
  };
}

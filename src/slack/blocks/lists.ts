import type { KnownBlock } from '@slack/types';
import type { Followup, Incident } from '../../db/schema.js';
import { incidentKey } from '../../incidents/queries.js';
import { statusLabel } from '../../incidents/status.js';
import { channelLink, escapeMrkdwn, mention, truncate } from './text.js';
import { dueDay } from '../../incidents/followups.js';

export const FOLLOWUP_DONE_ACTION = 'followup_done';

/** Whole minutes, hours and days, as people say an age. */
export function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

interface ListWords {
  none: string;
  heading: string;
  /** The fallback text: how many, in words. */
  count: (n: number) => string;
}

const INCIDENT_WORDS: ListWords = {
  none: 'No open incidents. 🎉',
  heading: 'Open incidents',
  count: (n) => `${n} open incident${n === 1 ? '' : 's'}`,
};

const DRILL_WORDS: ListWords = {
  none: 'No drills running. Start one: `/incident drill [sevN] [title]`.',
  heading: '🧪 Drills running',
  count: (n) => `${n} drill${n === 1 ? '' : 's'} running`,
};

function listMessage(words: ListWords, incidents: Incident[], now: Date): { text: string; blocks: KnownBlock[] } {
  if (incidents.length === 0) return { text: words.none, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: words.none } }] };
  const shown = incidents.slice(0, 45);
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: `${words.heading} (${incidents.length})` } }];
  for (const incident of shown) {
    const where = incident.channelId ? channelLink(incident.channelId) : '_channel pending_';
    const lead = incident.leadId ? mention(incident.leadId) : 'no lead';
    const line = `*${incidentKey(incident.id)}* ${escapeMrkdwn(incident.title)}\n${incident.severity.toUpperCase()} · ${statusLabel(incident.status)} · ${lead} · ${formatAge(now.getTime() - incident.createdAt.getTime())} old · ${where}${incident.isPrivate ? ' · 🔒' : ''}`;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(line, 3000) } });
  }
  if (incidents.length > shown.length)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${incidents.length - shown.length} more.` }] });
  return { text: words.count(incidents.length), blocks };
}

/** Open incidents, one section each while they fit in a message, then a count of the rest. */
export function incidentListMessage(incidents: Incident[], now: Date): { text: string; blocks: KnownBlock[] } {
  return listMessage(INCIDENT_WORDS, incidents, now);
}

/** The drills running, listed like incidents under a heading that says they are practice. */
export function drillListMessage(drills: Incident[], now: Date): { text: string; blocks: KnownBlock[] } {
  return listMessage(DRILL_WORDS, drills, now);
}

/** A follow-up list with a Done button on each open item. */
export function followupListMessage(incident: Incident, items: Followup[]): { text: string; blocks: KnownBlock[] } {
  const key = incidentKey(incident.id);
  if (items.length === 0) {
    const text = `No follow-ups on ${key} yet. Add one: \`/incident followup <what needs doing> @owner\`.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*Follow-ups of ${key}*` } }];
  for (const item of items.slice(0, 45)) {
    const owner = item.ownerId ? mention(item.ownerId) : 'no owner';
    const due = item.dueAt ? ` · due ${dueDay(item.dueAt)}` : '';
    if (item.doneAt) {
      blocks.push({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(`✅ ~${escapeMrkdwn(item.text)}~ · ${owner} · done${item.doneBy ? ` by ${mention(item.doneBy)}` : ''}`, 3000),
        },
      });
    } else {
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: truncate(`◻️ ${escapeMrkdwn(item.text)} · ${owner}${due}`, 3000) },
        accessory: { type: 'button', action_id: FOLLOWUP_DONE_ACTION, text: { type: 'plain_text', text: 'Done' }, value: String(item.id) },
      });
    }
  }
  const open = items.filter((i) => !i.doneAt).length;
  return { text: `${items.length} follow-ups on ${key}, ${open} open`, blocks };
}

/** The one DM an owner gets when their follow-up's due date passed. */
export function overdueFollowupMessage(incident: Incident, item: Followup): { text: string; blocks: KnownBlock[] } {
  const due = item.dueAt ? ` (due ${dueDay(item.dueAt)})` : '';
  const text = `⏳ Your follow-up from *${incidentKey(incident.id)}* is overdue${due}: ${escapeMrkdwn(item.text)}`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: truncate(text, 3000) },
        accessory: {
          type: 'button',
          action_id: FOLLOWUP_DONE_ACTION,
          style: 'primary',
          text: { type: 'plain_text', text: 'Done' },
          value: String(item.id),
        },
      },
    ],
  };
}

import type { KnownBlock } from '@slack/types';
import type { DigestData } from '../../digests/build.js';
import { isQuiet } from '../../digests/build.js';
import { incidentKey } from '../../incidents/queries.js';
import { statusLabel } from '../../incidents/status.js';
import { formatAge } from './lists.js';
import { channelLink, escapeMrkdwn, mention, slackDate, truncate } from './text.js';

const MAX_BLOCKS = 50;
const MAX_SECTION = 3_000;

/** One line per incident, whatever its title holds. */
const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ');

/** " · affects Payments API (tier 1), Postgres (tier 1)", or nothing. */
const affects = (services: readonly string[] | undefined) =>
  services?.length ? ` · affects ${escapeMrkdwn(truncate(services.join(', '), 300))}` : '';

function openLine(incident: DigestData['open'][number]['incidents'][number], now: Date): string {
  const lead = incident.leadId ? `Lead ${mention(incident.leadId)}` : 'no lead';
  const age = formatAge(now.getTime() - Date.parse(incident.createdAt));
  const update = incident.lastUpdate
    ? `last update ${formatAge(now.getTime() - Date.parse(incident.lastUpdate.at))} ago: _${escapeMrkdwn(truncate(oneLine(incident.lastUpdate.firstLine), 150))}_`
    : 'no update yet';
  const where = incident.channelId ? ` · ${channelLink(incident.channelId)}` : '';
  return `• *${incidentKey(incident.id)}* ${escapeMrkdwn(truncate(oneLine(incident.title), 150))} — ${statusLabel(incident.status)} · ${lead} · open ${age} · ${update}${affects(incident.services)}${where}`;
}

function resolvedLine(incident: DigestData['resolved'][number]): string {
  const where = incident.channelId ? ` · ${channelLink(incident.channelId)}` : '';
  return `• *${incidentKey(incident.id)}* ${escapeMrkdwn(truncate(oneLine(incident.title), 150))} (${incident.severity.toUpperCase()}) — resolved after ${formatAge(incident.durationMs)}${affects(incident.services)}${where}`;
}

/** Packs lines into as few sections as Slack's 3,000-character limit allows, counting the lines in each. */
function sections(lines: string[]): Array<{ text: string; count: number }> {
  const out: Array<{ text: string; count: number }> = [];
  let current = { text: '', count: 0 };
  for (const line of lines) {
    const next = current.text ? `${current.text}\n${line}` : line;
    if (next.length > MAX_SECTION && current.count) {
      out.push(current);
      current = { text: line, count: 1 };
    } else {
      current = { text: next, count: current.count + 1 };
    }
  }
  if (current.count) out.push(current);
  return out;
}

/**
 * The digest in Block Kit, within Slack's limits (50 blocks, 3,000 characters a section): what does not
 * fit is counted in an "and N more" line pointing at /incident list.
 */
export function renderDigest(digest: DigestData): { text: string; blocks: KnownBlock[] } {
  const now = new Date(digest.generatedAt);
  const since = new Date(digest.since);
  if (isQuiet(digest)) {
    const text = `✅ All clear: no open incidents, and none resolved since ${slackDate(since)}.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const openCount = digest.open.reduce((n, g) => n + g.incidents.length, 0);
  const overdue = digest.overdueFollowups
    ? ` · ⏳ ${digest.overdueFollowups} follow-up${digest.overdueFollowups === 1 ? '' : 's'} overdue`
    : '';
  const summary = `${openCount} open · ${digest.resolved.length} resolved since ${slackDate(since)}${overdue}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: '📋 Incident digest' } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: summary }] },
  ];
  // One block stays free for the "and N more" line.
  const room = () => MAX_BLOCKS - 1 - blocks.length;
  let omittedOpen = 0;
  let omittedResolved = 0;
  for (const group of digest.open) {
    const lines = group.incidents.map((i) => openLine(i, now));
    const packed = sections(lines);
    if (room() < 2) {
      omittedOpen += group.incidents.length;
      continue;
    }
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${group.severity.toUpperCase()} · ${escapeMrkdwn(group.label)}* (${group.incidents.length})` },
    });
    let shown = 0;
    for (const section of packed) {
      if (room() < 1) break;
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: section.text } });
      shown += section.count;
    }
    omittedOpen += group.incidents.length - shown;
  }
  if (digest.resolved.length) {
    if (room() >= 2) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Resolved since ${slackDate(since)}* (${digest.resolved.length})` } });
      let shown = 0;
      for (const section of sections(digest.resolved.map(resolvedLine))) {
        if (room() < 1) break;
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: section.text } });
        shown += section.count;
      }
      omittedResolved = digest.resolved.length - shown;
    } else {
      omittedResolved = digest.resolved.length;
    }
  }
  if (omittedOpen || omittedResolved) {
    const parts = [
      omittedOpen ? `${omittedOpen} more open incident${omittedOpen === 1 ? '' : 's'}` : '',
      omittedResolved ? `${omittedResolved} more resolved` : '',
    ].filter(Boolean);
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${parts.join(' and ')}. Run \`/incident list\` for every open incident.` }],
    });
  }
  return { text: `Incident digest: ${openCount} open, ${digest.resolved.length} resolved`, blocks };
}

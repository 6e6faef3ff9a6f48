import type { KnownBlock } from '@slack/types';
import type { Distribution, Insights } from '../../postmortems/insights.js';
import { formatDurationMs } from '../../postmortems/metrics.js';
import type { SlackMessage } from './incident.js';
import { escapeMrkdwn, truncate } from './text.js';

function change(current: number, previous: number): string {
  if (previous === 0) return current === 0 ? 'no change' : `new (none before)`;
  const pct = Math.round(((current - previous) / previous) * 100);
  return pct === 0 ? 'no change' : `${pct > 0 ? '▲' : '▼'} ${Math.abs(pct)}% vs ${previous}`;
}

function distribution(name: string, d: { current: Distribution; previous: Distribution }): string {
  const now = `median ${formatDurationMs(d.current.median)}, p90 ${formatDurationMs(d.current.p90)} (${d.current.count})`;
  const before = `median ${formatDurationMs(d.previous.median)}, p90 ${formatDurationMs(d.previous.p90)}`;
  return `*${name}:* ${now} · previous period: ${before}`;
}

/** The insights report: counts, response times and recurring problems, each against the previous period. */
export function insightsMessage(insights: Insights): SlackMessage {
  const period = `the last ${insights.days} days`;
  const severity =
    insights.bySeverity.map((s) => `${s.severity.toUpperCase()} ${s.current} (${change(s.current, s.previous)})`).join(' · ') || 'none';
  const types = insights.byType.map((t) => `${escapeMrkdwn(t.type)} ${t.current} (${change(t.current, t.previous)})`).join(' · ') || 'none';
  const groups = insights.topAlertGroups.map((g) => `\`${escapeMrkdwn(truncate(g.group, 80))}\` ×${g.count}`).join(', ') || 'none';
  const words = insights.topTitleWords.map((w) => `${escapeMrkdwn(w.word)} ×${w.count}`).join(', ') || 'none';
  const services =
    insights.byService?.map((s) => `${escapeMrkdwn(s.service)} ${s.current} (${change(s.current, s.previous)})`).join(' · ') || 'none';
  const exposed =
    insights.dependenciesAffected
      ?.map((d) => `${escapeMrkdwn(d.service)} ×${d.count} (via ${escapeMrkdwn(d.via.join(', '))})`)
      .join(', ') || 'none';
  const f = insights.followups;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `📈 Incident insights: ${period}` } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*Incidents:* ${insights.incidents.current} (${change(insights.incidents.current, insights.incidents.previous)})\n*By severity:* ${severity}\n*By type:* ${types}`,
          3000,
        ),
      },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `${distribution('Time to acknowledge', insights.timeToAcknowledge)}\n${distribution('Time to resolve', insights.timeToResolve)}`,
          3000,
        ),
      },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*Recurring alert groups:* ${groups}\n*Recurring words in titles:* ${words}`, 3000) },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(`*Incidents by service:* ${services}\n*Services whose dependencies were affected:* ${exposed}`, 3000),
      },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*Follow-ups:* ${f.opened} opened, ${f.done} done, ${f.overdue} overdue${f.overdue ? ' ⚠️' : ''}` },
    },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'Declined incidents are left out. `/incident insights 7d|30d|90d` for another period.' }],
    },
  ];
  return { text: `Incident insights for ${period}: ${insights.incidents.current} incidents`, blocks };
}

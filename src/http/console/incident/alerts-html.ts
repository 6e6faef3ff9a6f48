// The incident's alerts on its console page, each with why it went where it went (the pipeline's reason).
import type { AlertDecision } from '../../../workflow/alert-decisions.js';
import { escapeHtml } from '../../html.js';
import { timeHtml } from './timeline-html.js';

const labelsText = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');

// Only each alert's first event is a row: how many came in all says it repeated (or fired and resolved).
const eventsText = (n: number): string => (n > 1 ? ` <span class="muted">(${n} events)</span>` : '');

export function alertsHtml(alerts: readonly AlertDecision[]): string {
  if (alerts.length === 0) return '';
  const rows = alerts
    .map(
      (a) =>
        `<tr><td>${escapeHtml(a.title)}<br><code class="muted">${escapeHtml(labelsText(a.labels))}</code></td>` +
        `<td>${escapeHtml(a.integrationId)}</td><td>${a.status === 'firing' ? 'Firing' : 'Resolved'} ${timeHtml(a.lastReceivedAt)}${eventsText(a.events)}</td>` +
        `<td>${escapeHtml(a.reason)}</td></tr>`,
    )
    .join('');
  return (
    `<section class="card" aria-labelledby="alerts"><h2 id="alerts">Alerts (${alerts.length})</h2>` +
    `<table><thead><tr><th scope="col">Alert</th><th scope="col">Source</th><th scope="col">Latest</th><th scope="col">Why</th></tr></thead>` +
    `<tbody>${rows}</tbody></table></section>`
  );
}

// The incident's outbound webhook deliveries on its console page: where each went and how it went.
import type { WebhookDelivery } from '../../../db/schema.js';
import { escapeHtml } from '../../html.js';
import { timeHtml } from './timeline-html.js';

const STATUS = { pending: 'Retrying', delivered: 'Delivered', failed: 'Failed' } as const;

function statusText(d: WebhookDelivery): string {
  if (d.status === 'pending' && d.attempts === 0) return 'Waiting';
  const answer = d.lastError ?? (d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : '');
  return answer ? `${STATUS[d.status]} (${answer})` : STATUS[d.status];
}

export function webhooksHtml(deliveries: readonly WebhookDelivery[]): string {
  if (deliveries.length === 0) return '';
  const rows = deliveries
    .map(
      (d) =>
        `<tr><td>${escapeHtml(d.webhookId)}</td><td><code>${escapeHtml(d.eventType)}</code></td>` +
        `<td>${escapeHtml(statusText(d))}</td><td>${d.attempts}</td><td>${d.lastAttemptAt ? timeHtml(d.lastAttemptAt) : '—'}</td></tr>`,
    )
    .join('');
  return (
    `<section class="card" aria-labelledby="webhook-deliveries"><h2 id="webhook-deliveries">Webhook deliveries (${deliveries.length})</h2>` +
    `<table><thead><tr><th scope="col">Webhook</th><th scope="col">Event</th><th scope="col">Status</th>` +
    `<th scope="col">Attempts</th><th scope="col">Last attempt</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

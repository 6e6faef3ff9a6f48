// Which timeline events are webhook events: one pure mapping, so every path that records an event
// (one at a time or in bulk) sends the same types.
import type { WebhookEvent } from '../config/webhooks.js';

/** A recorded timeline event as any insert returns it. */
export interface RecordedEvent {
  id: number;
  incidentId: number;
  kind: string;
  data: unknown;
  occurredAt?: Date;
}

const DIRECT: Readonly<Record<string, WebhookEvent>> = {
  declared: 'incident.declared',
  status_update: 'incident.updated',
  page_triggered: 'page.triggered',
  page_acknowledged: 'page.acknowledged',
  page_exhausted: 'page.exhausted',
  followup_added: 'followup.created',
  followup_done: 'followup.done',
};

/** The webhook event type of a timeline event, or undefined for the kinds webhooks do not carry. */
export function webhookEventOf(kind: string, data: unknown): WebhookEvent | undefined {
  if (Object.hasOwn(DIRECT, kind)) return DIRECT[kind];
  if (kind !== 'status_changed') return undefined;
  const to = data && typeof data === 'object' ? (data as { to?: unknown }).to : undefined;
  if (to === 'resolved') return 'incident.resolved';
  if (to === 'closed') return 'incident.closed';
  return 'incident.status_changed';
}

/** Which webhooks hear of an event: those subscribed to it, and for a private incident only those that may. */
export function subscribedWebhooks<W extends { events: readonly string[]; include_private: boolean }>(
  webhooks: readonly W[],
  type: WebhookEvent,
  incident: { isPrivate: boolean; drill: boolean },
): W[] {
  if (incident.drill) return [];
  return webhooks.filter((w) => w.events.includes(type) && (!incident.isPrivate || w.include_private));
}

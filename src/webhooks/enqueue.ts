// Webhook deliveries are written in the transaction of the change they report: a committed change is
// always sent, a rolled-back one never is.
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { WebhookConfig } from '../config/webhooks.js';
import type { Tx } from '../db/client.js';
import { incidents, webhookDeliveries, type Incident } from '../db/schema.js';
import { enqueueForIncidents } from '../outbox/enqueue.js';
import { activeWebhooks } from './active.js';
import { subscribedWebhooks, webhookEventOf, type RecordedEvent } from './events.js';
import { webhookBody, webhookIncident, type WebhookBody } from './payload.js';

interface Planned {
  webhook: WebhookConfig;
  type: string;
  incident: Incident;
  data: Omit<WebhookBody['data'], 'incident'>;
  at: Date;
}

async function write(tx: Tx, planned: readonly Planned[], publicUrl: string): Promise<void> {
  if (planned.length === 0) return;
  const rows = await tx
    .insert(webhookDeliveries)
    .values(
      planned.map((p) => ({
        messageId: `msg_${randomUUID()}`,
        webhookId: p.webhook.id,
        eventType: p.type,
        incidentId: p.incident.id,
        body: webhookBody(p.type, p.at, { ...p.data, incident: webhookIncident(p.incident, publicUrl) }),
      })),
    )
    .returning({ id: webhookDeliveries.id, incidentId: webhookDeliveries.incidentId });
  // Each delivery has a key of its own: a receiver that is down for hours holds up no other delivery.
  await enqueueForIncidents(
    tx,
    rows.map((row) => ({
      incidentId: row.incidentId,
      orderingKey: `webhook:${row.id}`,
      effect: { kind: 'webhook.deliver' as const, payload: { deliveryId: row.id } },
    })),
  );
}

/** Enqueues the deliveries of just-recorded timeline events, one per event per subscribed webhook. */
export async function enqueueWebhookEvents(tx: Tx, events: readonly RecordedEvent[]): Promise<void> {
  const active = activeWebhooks();
  if (!active || active.config.webhooks.length === 0) return;
  const typed = events.flatMap((event) => {
    const type = webhookEventOf(event.kind, event.data);
    return type ? [{ event, type }] : [];
  });
  if (typed.length === 0) return;
  const ids = [...new Set(typed.map((t) => t.event.incidentId))];
  const found = await tx.select().from(incidents).where(inArray(incidents.id, ids));
  const byId = new Map(found.map((i) => [i.id, i]));
  const planned = typed.flatMap(({ event, type }) => {
    const incident = byId.get(event.incidentId);
    if (!incident) return [];
    const data = { event: { ...(event.data as Record<string, unknown>) } };
    const at = event.occurredAt ?? new Date();
    return subscribedWebhooks(active.config.webhooks, type, incident).map((webhook) => ({ webhook, type, incident, data, at }));
  });
  await write(tx, planned, active.publicUrl);
}

/**
 * One `workflow.triggered` delivery to a webhook, whatever events it subscribes to; a private incident
 * still goes only to a webhook that takes private incidents, and a drill to none.
 */
export async function enqueueWorkflowWebhook(
  tx: Tx,
  webhooks: readonly WebhookConfig[],
  publicUrl: string,
  webhookId: string,
  incidentId: number,
  workflowId: string,
): Promise<string | undefined> {
  const webhook = webhooks.find((w) => w.id === webhookId);
  if (!webhook) throw new Error(`no webhook "${webhookId}" is configured`);
  const [incident] = await tx.select().from(incidents).where(eq(incidents.id, incidentId));
  if (!incident) return 'the incident is gone';
  if (incident.drill) return 'a drill is never sent';
  if (incident.isPrivate && !webhook.include_private) return `the incident is private and ${webhookId} has no include_private`;
  await write(tx, [{ webhook, type: 'workflow.triggered', incident, data: { workflow: workflowId }, at: new Date() }], publicUrl);
  return undefined;
}

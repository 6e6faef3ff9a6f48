import { asc, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { webhookDeliveries, type WebhookDelivery } from '../db/schema.js';

/** An incident's webhook deliveries, oldest first. */
export async function deliveriesOf(tx: Tx, incidentId: number): Promise<WebhookDelivery[]> {
  return tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.incidentId, incidentId)).orderBy(asc(webhookDeliveries.id));
}

import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { subscriptions } from '../db/schema.js';

export const DIGEST_TOPIC = 'digest';
export const incidentTopic = (incidentId: number) => `incident:${incidentId}`;

/** Subscribes; false when the person already was. */
export async function subscribe(db: Db, userId: string, incidentId: number | null): Promise<boolean> {
  const topic = incidentId === null ? DIGEST_TOPIC : incidentTopic(incidentId);
  const inserted = await db.insert(subscriptions).values({ userId, topic, incidentId }).onConflictDoNothing().returning();
  return inserted.length > 0;
}

/** Unsubscribes; false when the person was not subscribed. */
export async function unsubscribe(db: Db, userId: string, incidentId: number | null): Promise<boolean> {
  const topic = incidentId === null ? DIGEST_TOPIC : incidentTopic(incidentId);
  const removed = await db
    .delete(subscriptions)
    .where(and(eq(subscriptions.userId, userId), eq(subscriptions.topic, topic)))
    .returning();
  return removed.length > 0;
}

export async function subscribersOf(tx: Tx, incidentId: number | null): Promise<string[]> {
  const topic = incidentId === null ? DIGEST_TOPIC : incidentTopic(incidentId);
  const rows = await tx
    .select({ userId: subscriptions.userId })
    .from(subscriptions)
    .where(eq(subscriptions.topic, topic))
    .orderBy(subscriptions.userId);
  return rows.map((r) => r.userId);
}

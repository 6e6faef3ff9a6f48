import { asc, eq } from 'drizzle-orm';
import { timelineEvents, type TimelineEvent } from '../db/schema.js';
import type { Tx } from '../db/client.js';

export async function timelineOf(tx: Tx, incidentId: number): Promise<TimelineEvent[]> {
  return tx
    .select()
    .from(timelineEvents)
    .where(eq(timelineEvents.incidentId, incidentId))
    .orderBy(asc(timelineEvents.occurredAt), asc(timelineEvents.id));
}

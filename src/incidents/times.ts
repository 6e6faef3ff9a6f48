import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { incidents, type Incident } from '../db/schema.js';
import { timelineOf } from '../timeline/read.js';
import { lifecycleTimes } from './lifecycle.js';

/** Lifecycle times come from the timeline; anything that adds a relevant event re-derives them. */
export async function refreshLifecycleTimes(tx: Tx, incident: Incident): Promise<Incident> {
  const times = lifecycleTimes(await timelineOf(tx, incident.id), incident.status);
  const [timed] = await tx.update(incidents).set(times).where(eq(incidents.id, incident.id)).returning();
  return timed ?? incident;
}

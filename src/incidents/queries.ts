import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { incidents, type Incident } from '../db/schema.js';

export async function getIncident(tx: Tx, id: number): Promise<Incident | undefined> {
  const [row] = await tx.select().from(incidents).where(eq(incidents.id, id));
  return row;
}

/** Slack-side facts about an incident learned while delivering its effects. */
export async function recordSlackRefs(
  tx: Tx,
  id: number,
  refs: Partial<Pick<Incident, 'channelId' | 'channelName' | 'summaryTs' | 'announcementTs'>>,
): Promise<void> {
  await tx.update(incidents).set(refs).where(eq(incidents.id, id));
}

export function incidentKey(id: number): string {
  return `INC-${id}`;
}

import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { incidents, timelineEvents, type Incident, type TimelineEvent } from '../db/schema.js';
import { refreshHomesOfIncident } from '../outbox/home.js';
import { msg, refuse, type Refusal } from '../outcome.js';

export async function getIncident(tx: Tx, id: number): Promise<Incident | undefined> {
  const [row] = await tx.select().from(incidents).where(eq(incidents.id, id));
  return row;
}

/** Several incidents by id, in one read. */
export async function getIncidents(tx: Tx, ids: readonly number[]): Promise<Map<number, Incident>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .select()
    .from(incidents)
    .where(inArray(incidents.id, [...new Set(ids)]));
  return new Map(rows.map((row) => [row.id, row]));
}

/** Slack-side facts about an incident learned while delivering its effects. */
export async function recordSlackRefs(
  tx: Tx,
  id: number,
  refs: Partial<Pick<Incident, 'channelId' | 'channelName' | 'summaryTs' | 'announcementTs'>>,
): Promise<void> {
  await tx.update(incidents).set(refs).where(eq(incidents.id, id));
  // Homes link an incident's channel once it has one.
  if (refs.channelId) await refreshHomesOfIncident(tx, id);
}

export function incidentKey(id: number): string {
  return `INC-${id}`;
}

export const noSuchIncident = (id: number): Refusal => refuse('not_found', msg`${incidentKey(id)} does not exist.`);

export async function incidentByChannel(tx: Tx, channelId: string): Promise<Incident | undefined> {
  const [row] = await tx.select().from(incidents).where(eq(incidents.channelId, channelId));
  return row;
}

export async function latestEvent(tx: Tx, incidentId: number, kind: string): Promise<TimelineEvent | undefined> {
  const [row] = await tx
    .select()
    .from(timelineEvents)
    .where(and(eq(timelineEvents.incidentId, incidentId), eq(timelineEvents.kind, kind)))
    .orderBy(desc(timelineEvents.occurredAt), desc(timelineEvents.id))
    .limit(1);
  return row;
}

/** An event with its incident, in one query: what posting the event needs. */
export async function eventWithIncident(
  tx: Tx,
  incidentId: number,
  eventId: number,
): Promise<{ event: TimelineEvent | undefined; incident: Incident | undefined }> {
  const [row] = await tx
    .select({ incident: incidents, event: timelineEvents })
    .from(incidents)
    .leftJoin(timelineEvents, and(eq(timelineEvents.id, eventId), eq(timelineEvents.incidentId, incidents.id)))
    .where(eq(incidents.id, incidentId));
  return { incident: row?.incident, event: row?.event ?? undefined };
}

export async function eventById(tx: Tx, id: number): Promise<TimelineEvent | undefined> {
  const [row] = await tx.select().from(timelineEvents).where(eq(timelineEvents.id, id));
  return row;
}

/**
 * Reads the incident and holds its row until the transaction ends, so changes to one incident queue up.
 * NO KEY UPDATE, not UPDATE: it must not block the foreign-key checks of rows other transactions add for
 * the incident (an escalation sweep holding page locks), or the two could deadlock.
 */
export async function lockIncident(tx: Tx, id: number): Promise<Incident | undefined> {
  const [row] = await tx.select().from(incidents).where(eq(incidents.id, id)).for('no key update');
  return row;
}

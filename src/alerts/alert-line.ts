// The alert behind a line in an incident channel, for the Silence 2h button under it.
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { alertGroups, alerts, timelineEvents } from '../db/schema.js';
import { parseEvent } from '../timeline/events.js';
import { alertSilenceMatchers } from './alert-matchers.js';
import type { Labels, Matcher } from './matchers.js';

export interface AlertLine {
  incidentId: number;
  title: string;
  labels: Labels;
  /** What the button silences (alert-matchers.ts). */
  matchers: Matcher[];
}

/** The firing alert a timeline event recorded, or undefined when the event is not one. */
export async function alertLine(tx: Tx, eventId: number): Promise<AlertLine | undefined> {
  const [row] = await tx.select().from(timelineEvents).where(eq(timelineEvents.id, eventId));
  const event = row && parseEvent(row);
  if (event?.kind !== 'alert_firing') return undefined;
  const { integration, fingerprint, title, labels } = event.data;
  const [group] = await tx
    .select({ groupKey: alertGroups.groupKey })
    .from(alertGroups)
    .innerJoin(alerts, eq(alerts.groupId, alertGroups.id))
    .where(
      and(eq(alertGroups.incidentId, event.incidentId), eq(alertGroups.integrationId, integration), eq(alerts.fingerprint, fingerprint)),
    )
    .limit(1);
  return { incidentId: event.incidentId, title, labels, matchers: alertSilenceMatchers(labels, group?.groupKey) };
}

// Why each alert of an incident went where it went, as `/incident alerts` and the console show it.
import { asc, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { alertEvents, type AlertOutcome } from '../db/schema.js';

export interface AlertDecision {
  integrationId: string;
  fingerprint: string;
  title: string;
  labels: Record<string, string>;
  /** The decision that brought it into the incident (opened, joined, or waited and was taken along). */
  outcome: AlertOutcome;
  reason: string;
  receivedAt: Date;
  /** Its latest state as the incident knows it. */
  status: 'firing' | 'resolved';
  lastReceivedAt: Date;
  /** How many of its events the incident holds: the first, and the repeats and resolves after it. */
  events: number;
}

/** One entry per alert of the incident, in the order they came into it. */
export async function alertDecisionsOf(tx: Tx, incidentId: number): Promise<AlertDecision[]> {
  const events = await tx.select().from(alertEvents).where(eq(alertEvents.incidentId, incidentId)).orderBy(asc(alertEvents.id));
  const byAlert = new Map<string, AlertDecision>();
  for (const e of events) {
    const key = JSON.stringify([e.integrationId, e.fingerprint]);
    const seen = byAlert.get(key);
    if (seen) {
      seen.status = e.status;
      seen.lastReceivedAt = e.receivedAt;
      seen.events++;
      continue;
    }
    byAlert.set(key, {
      integrationId: e.integrationId,
      fingerprint: e.fingerprint,
      title: e.title,
      labels: e.labels,
      outcome: e.outcome,
      reason: e.reason,
      receivedAt: e.receivedAt,
      status: e.status,
      lastReceivedAt: e.receivedAt,
      events: 1,
    });
  }
  return [...byAlert.values()];
}

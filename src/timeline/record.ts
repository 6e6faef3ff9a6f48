import { timelineEvents, type TimelineEvent } from '../db/schema.js';
import type { Tx } from '../db/client.js';

export interface NewTimelineEvent {
  incidentId: number;
  kind: string;
  actor: string | null;
  data?: Record<string, unknown>;
  occurredAt?: Date;
  /** Same key for the same incident records once: retried and repeated inputs stay one event. */
  dedupKey?: string;
}

/** Appends an event; returns undefined when an event with the same dedup key already exists. */
export async function recordEvent(tx: Tx, event: NewTimelineEvent): Promise<TimelineEvent | undefined> {
  const [row] = await tx
    .insert(timelineEvents)
    .values({
      incidentId: event.incidentId,
      kind: event.kind,
      actor: event.actor,
      data: event.data ?? {},
      ...(event.occurredAt ? { occurredAt: event.occurredAt } : {}),
      dedupKey: event.dedupKey ?? null,
    })
    .onConflictDoNothing()
    .returning();
  return row;
}

import { timelineEvents, type TimelineEvent } from '../db/schema.js';
import type { Tx } from '../db/client.js';
import { enqueueWebhookEvents } from '../webhooks/enqueue.js';
import type { TimelineData, TimelineKind } from './events.js';
import { enqueueWorkflowMatch } from '../automation/occurrences.js';

export interface NewTimelineEvent<K extends TimelineKind> {
  incidentId: number;
  kind: K;
  actor: string | null;
  data: TimelineData<K>;
  occurredAt?: Date;
  /** Same key for the same incident records once: retried and repeated inputs stay one event. */
  dedupKey?: string;
}

export type TimelineRow = typeof timelineEvents.$inferInsert;

/** The row of one event, for statements that insert many at once; the kind says what its data must be. */
export function timelineRow<K extends TimelineKind>(event: NewTimelineEvent<K>): TimelineRow {
  return {
    incidentId: event.incidentId,
    kind: event.kind,
    actor: event.actor,
    data: event.data,
    ...(event.occurredAt ? { occurredAt: event.occurredAt } : {}),
    dedupKey: event.dedupKey ?? null,
  };
}

/** Appends an event; returns undefined when an event with the same dedup key already exists. */
export async function recordEvent<K extends TimelineKind>(tx: Tx, event: NewTimelineEvent<K>): Promise<TimelineEvent | undefined> {
  const [row] = await tx.insert(timelineEvents).values(timelineRow(event)).onConflictDoNothing().returning();
  if (row) await enqueueWebhookEvents(tx, [row]);
  await enqueueWorkflowMatch(tx, row);
  return row;
}

// The one hook from the timeline into workflows: an event that is an occurrence of a trigger asks, in the
// transaction that records it, for the workflows to be matched. Which workflows match, and whether their
// conditions hold, is read when that is delivered (the config is the running one there, not here).
import type { Tx } from '../db/client.js';
import type { TimelineEvent } from '../db/schema.js';
import { enqueue } from '../outbox/enqueue.js';
import { triggersOfEvent } from './triggers.js';

export async function enqueueWorkflowMatch(tx: Tx, event: TimelineEvent | undefined): Promise<void> {
  if (!event || triggersOfEvent(event.kind, event.data).length === 0) return;
  await enqueue(tx, [{ kind: 'workflow.match', payload: { incidentId: event.incidentId, eventId: event.id } }], {
    incidentId: event.incidentId,
  });
}

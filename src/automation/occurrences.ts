// The one hook from the timeline into workflows: an event that is an occurrence of a trigger some workflow
// waits for asks, in the transaction that records it, for the workflows to be matched. Whether their
// conditions hold is read when that is delivered. Timeline events are recorded from places that carry no
// config, so the running workflows' triggers reach here through the reference the composition root
// registers (the config object is updated in place on reload, so it stays current).
import type { Tx } from '../db/client.js';
import type { TimelineEvent } from '../db/schema.js';
import { enqueue } from '../outbox/enqueue.js';
import type { Trigger } from './triggers.js';
import { triggersOfEvent } from './triggers.js';

let running: { workflows: ReadonlyArray<{ when: Trigger }> } | undefined;

/** Registers the running config's workflows; without it (a tool, a test of one domain) nothing is matched. */
export function useWorkflows(config: { workflows: ReadonlyArray<{ when: Trigger }> } | undefined): void {
  running = config;
}

export async function enqueueWorkflowMatch(tx: Tx, event: TimelineEvent | undefined): Promise<void> {
  if (!event || !running) return;
  const triggers = triggersOfEvent(event.kind, event.data);
  if (!running.workflows.some((w) => (triggers as readonly Trigger[]).includes(w.when))) return;
  await enqueue(tx, [{ kind: 'workflow.match', payload: { incidentId: event.incidentId, eventId: event.id } }], {
    incidentId: event.incidentId,
  });
}

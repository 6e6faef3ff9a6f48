import { outbox } from '../db/schema.js';
import type { Tx } from '../db/client.js';
import type { Effect } from './effects.js';

/** Deliveries with the same ordering key happen one after another, in the order enqueued. */
export function incidentOrderingKey(incidentId: number): string {
  return `incident:${incidentId}`;
}

/** Writes effects into the outbox inside the caller's transaction, so they exist exactly when the change does. */
export async function enqueue(
  tx: Tx,
  effects: Effect[],
  options: { incidentId?: number; orderingKey?: string; notBefore?: Date } = {},
): Promise<void> {
  if (effects.length === 0) return;
  const incidentId = options.incidentId ?? null;
  const orderingKey = options.orderingKey ?? (incidentId !== null ? incidentOrderingKey(incidentId) : 'global');
  await tx.insert(outbox).values(
    effects.map((effect) => ({
      incidentId,
      orderingKey,
      kind: effect.kind,
      payload: effect.payload,
      ...(options.notBefore ? { nextAttemptAt: options.notBefore } : {}),
    })),
  );
}

/**
 * Effects of several incidents in one statement; each incident's keep the order given, unless one has a key
 * of its own. An effect of no incident (a test page's) should have a key of its own.
 */
export async function enqueueForIncidents(
  tx: Tx,
  items: ReadonlyArray<{ incidentId: number | null; effect: Effect; orderingKey?: string }>,
): Promise<void> {
  if (items.length === 0) return;
  await tx.insert(outbox).values(
    items.map(({ incidentId, effect, orderingKey }) => ({
      incidentId,
      orderingKey: orderingKey ?? (incidentId !== null ? incidentOrderingKey(incidentId) : 'global'),
      kind: effect.kind,
      payload: effect.payload,
    })),
  );
}

import { and, eq, gt } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { outbox, type OutboxRow } from '../db/schema.js';
import type { EffectKind } from './effects.js';

/**
 * Effects that re-render one thing from the current state (the pinned summary): a later pending row of the
 * same kind for the same incident will show everything this one would, so this one need not be sent.
 */
export const RERENDERS: ReadonlySet<string> = new Set<EffectKind>(['summary.update']);

/** The id of a later pending row that makes this one unnecessary, if there is one. */
export async function supersededBy(tx: Tx, row: Pick<OutboxRow, 'id' | 'kind' | 'incidentId'>): Promise<number | undefined> {
  if (!RERENDERS.has(row.kind) || row.incidentId === null) return undefined;
  const [later] = await tx
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.incidentId, row.incidentId), eq(outbox.kind, row.kind), eq(outbox.status, 'pending'), gt(outbox.id, row.id)))
    .orderBy(outbox.id)
    .limit(1);
  return later?.id;
}

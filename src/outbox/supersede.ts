import { and, eq, gt } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { outbox, type OutboxRow } from '../db/schema.js';
import type { EffectKind } from './effects.js';

/**
 * Effects that re-render one thing from the current state: a later pending row of the same kind for the
 * same thing will show everything this one would, so this one need not be sent. The pinned summary is one
 * per incident; a Home one per person and a user group one per schedule, each with its own ordering key.
 */
export const RERENDERS: ReadonlySet<string> = new Set<EffectKind>(['summary.update']);
const RERENDERS_BY_KEY: ReadonlySet<string> = new Set<EffectKind>(['home.publish', 'usergroup.sync']);

/** The id of a later pending row that makes this one unnecessary, if there is one. */
export async function supersededBy(
  tx: Tx,
  row: Pick<OutboxRow, 'id' | 'kind' | 'incidentId' | 'orderingKey'>,
): Promise<number | undefined> {
  const same = RERENDERS_BY_KEY.has(row.kind)
    ? eq(outbox.orderingKey, row.orderingKey)
    : RERENDERS.has(row.kind) && row.incidentId !== null
      ? eq(outbox.incidentId, row.incidentId)
      : undefined;
  if (!same) return undefined;
  const [later] = await tx
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(same, eq(outbox.kind, row.kind), eq(outbox.status, 'pending'), gt(outbox.id, row.id)))
    .orderBy(outbox.id)
    .limit(1);
  return later?.id;
}

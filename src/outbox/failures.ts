import { and, desc, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { outbox } from '../db/schema.js';
import type { EffectKind } from './effects.js';

/** Slack's answer to the incident's latest delivery of this kind that failed for good, if one did. */
export async function failedDeliveryError(tx: Tx, incidentId: number, kind: EffectKind): Promise<string | undefined> {
  const [row] = await tx
    .select({ lastError: outbox.lastError })
    .from(outbox)
    .where(and(eq(outbox.incidentId, incidentId), eq(outbox.kind, kind), eq(outbox.status, 'failed')))
    .orderBy(desc(outbox.id))
    .limit(1);
  return row?.lastError ?? undefined;
}

import { and, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { outbox, type OutboxRow } from '../../src/db/schema.js';

/** Waits until none of the incident's outbox rows is pending; returns them all. */
export async function settledOutbox(db: Db, incidentId: number, timeoutMs = 20_000): Promise<OutboxRow[]> {
  const started = Date.now();
  for (;;) {
    const rows = await db.select().from(outbox).where(eq(outbox.incidentId, incidentId)).orderBy(outbox.id);
    if (rows.length && rows.every((r) => r.status !== 'pending')) return rows;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `outbox of incident ${incidentId} still pending: ${JSON.stringify(rows.map((r) => [r.kind, r.status, r.attempts, r.lastError]))}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function pendingRows(db: Db, incidentId: number): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.incidentId, incidentId), eq(outbox.status, 'pending')));
}

/** The outbox rows a declaration makes, in order, each done: the set-up of a public incident. */
export const DECLARED_ROWS_DONE = [
  ['channel.create', 'done'],
  ['channel.invite', 'done'],
  ['summary.post', 'done'],
  ['summary.pin', 'done'],
  ['channel.topic', 'done'],
  ['incident.announce', 'done'],
  ['reply.declared', 'done'],
];

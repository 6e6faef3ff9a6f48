// The outbox's claiming and completing statements: leases taken with FOR UPDATE SKIP LOCKED, so any
// number of replicas deliver each row once, and only the oldest pending row of an ordering key is eligible.
import { and, asc, eq, gt, inArray, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import { outbox, type OutboxRow } from '../db/schema.js';

export interface Lessee {
  db: Db;
  /** The worker's id, written into each row it leases. */
  id: string;
  leaseMs: number;
}

/** Rows pending, due and not leased to anyone. */
function dueAndFree() {
  return and(
    eq(outbox.status, 'pending'),
    lte(outbox.nextAttemptAt, sql`now()`),
    or(isNull(outbox.lockedUntil), lt(outbox.lockedUntil, sql`now()`)),
  );
}

/** Rows that may be delivered now: due, free, and the oldest pending row of their key. */
function claimable(db: Db) {
  const earlier = alias(outbox, 'earlier');
  return and(
    dueAndFree(),
    notExists(
      db
        .select({ one: sql`1` })
        .from(earlier)
        .where(and(eq(earlier.orderingKey, outbox.orderingKey), eq(earlier.status, 'pending'), lt(earlier.id, outbox.id))),
    ),
  );
}

function lease(w: Lessee) {
  return { lockedUntil: sql`now() + ${`${w.leaseMs} milliseconds`}::interval`, lockedBy: w.id, claims: sql`${outbox.claims} + 1` };
}

/** One statement, no transaction: the rows are locked, skipped by other claimers, and leased at once. */
export async function claimRows(w: Lessee, limit: number): Promise<OutboxRow[]> {
  const due = w.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(claimable(w.db))
    .orderBy(asc(outbox.id))
    .limit(limit)
    .for('update', { skipLocked: true });
  const rows = await w.db.update(outbox).set(lease(w)).where(inArray(outbox.id, due)).returning();
  // RETURNING keeps no order: deliveries start oldest first.
  return rows.sort((a, b) => a.id - b.id);
}

/** Extends the leases of rows still being delivered. */
export async function renewRows(w: Lessee, ids: readonly number[]): Promise<void> {
  await w.db
    .update(outbox)
    .set({ lockedUntil: sql`now() + ${`${w.leaseMs} milliseconds`}::interval` })
    .where(and(inArray(outbox.id, [...ids]), eq(outbox.lockedBy, w.id), eq(outbox.status, 'pending')));
}

/**
 * Marks a delivered row done and, in the same statement, leases the next row of its ordering key if that
 * is due: an incident's deliveries follow one another without a separate claim each.
 */
export async function completeAndClaimNext(
  w: Lessee,
  row: OutboxRow,
  attempts: number,
  result: Record<string, unknown> | null,
): Promise<OutboxRow | undefined> {
  const done = w.db.$with('done').as(
    w.db
      .update(outbox)
      .set({ status: 'done', attempts, result, doneAt: sql`now()`, lockedUntil: null, lastError: null })
      .where(and(eq(outbox.id, row.id), eq(outbox.lockedBy, w.id)))
      .returning({ orderingKey: outbox.orderingKey }),
  );
  // The row just done was its key's head, so the next pending row of the key is the new head.
  const following = w.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(sql`${outbox.orderingKey} = (select ${done.orderingKey} from ${done})`, eq(outbox.status, 'pending'), gt(outbox.id, row.id)))
    .orderBy(asc(outbox.id))
    .limit(1);
  const [next] = await w.db
    .with(done)
    .update(outbox)
    .set(lease(w))
    .where(and(inArray(outbox.id, following), dueAndFree()))
    .returning();
  return next;
}

/** Marks rows done, each with its own result, in one statement (rows delivered together, in a group). */
export async function completeRows(
  w: Lessee,
  done: ReadonlyArray<{ row: OutboxRow; result: Record<string, unknown> | undefined }>,
): Promise<void> {
  if (done.length === 0) return;
  const values = sql.join(
    done.map(
      ({ row, result }) =>
        sql`(${row.id}::bigint, ${row.attempts + 1}::int, ${result === undefined ? null : JSON.stringify(result)}::jsonb)`,
    ),
    sql`, `,
  );
  await w.db.execute(sql`
    update ${outbox} set status = 'done', attempts = v.attempts, result = v.result, done_at = now(), locked_until = null, last_error = null
    from (values ${values}) as v(id, attempts, result)
    where ${outbox.id} = v.id and ${outbox.lockedBy} = ${w.id}`);
}

/** Ends a lease without finishing the row: a retry after `delayMs`, or failed for good. */
export async function releaseRow(
  w: Lessee,
  row: OutboxRow,
  change: { attempts: number; error: string } & ({ retryAfterMs: number } | { failed: true }),
): Promise<void> {
  const mine = and(eq(outbox.id, row.id), eq(outbox.lockedBy, w.id));
  if ('failed' in change) {
    await w.db
      .update(outbox)
      .set({ status: 'failed', attempts: change.attempts, lastError: change.error, lockedUntil: null, doneAt: sql`now()` })
      .where(mine);
    return;
  }
  await w.db
    .update(outbox)
    .set({
      attempts: change.attempts,
      lastError: change.error,
      lockedUntil: null,
      nextAttemptAt: sql`now() + ${`${change.retryAfterMs} milliseconds`}::interval`,
    })
    .where(mine);
}

// Stored silences: made, listed, expired, and the ones in force, as the rules the pipeline matches with.
// Making and expiring one is on the audit log: a silence decides which alerts wake nobody.
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record.js';
import type { Tx } from '../db/client.js';
import { silences, type SilenceRow } from '../db/schema.js';
import { API_ACTOR } from '../incidents/people.js';
import type { Matcher } from './matchers.js';
import type { SilenceRule } from './silence-match.js';

export interface NewSilence {
  matchers: Matcher[];
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
  source: SilenceRow['source'];
  stopPages: boolean;
}

export async function createSilence(tx: Tx, silence: NewSilence): Promise<SilenceRow> {
  const [row] = await tx.insert(silences).values(silence).returning();
  // Through the API, createdBy is whatever the caller wrote; the one who acted is the api_token's holder.
  const actor = silence.source === 'api' ? API_ACTOR : silence.createdBy;
  await recordAudit(tx, {
    actor,
    action: 'silence.created',
    subject: `silence ${row!.id}`,
    after: { ...auditView(row!), createdBy: row!.createdBy },
  });
  return row!;
}

/** A silence as the audit log shows it: what it holds, when, why, and whether it stops pages. */
export const auditView = (row: SilenceRow) => ({
  matchers: row.matchers,
  startsAt: row.startsAt.toISOString(),
  endsAt: row.endsAt.toISOString(),
  comment: row.comment,
  stopPages: row.stopPages,
});

export const ruleOf = (row: SilenceRow): SilenceRule => ({
  id: row.id,
  matchers: row.matchers,
  startsAt: row.startsAt,
  endsAt: row.endsAt,
  stopPages: row.stopPages,
});

/** Silences in force at `at`, or starting later (scheduled maintenance windows): everything not yet ended. */
export async function unendedSilences(tx: Tx, at: Date): Promise<SilenceRow[]> {
  return tx.select().from(silences).where(gt(silences.endsAt, at)).orderBy(asc(silences.startsAt), asc(silences.id));
}

/** The stored silences in force at `at`. */
export async function activeSilences(tx: Tx, at: Date): Promise<SilenceRow[]> {
  return tx
    .select()
    .from(silences)
    .where(and(lte(silences.startsAt, at), gt(silences.endsAt, at)))
    .orderBy(asc(silences.startsAt), asc(silences.id));
}

/**
 * Ends a silence now, unless it already ended: answers the row as it is after, or undefined when there
 * is no such silence. Expiring one that has not started moves its start too, so it never begins. The
 * moment goes as text: postgres.js cannot bind a bare Date inside raw SQL (PGlite can, which hid it).
 */
export async function expireSilence(tx: Tx, id: number, by: string, at: Date): Promise<SilenceRow | undefined> {
  // Its own transaction (a savepoint inside the caller's), so the end and its audit row go together.
  return tx.transaction(async (inner) => {
    const [before] = await inner.select().from(silences).where(eq(silences.id, id)).for('update');
    if (!before || before.endsAt <= at) return before;
    const [updated] = await inner
      .update(silences)
      .set({ endsAt: at, startsAt: sql`least(${silences.startsAt}, ${at.toISOString()}::timestamptz)`, expiredBy: by })
      .where(eq(silences.id, id))
      .returning();
    await recordAudit(inner, {
      actor: by,
      action: 'silence.expired',
      subject: `silence ${id}`,
      before: auditView(before),
      after: auditView(updated!),
    });
    return updated;
  });
}

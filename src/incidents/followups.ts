import { and, asc, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { enqueue } from '../outbox/enqueue.js';
import { refreshHomes } from '../outbox/home.js';
import type { Db, Tx } from '../db/client.js';
import { followups, type Followup } from '../db/schema.js';
import { recordEvent } from '../timeline/record.js';
import { msg, person, refuse, type Outcome } from '../outcome.js';
import { ofRealIncident } from './drills.js';
import { incidentKey, lockIncident, noSuchIncident } from './queries.js';

export const MAX_FOLLOWUP = 500;

export type FollowupOutcome = Outcome<{ followup: Followup }>;

/** A due date means "by the end of that day" (UTC): it passes at the following midnight. */
export function dueAtEndOf(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000);
}

/** A due date is stored as the end of its day; people name the day. */
export function dueDay(dueAt: Date): string {
  return new Date(dueAt.getTime() - 1).toISOString().slice(0, 10);
}

export async function addFollowup(
  db: Db,
  request: { incidentId: number; actor: string; text: string; owner: string | undefined; due?: string | undefined },
): Promise<FollowupOutcome> {
  const text = request.text.trim();
  if (!text) return refuse('invalid', msg`Say what needs doing.`, 'text');
  if (text.length > MAX_FOLLOWUP)
    return refuse('invalid', msg`The follow-up is ${text.length} characters; keep it to ${MAX_FOLLOWUP} or fewer.`, 'text');
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, request.incidentId);
    if (!incident) return noSuchIncident(request.incidentId);
    const owner = request.owner ?? request.actor;
    const dueAt = request.due ? dueAtEndOf(request.due) : null;
    const [followup] = await tx
      .insert(followups)
      .values({ incidentId: incident.id, text, ownerId: owner, createdBy: request.actor, dueAt })
      .returning();
    if (!followup) throw new Error('follow-up was not inserted');
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: 'followup_added',
      actor: request.actor,
      data: { followupId: followup.id, text, owner, ...(request.due ? { due: request.due } : {}) },
    });
    await refreshHomes(tx, [owner]);
    const due = request.due ? `, due ${request.due}` : '';
    return { ok: true, followup, message: msg`Follow-up recorded on ${incidentKey(incident.id)}, owned by ${person(owner)}${due}.` };
  });
}

export async function followupsOf(tx: Tx, incidentId: number): Promise<Followup[]> {
  return tx.select().from(followups).where(eq(followups.incidentId, incidentId)).orderBy(asc(followups.id));
}

export async function getFollowup(tx: Tx, id: number): Promise<Followup | undefined> {
  const [row] = await tx.select().from(followups).where(eq(followups.id, id));
  return row;
}

/** Marks a follow-up done once: a second click finds it done and says so. */
export async function completeFollowup(db: Db, request: { followupId: number; actor: string }): Promise<FollowupOutcome> {
  return db.transaction(async (tx) => {
    const [done] = await tx
      .update(followups)
      .set({ doneAt: sql`now()`, doneBy: request.actor })
      .where(and(eq(followups.id, request.followupId), isNull(followups.doneAt)))
      .returning();
    if (!done) {
      const existing = await getFollowup(tx, request.followupId);
      if (!existing) return refuse('not_found', msg`That follow-up no longer exists.`);
      return refuse('unchanged', msg`That follow-up was already done by ${person(existing.doneBy ?? '')}.`);
    }
    await recordEvent(tx, {
      incidentId: done.incidentId,
      kind: 'followup_done',
      actor: request.actor,
      data: { followupId: done.id, text: done.text },
    });
    await refreshHomes(tx, [done.ownerId]);
    return { ok: true, followup: done, message: msg`Done: ${done.text}` };
  });
}

/**
 * Tells each owner of a follow-up whose due date passed while it is open, once: claimed with FOR UPDATE
 * SKIP LOCKED and marked in the same transaction as the DM is enqueued.
 */
export async function sweepOverdueFollowups(db: Db, batchSize = 100): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(followups)
      .where(
        and(isNull(followups.doneAt), isNull(followups.overdueNotifiedAt), isNotNull(followups.ownerId), lte(followups.dueAt, sql`now()`)),
      )
      .orderBy(asc(followups.id))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    for (const item of due) {
      await tx
        .update(followups)
        .set({ overdueNotifiedAt: sql`now()` })
        .where(eq(followups.id, item.id));
      await enqueue(tx, [{ kind: 'followup.dm', payload: { incidentId: item.incidentId, followupId: item.id } }], {
        incidentId: item.incidentId,
      });
    }
    return due.length;
  });
}

/** Open follow-ups past their due date, across all incidents but drills (for insights and digests). */
export async function overdueFollowupCount(tx: Tx, now: Date): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(followups)
    .where(and(isNull(followups.doneAt), lte(followups.dueAt, now), ofRealIncident(followups.incidentId)));
  return Number(row?.n ?? 0);
}

import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { followups, type Followup } from '../db/schema.js';
import { recordEvent } from '../timeline/record.js';
import { lockIncident } from './changes.js';
import { incidentKey } from './queries.js';

export const MAX_FOLLOWUP = 500;

export type FollowupOutcome = { ok: true; followup: Followup; message: string } | { ok: false; message: string };

export async function addFollowup(db: Db, request: { incidentId: number; actor: string; text: string; owner: string | undefined }): Promise<FollowupOutcome> {
  const text = request.text.trim();
  if (!text) return { ok: false, message: 'Say what needs doing.' };
  if (text.length > MAX_FOLLOWUP) return { ok: false, message: `The follow-up is ${text.length} characters; keep it to ${MAX_FOLLOWUP} or fewer.` };
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, request.incidentId);
    if (!incident) return { ok: false, message: `${incidentKey(request.incidentId)} does not exist.` };
    const owner = request.owner ?? request.actor;
    const [followup] = await tx.insert(followups).values({ incidentId: incident.id, text, ownerId: owner, createdBy: request.actor }).returning();
    if (!followup) throw new Error('follow-up was not inserted');
    await recordEvent(tx, { incidentId: incident.id, kind: 'followup_added', actor: request.actor, data: { followupId: followup.id, text, owner } });
    return { ok: true, followup, message: `Follow-up recorded on ${incidentKey(incident.id)}, owned by <@${owner}>.` };
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
      if (!existing) return { ok: false, message: 'That follow-up no longer exists.' };
      return { ok: false, message: `That follow-up was already done by <@${existing.doneBy}>.` };
    }
    await recordEvent(tx, { incidentId: done.incidentId, kind: 'followup_done', actor: request.actor, data: { followupId: done.id, text: done.text } });
    return { ok: true, followup: done, message: `Done: ${done.text}` };
  });
}

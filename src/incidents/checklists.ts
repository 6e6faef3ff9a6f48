import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { checklistTicks, incidentChecklists, type IncidentChecklist } from '../db/schema.js';

/** A step ticked now: who ticked it and when. */
export interface Tick {
  step: number;
  by: string;
  at: Date;
}

export interface ChecklistState {
  checklist: IncidentChecklist;
  ticks: Tick[];
}

export async function getIncidentChecklist(tx: Tx, id: number): Promise<IncidentChecklist | undefined> {
  const [row] = await tx.select().from(incidentChecklists).where(eq(incidentChecklists.id, id));
  return row;
}

/** The steps ticked now, in step order. */
export async function ticksOf(tx: Tx, incidentChecklistId: number): Promise<Tick[]> {
  const rows = await tx
    .select()
    .from(checklistTicks)
    .where(and(eq(checklistTicks.incidentChecklistId, incidentChecklistId), isNull(checklistTicks.untickedAt)))
    .orderBy(asc(checklistTicks.step));
  return rows.map((r) => ({ step: r.step, by: r.tickedBy, at: r.tickedAt }));
}

/** The incident's checklists in the order they were added, each with its ticks. */
export async function checklistsOf(tx: Tx, incidentId: number): Promise<ChecklistState[]> {
  const lists = await tx
    .select()
    .from(incidentChecklists)
    .where(eq(incidentChecklists.incidentId, incidentId))
    .orderBy(asc(incidentChecklists.id));
  if (!lists.length) return [];
  const rows = await tx
    .select()
    .from(checklistTicks)
    .where(
      and(
        inArray(
          checklistTicks.incidentChecklistId,
          lists.map((l) => l.id),
        ),
        isNull(checklistTicks.untickedAt),
      ),
    )
    .orderBy(asc(checklistTicks.step));
  return lists.map((checklist) => ({
    checklist,
    ticks: rows.filter((r) => r.incidentChecklistId === checklist.id).map((r) => ({ step: r.step, by: r.tickedBy, at: r.tickedAt })),
  }));
}

/** Locks the checklist's row so that two clicks at once diff one after the other, not both against the same ticks. */
export async function lockIncidentChecklist(tx: Tx, id: number): Promise<IncidentChecklist | undefined> {
  const [row] = await tx.select().from(incidentChecklists).where(eq(incidentChecklists.id, id)).for('update');
  return row;
}

export async function recordChecklistMessage(tx: Tx, id: number, where: { channel: string; ts: string }): Promise<void> {
  await tx.update(incidentChecklists).set({ messageChannel: where.channel, messageTs: where.ts }).where(eq(incidentChecklists.id, id));
}

/** Writes the ticks and unticks of one click, as of `at`. */
export async function writeTicks(
  tx: Tx,
  incidentChecklistId: number,
  diff: { done: readonly number[]; undone: readonly number[] },
  actor: string,
  at: Date,
): Promise<void> {
  if (diff.done.length)
    await tx
      .insert(checklistTicks)
      .values(diff.done.map((step) => ({ incidentChecklistId, step, tickedBy: actor, tickedAt: at })))
      .onConflictDoUpdate({
        target: [checklistTicks.incidentChecklistId, checklistTicks.step],
        set: { tickedBy: actor, tickedAt: at, untickedBy: null, untickedAt: null },
      });
  if (diff.undone.length)
    await tx
      .update(checklistTicks)
      .set({ untickedBy: actor, untickedAt: at })
      .where(and(eq(checklistTicks.incidentChecklistId, incidentChecklistId), inArray(checklistTicks.step, [...diff.undone])));
}

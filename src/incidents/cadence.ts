import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { findSeverity, type Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { incidents, type Incident } from '../db/schema.js';
import { recordEvent } from '../timeline/record.js';
import { msg, refuse, type Outcome } from '../outcome.js';
import { OPEN_STATUSES } from './lifecycle.js';

export const SNOOZE_MS = 30 * 60_000;
/** An incident opened without a lead is nudged this long after it was opened. */
export const LEAD_NUDGE_MS = 10 * 60_000;

export const later = (ms: number): SQL => sql`now() + ${`${ms} milliseconds`}::interval`;

/**
 * When the next status update is due: the "next update in" chosen with an update (null: no reminders),
 * else the severity's `update_every`; undefined leaves it to the severity.
 */
export function nextUpdateDelay(config: Config, severity: string, chosen: number | null | undefined): number | null {
  if (chosen !== undefined) return chosen;
  return findSeverity(config, severity)?.updateEveryMs ?? null;
}

/** The due time of the next update, counted from now, as a value to store (null: no reminders). */
export function nextUpdateDueAt(config: Config, severity: string, chosen?: number | null): SQL | null {
  const delay = nextUpdateDelay(config, severity, chosen);
  return delay === null ? null : later(delay);
}

/** Sets when the next update is due, counted from now; called after each update. */
export async function scheduleNextUpdate(tx: Tx, config: Config, incident: Incident, chosen?: number | null): Promise<void> {
  await tx
    .update(incidents)
    .set({ nextUpdateDueAt: nextUpdateDueAt(config, incident.severity, chosen) })
    .where(eq(incidents.id, incident.id));
}

/** An incident that is over owes nobody updates. */
export async function clearReminders(tx: Tx, incidentId: number): Promise<void> {
  await tx.update(incidents).set({ nextUpdateDueAt: null, leadNudgeAt: null }).where(eq(incidents.id, incidentId));
}

export async function snoozeReminders(db: Db, request: { incidentId: number; actor: string }): Promise<Outcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(incidents)
      .set({ nextUpdateDueAt: later(SNOOZE_MS) })
      .where(and(eq(incidents.id, request.incidentId), inArray(incidents.status, [...OPEN_STATUSES])))
      .returning();
    if (!row) return refuse('final', msg`This incident is over; it needs no more updates.`);
    await recordEvent(tx, { incidentId: row.id, kind: 'reminders_snoozed', actor: request.actor, data: { forMs: SNOOZE_MS } });
    return { ok: true, message: msg`Snoozed: the next reminder comes in 30 minutes.` };
  });
}

export async function stopReminders(db: Db, request: { incidentId: number; actor: string }): Promise<Outcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(incidents).set({ nextUpdateDueAt: null }).where(eq(incidents.id, request.incidentId)).returning();
    if (!row) return refuse('not_found', msg`That incident no longer exists.`);
    await recordEvent(tx, { incidentId: row.id, kind: 'reminders_stopped', actor: request.actor, data: {} });
    return { ok: true, message: msg`Reminders stopped for this incident. A status update with "next update in" starts them again.` };
  });
}

import { and, asc, eq, inArray, isNotNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { findSeverity, type Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { incidents, type Incident } from '../db/schema.js';
import { OPEN_STATUSES } from '../incidents/lifecycle.js';
import { enqueue } from '../outbox/enqueue.js';
import { recordEvent } from '../timeline/record.js';
import { isPerson } from '../incidents/people.js';

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

/**
 * Sends due reminders: incidents past their update time, and incidents without a lead ten minutes after
 * they opened. Claimed with FOR UPDATE SKIP LOCKED like escalations, and rescheduled in the same
 * transaction, so each reminder goes out once however many processes sweep.
 */
export async function sweepReminders(db: Db, config: Config, batchSize = 50): Promise<number> {
  let sent = 0;
  for (;;) {
    const claimed = await db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(incidents)
        .where(
          and(
            inArray(incidents.status, [...OPEN_STATUSES]),
            or(
              and(isNotNull(incidents.nextUpdateDueAt), lte(incidents.nextUpdateDueAt, sql`now()`)),
              and(isNotNull(incidents.leadNudgeAt), lte(incidents.leadNudgeAt, sql`now()`)),
            ),
          ),
        )
        .orderBy(asc(incidents.id))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      for (const incident of due) {
        const now = Date.now();
        const updateDue = incident.nextUpdateDueAt !== null && incident.nextUpdateDueAt.getTime() <= now;
        const nudgeDue = incident.leadNudgeAt !== null && incident.leadNudgeAt.getTime() <= now && !incident.leadId;
        if (updateDue) {
          // Remind again after another full cadence if the update still does not come.
          const delay = nextUpdateDelay(config, incident.severity, undefined);
          await tx
            .update(incidents)
            .set({ nextUpdateDueAt: delay === null ? null : later(delay) })
            .where(eq(incidents.id, incident.id));
          const event = await recordEvent(tx, {
            incidentId: incident.id,
            kind: 'update_reminder',
            actor: null,
            data: {
              dueAt: incident.nextUpdateDueAt?.toISOString(),
              remind: incident.leadId ?? (isPerson(incident.declaredBy) ? incident.declaredBy : null),
            },
          });
          if (event)
            await enqueue(tx, [{ kind: 'reminder.post', payload: { incidentId: incident.id, eventId: event.id } }], {
              incidentId: incident.id,
            });
          sent++;
        }
        if (incident.leadNudgeAt !== null && incident.leadNudgeAt.getTime() <= now) {
          await tx.update(incidents).set({ leadNudgeAt: null }).where(eq(incidents.id, incident.id));
          if (nudgeDue) {
            const event = await recordEvent(tx, { incidentId: incident.id, kind: 'lead_nudge', actor: null, data: {} });
            if (event)
              await enqueue(
                tx,
                [{ kind: 'timeline.post', payload: { incidentId: incident.id, eventId: event.id, where: 'channel', broadcast: false } }],
                { incidentId: incident.id },
              );
            sent++;
          }
        }
      }
      return due.length;
    });
    if (claimed < batchSize) return sent;
  }
}

export type ReminderOutcome = { ok: true; message: string } | { ok: false; message: string };

export async function snoozeReminders(db: Db, request: { incidentId: number; actor: string }): Promise<ReminderOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(incidents)
      .set({ nextUpdateDueAt: later(SNOOZE_MS) })
      .where(and(eq(incidents.id, request.incidentId), inArray(incidents.status, [...OPEN_STATUSES])))
      .returning();
    if (!row) return { ok: false, message: 'This incident is over; it needs no more updates.' };
    await recordEvent(tx, { incidentId: row.id, kind: 'reminders_snoozed', actor: request.actor, data: { forMs: SNOOZE_MS } });
    return { ok: true, message: 'Snoozed: the next reminder comes in 30 minutes.' };
  });
}

export async function stopReminders(db: Db, request: { incidentId: number; actor: string }): Promise<ReminderOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(incidents).set({ nextUpdateDueAt: null }).where(eq(incidents.id, request.incidentId)).returning();
    if (!row) return { ok: false, message: 'That incident no longer exists.' };
    await recordEvent(tx, { incidentId: row.id, kind: 'reminders_stopped', actor: request.actor, data: {} });
    return { ok: true, message: 'Reminders stopped for this incident. A status update with "next update in" starts them again.' };
  });
}

import { and, asc, eq, inArray, isNotNull, lte, or, sql } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { incidents } from '../db/schema.js';
import { later, nextUpdateDelay } from '../incidents/cadence.js';
import { OPEN_STATUSES } from '../incidents/lifecycle.js';
import { isPerson } from '../incidents/people.js';
import { enqueue } from '../outbox/enqueue.js';
import { recordEvent } from '../timeline/record.js';
import { announce } from '../workflow/audience.js';

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
          if (event) await enqueue(tx, announce(event), { incidentId: incident.id });
          sent++;
        }
        if (incident.leadNudgeAt !== null && incident.leadNudgeAt.getTime() <= now) {
          await tx.update(incidents).set({ leadNudgeAt: null }).where(eq(incidents.id, incident.id));
          if (nudgeDue) {
            const event = await recordEvent(tx, { incidentId: incident.id, kind: 'lead_nudge', actor: null, data: {} });
            if (event) await enqueue(tx, announce(event), { incidentId: incident.id });
            sent++;
          }
        }
      }
      return due.length;
    });
    if (claimed < batchSize) return sent;
  }
}

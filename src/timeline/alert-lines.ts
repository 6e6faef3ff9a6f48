import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { timelineEvents } from '../db/schema.js';
import type { TimelineKind } from './events.js';

/**
 * The budget of alert lines in an incident channel: an alert storm must not bury the people working in
 * it, so past the first few lines of a minute one summary says how many more came.
 */
export const ALERT_LINES_PER_MINUTE = 5;

/** The alert changes that are posted one by one, or summarised after the first few of a minute. */
export const ALERT_CHANGE_KINDS: TimelineKind[] = ['alert_firing', 'alert_resolved'];

/** The minute an alert change is counted in. */
export function minuteOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000);
}

/** The incident's alert changes from `from`, and before `until` when given. */
function alertChanges(incidentId: number, from: Date, until?: Date) {
  return and(
    eq(timelineEvents.incidentId, incidentId),
    inArray(timelineEvents.kind, ALERT_CHANGE_KINDS),
    gte(timelineEvents.occurredAt, from),
    until ? lt(timelineEvents.occurredAt, until) : undefined,
  );
}

/** How many alert changes the incident has recorded since the start of `minute`. */
export async function alertChangesSince(tx: Tx, incidentId: number, minute: Date): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(timelineEvents)
    .where(alertChanges(incidentId, minute));
  return Number(row?.n ?? 0);
}

/** The alert changes of one minute past its budget of lines: what its summary counts. */
export async function alertChangesBeyondBudget(tx: Tx, incidentId: number, minute: Date): Promise<{ firing: number; resolved: number }> {
  const events = await tx
    .select({ kind: timelineEvents.kind })
    .from(timelineEvents)
    .where(alertChanges(incidentId, minute, new Date(minute.getTime() + 60_000)))
    .orderBy(timelineEvents.id);
  const beyond = events.slice(ALERT_LINES_PER_MINUTE);
  const firing = beyond.filter((e) => e.kind === 'alert_firing').length;
  return { firing, resolved: beyond.length - firing };
}

import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { timelineEvents } from '../db/schema.js';
import type { TimelineData, TimelineKind } from './events.js';

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

/** A change of an alert, as recorded on an incident's timeline. */
export interface AlertChangeRow {
  kind: 'alert_firing' | 'alert_resolved';
  actor: string;
  data: TimelineData<'alert_firing'>;
}

/**
 * Records an incident's alert changes at `at` in one statement (its rows as one JSON parameter, however
 * many), with how many alert changes the incident had recorded since the start of that minute before
 * them: the statement's count sees the table as it was before its own insert.
 */
export async function recordAlertChanges(
  tx: Tx,
  incidentId: number,
  at: Date,
  changes: readonly AlertChangeRow[],
): Promise<{ ids: number[]; before: number }> {
  if (changes.length === 0) return { ids: [], before: 0 };
  const occurred = at.toISOString();
  const kinds = sql.join(
    ALERT_CHANGE_KINDS.map((k) => sql`${k}`),
    sql`, `,
  );
  const result = await tx.execute(sql`
    with added as (
      insert into timeline_events (incident_id, kind, actor, occurred_at, data)
      select ${incidentId}, x.kind, x.actor, ${occurred}::timestamptz, x.data
      from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as x(kind text, actor text, data jsonb)
      returning id
    )
    select id::float8 as id, (select count(*)::int from timeline_events
      where incident_id = ${incidentId} and kind in (${kinds}) and occurred_at >= ${minuteOf(at).toISOString()}::timestamptz) as before
    from added order by id`);
  const rows = rowsOf<{ id: number; before: number }>(result);
  return { ids: rows.map((r) => Number(r.id)), before: Number(rows[0]?.before ?? 0) };
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

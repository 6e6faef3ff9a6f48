// The ingest's statements over a batch's many rows. Each batch's rows travel as one JSON parameter read by
// jsonb_to_recordset: a multi-row VALUES has a parameter per column per row (2,000 for 100 alert events),
// which drizzle builds and postgres.js describes one by one, and that cost more than the database's work.
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import type { alertEvents } from '../db/schema.js';
import type { NormalizedAlert } from './payloads.js';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** Every event of a batch in one statement. */
export async function insertAlertEvents(tx: Tx, events: ReadonlyArray<typeof alertEvents.$inferInsert>): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    integration_id: e.integrationId,
    fingerprint: e.fingerprint,
    status: e.status,
    title: e.title,
    labels: e.labels,
    annotations: e.annotations,
    link: e.link ?? null,
    source_severity: e.sourceSeverity ?? null,
    starts_at: iso(e.startsAt),
    ends_at: iso(e.endsAt),
    source_group_key: e.sourceGroupKey,
    batch_title: e.batchTitle,
    received_at: iso(e.receivedAt),
    routes: e.routes,
    set: e.set ?? {},
    group_key: e.groupKey,
    group_id: e.groupId ?? null,
    outcome: e.outcome,
    silence: e.silence ?? null,
    incident_id: e.incidentId ?? null,
    reason: e.reason,
  }));
  await tx.execute(sql`
    insert into alert_events (integration_id, fingerprint, status, title, labels, annotations, link, source_severity,
      starts_at, ends_at, source_group_key, batch_title, received_at, routes, "set", group_key, group_id, outcome,
      silence, incident_id, reason)
    select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(integration_id text, fingerprint text,
      status text, title text, labels jsonb, annotations jsonb, link text, source_severity text, starts_at timestamptz,
      ends_at timestamptz, source_group_key text, batch_title text, received_at timestamptz, routes jsonb, "set" jsonb,
      group_key text, group_id integer, outcome text, silence text, incident_id integer, reason text)`);
}

/** A group's alert as the decision (and the lines of alerts taken along) read it before the batch. */
export interface StoredAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  title: string;
  labels: Record<string, string>;
  link: string | null;
  lastReceivedAt: Date;
  lastFiringAt: Date | null;
}

/**
 * Stores the batch's latest state of a group's alerts and answers, from the same statement, their states
 * before it: the batch's own alerts, and with `firingSince` also those that fired since then (what open_after
 * counts) or still fire (what an opening takes along). A resolve of an alert the group does not know is not stored, as planGroup keeps it out. The group row is locked, so nobody else writes its alerts between the two. `= any(array(…))`
 * looks each fingerprint up in the primary key; `in (select …)` had Postgres read all of the group's alerts.
 */
export async function upsertAlerts(
  tx: Tx,
  groupId: number,
  latest: readonly NormalizedAlert[],
  firingSince: Date | undefined,
  at: Date,
): Promise<StoredAlert[]> {
  const fingerprints = JSON.stringify(latest.map((a) => a.fingerprint));
  const rows = latest.map((a) => ({
    fingerprint: a.fingerprint,
    status: a.status,
    title: a.title,
    labels: a.labels,
    annotations: a.annotations,
    link: a.link,
    starts_at: a.startsAt,
    ends_at: a.endsAt,
  }));
  const window = firingSince ? sql` or status = 'firing' or last_firing_at >= ${firingSince.toISOString()}::timestamptz` : sql``;
  const result = await tx.execute(sql`
    with before as (
      select fingerprint, status, title, labels, link, last_received_at, last_firing_at from alerts
      where group_id = ${groupId}
        and (fingerprint = any(array(select jsonb_array_elements_text(${fingerprints}::jsonb)))${window})
    ), stored as (
      insert into alerts (group_id, fingerprint, status, title, labels, annotations, link, starts_at, ends_at, last_received_at,
        last_firing_at)
      select ${groupId}, x.fingerprint, x.status, x.title, x.labels, x.annotations, x.link, x.starts_at, x.ends_at,
        ${at.toISOString()}::timestamptz, case when x.status = 'firing' then ${at.toISOString()}::timestamptz end
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(fingerprint text, status text, title text,
        labels jsonb, annotations jsonb, link text, starts_at timestamptz, ends_at timestamptz)
      where x.status = 'firing' or x.fingerprint in (select fingerprint from before)
      on conflict (group_id, fingerprint) do update set status = excluded.status, title = excluded.title,
        labels = excluded.labels, annotations = excluded.annotations, link = excluded.link,
        starts_at = excluded.starts_at, ends_at = excluded.ends_at, last_received_at = excluded.last_received_at,
        last_firing_at = coalesce(excluded.last_firing_at, alerts.last_firing_at)
    )
    select fingerprint, status, title, labels, link, last_received_at, last_firing_at from before`);
  return rowsOf<{
    fingerprint: string;
    status: 'firing' | 'resolved';
    title: string;
    labels: unknown;
    link: string | null;
    last_received_at: unknown;
    last_firing_at: unknown;
  }>(result).map((r) => ({
    fingerprint: r.fingerprint,
    status: r.status,
    title: r.title,
    labels: (typeof r.labels === 'string' ? JSON.parse(r.labels) : r.labels) as Record<string, string>,
    link: r.link,
    lastReceivedAt: new Date(r.last_received_at as string | Date),
    lastFiringAt: r.last_firing_at === null ? null : new Date(r.last_firing_at as string | Date),
  }));
}

import { and, eq, inArray, sql } from 'drizzle-orm';
import { defaultSeverity, findSeverity, type Config, type Severity } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { alertGroups, alerts, timelineEvents, type AlertGroup } from '../db/schema.js';
import { changeStatusIn } from '../workflow/changes.js';
import { announce } from '../workflow/audience.js';
import { openIncident } from '../workflow/declare.js';
import { isWorking } from '../incidents/lifecycle.js';
import { alertActor } from '../incidents/people.js';
import { getIncident } from '../incidents/queries.js';
import type { Effect } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { ALERT_LINES_PER_MINUTE, alertChangesSince, minuteOf } from '../timeline/alert-lines.js';
import { recordEvent, timelineRow } from '../timeline/record.js';
import { acknowledgePagesOf } from '../paging/acknowledge.js';
import type { NormalizedAlert } from './payloads.js';

export type Integration = Config['integrations'][number];

export interface IngestResult {
  incidentId: number | null;
  opened: boolean;
  /** Alerts that started firing (or fired again) and alerts that resolved. */
  changed: number;
  /** Alerts repeated in the same state: de-duplicated, nothing recorded. */
  duplicates: number;
}

/** Our severity for an alert: the integration's map of the source's severity, else its default, else the least severe. */
export function severityFor(config: Config, integration: Integration, sourceSeverity: string | null): Severity {
  const mapped = sourceSeverity ? integration.severity_map[sourceSeverity] : undefined;
  return findSeverity(config, mapped ?? integration.severity ?? '') ?? defaultSeverity(config);
}

/**
 * The open group for a key, opening it (and its incident, in triage) when the batch has something firing.
 * The insert races other deliveries of the same group on the partial unique index; the loser waits for the
 * winner's commit, finds its row, and appends to its incident.
 */
async function groupFor(
  tx: Tx,
  config: Config,
  integration: Integration,
  groupKey: string,
  open: { title: string; severity: Severity } | null,
): Promise<{ group: AlertGroup; opened: boolean } | undefined> {
  const find = async () => {
    const [row] = await tx
      .select()
      .from(alertGroups)
      .where(and(eq(alertGroups.integrationId, integration.id), eq(alertGroups.groupKey, groupKey), eq(alertGroups.open, true)))
      .for('update');
    return row;
  };
  const existing = await find();
  if (existing) return { group: existing, opened: false };
  if (!open) return undefined;
  const [inserted] = await tx
    .insert(alertGroups)
    .values({ integrationId: integration.id, groupKey })
    .onConflictDoNothing({ target: [alertGroups.integrationId, alertGroups.groupKey], where: sql`open` })
    .returning();
  if (!inserted) {
    const raced = await find();
    return raced ? { group: raced, opened: false } : undefined;
  }
  const incident = await openIncident(tx, config, open.severity, {
    title: open.title,
    severity: open.severity.id,
    description: '',
    isPrivate: false,
    declaredBy: alertActor(integration.id),
    leadId: null,
    initialStatus: 'triage',
    source: integration.id,
    ...(integration.page ? { page: integration.page } : {}),
  });
  const [linked] = await tx.update(alertGroups).set({ incidentId: incident.id }).where(eq(alertGroups.id, inserted.id)).returning();
  return { group: linked ?? inserted, opened: true };
}

/**
 * The channel lines of alert changes, within the budget of lines a minute (timeline/alert-lines.ts): past it,
 * one summary a minute says how many more came.
 */
async function alertPosts(tx: Tx, incidentId: number, eventIds: number[], at: Date): Promise<Effect[]> {
  if (eventIds.length === 0) return [];
  // The minute of the events themselves, not of a later clock read that may have crossed into the next.
  const minute = minuteOf(at);
  const before = (await alertChangesSince(tx, incidentId, minute)) - eventIds.length;
  const effects: Effect[] = [];
  eventIds.forEach((eventId, i) => {
    const position = before + i;
    if (position < ALERT_LINES_PER_MINUTE)
      effects.push({ kind: 'timeline.post', payload: { incidentId, eventId, where: 'channel', broadcast: false } });
    if (position === ALERT_LINES_PER_MINUTE)
      effects.push({ kind: 'alerts.summary', payload: { incidentId, minute: minute.toISOString() } });
  });
  return effects;
}

/**
 * Records a batch of alerts of one group: the first firing opens an incident in triage; later batches add
 * timeline events for alerts that start firing or resolve; repeats change nothing. When every alert of the
 * group has resolved the incident is told (and resolved, with `auto_resolve`).
 */
export async function ingestAlerts(
  db: Db,
  config: Config,
  integration: Integration,
  batch: { groupKey: string; title: string; sourceSeverity: string | null; alerts: NormalizedAlert[] },
): Promise<IngestResult> {
  // A batch without alerts (Alertmanager allows it) says nothing about any alert.
  if (batch.alerts.length === 0) return { incidentId: null, opened: false, changed: 0, duplicates: 0 };
  return db.transaction(async (tx) => {
    const firing = batch.alerts.some((a) => a.status === 'firing');
    const found = await groupFor(
      tx,
      config,
      integration,
      batch.groupKey,
      firing ? { title: batch.title, severity: severityFor(config, integration, batch.sourceSeverity) } : null,
    );
    if (!found?.group.incidentId) return { incidentId: null, opened: false, changed: 0, duplicates: batch.alerts.length };
    const { group } = found;
    const incidentId = group.incidentId as number;
    const known = new Map(
      (
        await tx
          .select()
          .from(alerts)
          .where(
            and(
              eq(alerts.groupId, group.id),
              inArray(
                alerts.fingerprint,
                batch.alerts.map((a) => a.fingerprint),
              ),
            ),
          )
      ).map((a) => [a.fingerprint, a]),
    );
    // The last word on an alert within one batch is its last entry.
    const latest = new Map(batch.alerts.map((a) => [a.fingerprint, a]));
    const now = new Date();
    const rows = [...latest.values()].map((alert) => ({
      groupId: group.id,
      fingerprint: alert.fingerprint,
      status: alert.status,
      title: alert.title,
      labels: alert.labels,
      annotations: alert.annotations,
      link: alert.link,
      startsAt: alert.startsAt ? new Date(alert.startsAt) : null,
      endsAt: alert.endsAt ? new Date(alert.endsAt) : null,
      lastReceivedAt: now,
    }));
    // One statement for the whole batch: storms arrive in batches of many alerts.
    await tx
      .insert(alerts)
      .values(rows)
      .onConflictDoUpdate({
        target: [alerts.groupId, alerts.fingerprint],
        set: {
          status: sql`excluded.status`,
          title: sql`excluded.title`,
          labels: sql`excluded.labels`,
          annotations: sql`excluded.annotations`,
          link: sql`excluded.link`,
          startsAt: sql`excluded.starts_at`,
          endsAt: sql`excluded.ends_at`,
          lastReceivedAt: sql`excluded.last_received_at`,
        },
      });
    // A resolved alert never seen firing has nothing to tell; a repeat in the same state neither.
    const changes = [...latest.values()].filter((alert) => (known.get(alert.fingerprint)?.status ?? 'resolved') !== alert.status);
    const duplicates = batch.alerts.length - changes.length;
    const recorded = changes.length
      ? await tx
          .insert(timelineEvents)
          .values(
            changes.map((alert) =>
              timelineRow({
                incidentId,
                kind: alert.status === 'firing' ? 'alert_firing' : 'alert_resolved',
                actor: alertActor(integration.id),
                occurredAt: now,
                data: {
                  integration: integration.id,
                  fingerprint: alert.fingerprint,
                  title: alert.title,
                  labels: alert.labels,
                  link: alert.link,
                  severity: alert.sourceSeverity,
                },
              }),
            ),
          )
          .returning({ id: timelineEvents.id })
      : [];
    const eventIds = recorded.map((r) => r.id);
    const effects = await alertPosts(tx, incidentId, eventIds, now);
    const resolvedNow = batch.alerts.some((a) => a.status === 'resolved') && eventIds.length > 0;
    if (resolvedNow) {
      const [stillFiring] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(alerts)
        .where(and(eq(alerts.groupId, group.id), eq(alerts.status, 'firing')));
      if (Number(stillFiring?.n ?? 0) === 0) {
        const event = await recordEvent(tx, {
          incidentId,
          kind: 'alert_group_resolved',
          actor: alertActor(integration.id),
          data: { integration: integration.id, groupKey: batch.groupKey },
        });
        if (event) effects.push(...announce(event));
        const incident = await getIncident(tx, incidentId);
        if (integration.auto_resolve && incident && isWorking(incident.status)) {
          await changeStatusIn(tx, config, {
            incidentId,
            actor: alertActor(integration.id),
            to: 'resolved',
            message: `Every alert of ${integration.id} resolved`,
          });
        }
      }
    }
    await enqueue(
      tx,
      effects.filter((e) => e.kind !== 'alerts.summary'),
      { incidentId },
    );
    const summaries = effects.filter((e) => e.kind === 'alerts.summary');
    // Its own ordering key: it waits for the minute to end without holding up the incident's other messages.
    if (summaries.length)
      await enqueue(tx, summaries, {
        incidentId,
        orderingKey: `alerts:${incidentId}`,
        notBefore: new Date(Date.parse((summaries[0]!.payload as { minute: string }).minute) + 61_000),
      });
    return { incidentId, opened: found.opened, changed: eventIds.length, duplicates };
  });
}

/** PagerDuty's acknowledge: the incident's running pages are acknowledged by the source. */
export async function acknowledgeFromSource(db: Db, integration: Integration, groupKey: string): Promise<number | null> {
  return db.transaction(async (tx) => {
    const [group] = await tx
      .select()
      .from(alertGroups)
      .where(and(eq(alertGroups.integrationId, integration.id), eq(alertGroups.groupKey, groupKey), eq(alertGroups.open, true)));
    if (!group?.incidentId) return null;
    const event = await recordEvent(tx, {
      incidentId: group.incidentId,
      kind: 'alert_acknowledged',
      actor: alertActor(integration.id),
      data: { integration: integration.id, groupKey },
    });
    if (event) await enqueue(tx, announce(event), { incidentId: group.incidentId });
    await acknowledgePagesOf(tx, group.incidentId, alertActor(integration.id));
    return group.incidentId;
  });
}

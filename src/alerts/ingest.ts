import { and, eq, sql } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { alertGroups, alerts } from '../db/schema.js';
import { changeStatusIn } from '../workflow/changes.js';
import { announce } from '../workflow/audience.js';
import { isWorking } from '../incidents/lifecycle.js';
import { alertActor } from '../incidents/people.js';
import { getIncident } from '../incidents/queries.js';
import type { Effect } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { recordEvent } from '../timeline/record.js';
import { recordAlertChanges } from '../timeline/alert-lines.js';
import { acknowledgePagesOf } from '../paging/acknowledge.js';
import { activeSilences } from './silences.js';
import { classifyBatch } from './decide.js';
import { ingestGroup, type BatchContext, type GroupOutcome } from './ingest-group.js';
import { alertPosts, enqueueAlertPosts } from './ingest-posts.js';
import { insertAlertEvents } from './ingest-sql.js';
import type { NormalizedAlert } from './payloads.js';
import { pipelineOf } from './pipeline.js';
import type { Integration } from './severity.js';

export { severityFor, type Integration } from './severity.js';

export interface IngestResult {
  /** The incident the batch's alerts went to (the last one, when its groups went to several). */
  incidentId: number | null;
  opened: boolean;
  /** Alerts that started firing (or fired again) and alerts that resolved. */
  changed: number;
  /** Alerts that changed nothing: repeats, and alerts waiting, silenced or dropped. */
  duplicates: number;
}

export interface IngestBatch {
  groupKey: string;
  title: string;
  sourceSeverity: string | null;
  alerts: NormalizedAlert[];
}

/**
 * Records a batch of alerts: each is routed, grouped and decided (opened, joined, waiting, silenced,
 * dropped, repeated or resolved) and stored with that decision and its reason. When every alert of a group
 * has resolved the incident is told (and resolved, with `auto_resolve`).
 */
export async function ingestAlerts(db: Db, config: Config, integration: Integration, batch: IngestBatch): Promise<IngestResult> {
  // A batch without alerts (Alertmanager allows it) says nothing about any alert.
  if (batch.alerts.length === 0) return { incidentId: null, opened: false, changed: 0, duplicates: 0 };
  return db.transaction((tx) => ingestIn(tx, config, integration, batch, new Date()));
}

/** The same, in the caller's transaction and at a given moment (a silence's end takes its alerts in this way). */
export async function ingestIn(tx: Tx, config: Config, integration: Integration, batch: IngestBatch, at: Date): Promise<IngestResult> {
  // Silences are read once a batch, however many alerts it holds.
  const pipeline = pipelineOf(config, await activeSilences(tx, at));
  const groups = classifyBatch(pipeline, integration.id, batch.groupKey, batch.alerts, at);
  const ctx: BatchContext = {
    config,
    integration,
    pipeline,
    at,
    title: batch.title,
    sourceSeverity: batch.sourceSeverity,
    batchSize: groups.reduce((n, [, items]) => n + items.length, 0),
  };
  const outcomes: GroupOutcome[] = [];
  for (const [key, items] of groups)
    outcomes.push(
      await ingestGroup(
        tx,
        ctx,
        key,
        items.map(({ item, incoming, classified }) => ({ alert: item, incoming, classified })),
      ),
    );
  const events = outcomes.flatMap((o) => o.events);
  // Issued together: the connection runs them in this order, without waiting a round trip between.
  const [, changed] = await Promise.all([
    insertAlertEvents(tx, events),
    (async () => {
      let n = 0;
      for (const outcome of outcomes) n += await tellIncident(tx, config, integration, outcome, at);
      return n;
    })(),
  ]);
  const last = outcomes.filter((o) => o.incidentId !== null).at(-1);
  return {
    incidentId: last?.incidentId ?? null,
    opened: outcomes.some((o) => o.opened),
    changed,
    // Changes may include waiting alerts taken along: what was new is counted over the batch's own alerts.
    duplicates: batch.alerts.length - events.filter((e) => ['opened', 'joined', 'resolved'].includes(e.outcome)).length,
  };
}

/** The incident's timeline lines for its group's changes, and the group's end when nothing of it fires any more. */
async function tellIncident(tx: Tx, config: Config, integration: Integration, outcome: GroupOutcome, at: Date): Promise<number> {
  const { incidentId, group, changes } = outcome;
  if (incidentId === null || !group || changes.length === 0) return 0;
  const recorded = await recordAlertChanges(
    tx,
    incidentId,
    at,
    changes.map(({ status, alert, reason }) => ({
      kind: status === 'firing' ? 'alert_firing' : 'alert_resolved',
      actor: alertActor(integration.id),
      data: {
        integration: integration.id,
        fingerprint: alert.fingerprint,
        title: alert.title,
        labels: alert.labels,
        link: alert.link,
        severity: alert.sourceSeverity,
        reason,
      },
    })),
  );
  const effects: Effect[] = alertPosts(incidentId, recorded, at);
  if (outcome.resolvedAny) {
    const [stillFiring] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(alerts)
      .where(and(eq(alerts.groupId, group.id), eq(alerts.status, 'firing')));
    if (Number(stillFiring?.n ?? 0) === 0) {
      const event = await recordEvent(tx, {
        incidentId,
        kind: 'alert_group_resolved',
        actor: alertActor(integration.id),
        data: { integration: integration.id, groupKey: group.groupKey },
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
  await enqueueAlertPosts(tx, incidentId, effects);
  return recorded.ids.length;
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

// One group of a batch through the pipeline's decision, in the caller's transaction: the group row is
// locked (or made) first, so concurrent deliveries of a group are decided one after the other.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { findSeverity, type Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { alertEvents, alertGroups, type AlertGroup } from '../db/schema.js';
import { alertActor } from '../incidents/people.js';
import { incidentKey } from '../incidents/queries.js';
import { openIncident } from '../workflow/declare.js';
import { attachRoutedServices } from '../workflow/services.js';
import { planGroup, type Classified, type IncomingAlert, type Pipeline } from './decide.js';
import type { NormalizedAlert } from './payloads.js';
import { upsertAlerts } from './ingest-sql.js';
import { reasonOf } from './reason.js';
import { severityFor, type Integration } from './severity.js';

export interface Item {
  alert: NormalizedAlert;
  incoming: IncomingAlert;
  classified: Classified;
}

export interface BatchContext {
  config: Config;
  integration: Integration;
  pipeline: Pipeline;
  at: Date;
  title: string;
  sourceSeverity: string | null;
  /** How many alerts the whole batch holds: a group that is all of it takes the batch's title. */
  batchSize: number;
}

export interface AlertChange {
  status: 'firing' | 'resolved';
  alert: Pick<NormalizedAlert, 'fingerprint' | 'title' | 'labels' | 'link' | 'sourceSeverity'>;
  reason: string;
}

export interface GroupOutcome {
  group: AlertGroup | undefined;
  incidentId: number | null;
  opened: boolean;
  /** Alerts that start firing in the incident (the waiting ones it took along included) or resolve. */
  changes: AlertChange[];
  events: Array<typeof alertEvents.$inferInsert>;
  resolvedAny: boolean;
}

async function lockedGroup(tx: Tx, integrationId: string, groupKey: string, create: boolean): Promise<AlertGroup | undefined> {
  const find = async () => {
    const [row] = await tx
      .select()
      .from(alertGroups)
      .where(and(eq(alertGroups.integrationId, integrationId), eq(alertGroups.groupKey, groupKey), eq(alertGroups.open, true)))
      .for('update');
    return row;
  };
  const existing = await find();
  if (existing || !create) return existing;
  // Races other deliveries on the partial unique index: the loser waits for the winner's commit, then finds its row.
  const [inserted] = await tx
    .insert(alertGroups)
    .values({ integrationId, groupKey })
    .onConflictDoNothing({ target: [alertGroups.integrationId, alertGroups.groupKey], where: sql`open` })
    .returning();
  return inserted ?? (await find());
}

export async function ingestGroup(tx: Tx, ctx: BatchContext, groupKey: string, items: Item[]): Promise<GroupOutcome> {
  const { config, integration, pipeline, at } = ctx;
  const passing = items.filter((i) => !i.classified.routing.dropped && !i.classified.silence);
  const group = passing.length
    ? await lockedGroup(
        tx,
        integration.id,
        groupKey,
        passing.some((i) => i.alert.status === 'firing'),
      )
    : undefined;
  // Only what the decision reads: the batch's own alerts, and while the group waits, those that fired within
  // the window or still fire (an opening takes them along).
  const since = group && !group.incidentId ? new Date(at.getTime() - (pipeline.openAfter?.within ?? 0)) : undefined;
  const latest = [...new Map(passing.map((i) => [i.alert.fingerprint, i.alert])).values()];
  const rows = group ? await upsertAlerts(tx, group.id, latest, since, at) : [];
  const plan = planGroup(
    {
      hasIncident: !!group?.incidentId,
      alerts: new Map(
        rows.map((r) => [r.fingerprint, { status: r.status, lastFiringAt: r.lastFiringAt, resolvedAt: null, labels: r.labels }]),
      ),
    },
    items.map((i) => ({ alert: i.incoming, classified: i.classified })),
    pipeline.openAfter,
    at,
    pipeline.silences,
  );

  let incidentId = group?.incidentId ?? null;
  const opener = plan.openedBy === undefined ? undefined : items[plan.openedBy];
  if (group && opener) {
    const { set } = opener.classified.routing;
    const severity =
      (set.severity ? findSeverity(config, set.severity) : undefined) ??
      severityFor(config, integration, opener.alert.sourceSeverity ?? ctx.sourceSeverity);
    const page = set.page ?? integration.page;
    const incident = await openIncident(tx, config, severity, {
      title: items.length === ctx.batchSize ? ctx.title : opener.alert.title,
      severity: severity.id,
      description: '',
      isPrivate: false,
      declaredBy: alertActor(integration.id),
      leadId: null,
      initialStatus: 'triage',
      source: integration.id,
      ...(set.type ? { type: set.type } : {}),
      ...(page ? { page } : {}),
    });
    incidentId = incident.id;
    await tx.update(alertGroups).set({ incidentId }).where(eq(alertGroups.id, group.id));
  }

  const key = incidentId === null ? undefined : incidentKey(incidentId);
  const byLabels = !!pipeline.groupBy?.length;
  const changes: AlertChange[] = [];
  const events = items.map(({ alert, classified }, i) => {
    const decision = plan.decisions[i]!;
    const tied = decision.inIncident && key !== undefined;
    const reason = reasonOf({
      routing: classified.routing,
      routes: pipeline.routes,
      groupKey,
      byLabels,
      decision,
      openAfter: pipeline.openAfter,
      silence: classified.silence?.ref,
      incident: tied ? key : undefined,
    });
    if (key && (decision.outcome === 'opened' || decision.outcome === 'joined')) changes.push({ status: 'firing', alert, reason });
    if (key && decision.outcome === 'resolved') changes.push({ status: 'resolved', alert, reason });
    return {
      integrationId: integration.id,
      fingerprint: alert.fingerprint,
      status: alert.status,
      title: alert.title,
      labels: alert.labels,
      annotations: alert.annotations,
      link: alert.link,
      sourceSeverity: alert.sourceSeverity,
      startsAt: alert.startsAt ? new Date(alert.startsAt) : null,
      endsAt: alert.endsAt ? new Date(alert.endsAt) : null,
      sourceGroupKey: items[i]!.incoming.sourceGroupKey,
      batchTitle: ctx.title,
      receivedAt: at,
      routes: classified.routing.routes,
      set: Object.fromEntries(Object.entries(classified.routing.set).filter((e): e is [string, string] => e[1] !== undefined)),
      groupKey,
      groupId: group && !classified.silence && !classified.routing.dropped ? group.id : null,
      outcome: decision.outcome,
      silence: classified.silence?.ref ?? null,
      incidentId: tied && incidentId !== null ? incidentId : null,
      reason,
    };
  });

  if (group && opener && incidentId !== null) {
    // The alerts that waited for open_after come along: their lines in the channel, their events on the incident.
    // The batch's own events are stored after this, so the waiting ones are all earlier; the lines are for the
    // alerts the batch does not open or join itself (one that waited and resolves now is taken along, then resolved).
    const firingNow = new Set(
      items.filter((_, i) => plan.decisions[i]!.inIncident && items[i]!.alert.status === 'firing').map((i) => i.alert.fingerprint),
    );
    const earlier = plan.attach.filter((fp) => !firingNow.has(fp));
    if (plan.attach.length) {
      const waited = await tx
        .update(alertEvents)
        .set({ incidentId, reason: sql`${alertEvents.reason} || ${` → taken into ${key}`}` })
        .where(
          and(
            eq(alertEvents.groupId, group.id),
            eq(alertEvents.outcome, 'waiting'),
            isNull(alertEvents.incidentId),
            inArray(alertEvents.fingerprint, plan.attach),
          ),
        )
        .returning({ fingerprint: alertEvents.fingerprint, reason: alertEvents.reason });
      const reasons = new Map(waited.map((w) => [w.fingerprint, w.reason]));
      for (const row of rows)
        if (earlier.includes(row.fingerprint))
          changes.unshift({
            status: 'firing',
            alert: { ...row, sourceSeverity: null },
            reason: reasons.get(row.fingerprint) ?? `taken into ${key}`,
          });
    }
  }

  if (incidentId !== null)
    await attachRoutedServices(
      tx,
      config,
      incidentId,
      alertActor(integration.id),
      items.map((item, i) => ({ service: item.classified.routing.set.service, outcome: plan.decisions[i]!.outcome })),
    );

  return {
    group,
    incidentId,
    opened: opener !== undefined,
    changes,
    events,
    resolvedAny: plan.decisions.some((d) => d.outcome === 'resolved'),
  };
}

import { and, asc, count, desc, eq, gte, lt, ne, or } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { alertGroups, followups, incidentServices, incidents } from '../db/schema.js';
import { visibleTo, type Viewer } from '../incidents/access.js';
import { realIncidents } from '../incidents/drills.js';
import { serviceInsights, type ServiceInsights } from './service-insights.js';
import { weeklySeries, weeksEnding, type WeeklySeries } from './weekly.js';

const TOP_ALERT_GROUPS = 10;

export interface WeeklyInsights extends WeeklySeries, ServiceInsights {
  /** The alert groups that opened the most incidents in the range, most first. */
  recurringAlertGroups: Array<{ integration: string; group: string; incidents: number }>;
}

/**
 * The console's charts over the last `weekCount` weeks, as `viewer` may see them: charts are aggregates,
 * but a count of private incidents would still tell an outsider something happened, so the incidents the
 * viewer cannot see are left out (and drills, which are practice, and declined declarations).
 */
export async function weeklyInsightsFor(
  tx: Tx,
  viewer: Viewer,
  options: { weekCount: number; now: Date; severities: readonly string[]; services?: Config['services'] },
): Promise<WeeklyInsights> {
  const weeks = weeksEnding(options.now, options.weekCount);
  const from = weeks[0]!;
  const counted = and(visibleTo(viewer), realIncidents, ne(incidents.status, 'declined'));
  const rows = await tx
    .select({
      severity: incidents.severity,
      type: incidents.type,
      createdAt: incidents.createdAt,
      acknowledgedAt: incidents.acknowledgedAt,
      resolvedAt: incidents.resolvedAt,
    })
    .from(incidents)
    .where(and(counted, gte(incidents.createdAt, from), lt(incidents.createdAt, options.now)));
  // Follow-ups of any age may be done within the range, so they are chosen by their own dates, not their incident's.
  const items = await tx
    .select({ createdAt: followups.createdAt, doneAt: followups.doneAt })
    .from(followups)
    .innerJoin(incidents, eq(incidents.id, followups.incidentId))
    .where(and(counted, or(gte(followups.createdAt, from), gte(followups.doneAt, from))));
  const opened = count(alertGroups.id);
  const groups = await tx
    .select({ integration: alertGroups.integrationId, group: alertGroups.groupKey, incidents: opened })
    .from(alertGroups)
    .innerJoin(incidents, eq(incidents.id, alertGroups.incidentId))
    .where(and(counted, gte(incidents.createdAt, from), lt(incidents.createdAt, options.now)))
    .groupBy(alertGroups.integrationId, alertGroups.groupKey)
    .orderBy(desc(opened), asc(alertGroups.integrationId), asc(alertGroups.groupKey))
    .limit(TOP_ALERT_GROUPS);
  const marked = await tx
    .select({ id: incidents.id, createdAt: incidents.createdAt, status: incidents.status, service: incidentServices.serviceId })
    .from(incidentServices)
    .innerJoin(incidents, eq(incidents.id, incidentServices.incidentId))
    .where(and(counted, gte(incidents.createdAt, from), lt(incidents.createdAt, options.now)));
  const byIncident = new Map<number, { createdAt: Date; status: string; services: string[] }>();
  for (const m of marked) {
    const entry = byIncident.get(m.id) ?? { createdAt: m.createdAt, status: m.status, services: [] };
    entry.services.push(m.service);
    byIncident.set(m.id, entry);
  }
  const days = (options.now.getTime() - from.getTime()) / 86_400_000;
  return {
    ...serviceInsights({ services: options.services ?? [] }, [...byIncident.values()], { days, now: options.now }),
    ...weeklySeries(rows, items, { weeks, now: options.now, severities: options.severities }),
    recurringAlertGroups: groups,
  };
}

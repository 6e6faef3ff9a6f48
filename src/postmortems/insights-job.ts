import { and, gte, lt } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { followups, incidents, jobRuns } from '../db/schema.js';
import { ofRealIncident, realIncidents } from '../incidents/drills.js';
import { affectedServices } from '../incidents/services.js';
import { enqueue } from '../outbox/enqueue.js';
import { computeInsights, type Insights } from './insights.js';
import { serviceInsights } from './service-insights.js';

/** Sources of incidents people declared; any other source is the alert integration that opened it. */
const DECLARED_BY_HAND: readonly string[] = ['slack', 'console', 'api'];
export const INSIGHTS_JOB = 'insights';
/** The scheduled report is the same as `/incident insights` with no period given. */
export const DEFAULT_INSIGHT_DAYS = 30;
const DAY_MS = 86_400_000;

/** Insights over the last `days` (compared with the `days` before), from the incidents table; drills are practice, not history. */
export async function insightsFor(tx: Tx, config: Config, days: number, now = new Date()): Promise<Insights> {
  const from = new Date(now.getTime() - 2 * days * DAY_MS);
  const rows = await tx
    .select({
      id: incidents.id,
      title: incidents.title,
      severity: incidents.severity,
      type: incidents.type,
      status: incidents.status,
      source: incidents.source,
      createdAt: incidents.createdAt,
      acknowledgedAt: incidents.acknowledgedAt,
      resolvedAt: incidents.resolvedAt,
      isPrivate: incidents.isPrivate,
    })
    .from(incidents)
    .where(and(realIncidents, gte(incidents.createdAt, from), lt(incidents.createdAt, now)));
  const items = await tx
    .select({ createdAt: followups.createdAt, dueAt: followups.dueAt, doneAt: followups.doneAt })
    .from(followups)
    .where(ofRealIncident(followups.incidentId));
  const affected = await affectedServices(
    tx,
    rows.map((r) => r.id),
  );
  const withServices = rows.map((r) => ({ ...r, services: (affected.get(r.id) ?? []).map((s) => s.serviceId) }));
  const insights = computeInsights(
    // Private incidents count, but their titles say nothing to people outside them.
    rows.map(({ isPrivate, ...r }) => ({
      ...r,
      title: isPrivate ? '' : r.title,
      alertGroup: DECLARED_BY_HAND.includes(r.source) ? null : r.source,
    })),
    items,
    { days, now, severities: config.severities.map((s) => s.id) },
  );
  return { ...insights, ...serviceInsights(config, withServices, { days, now }) };
}

/**
 * The scheduled insights report (insights.schedule): claimed by its due time like the digest, so it is
 * posted once to the digest channel; the rendered message is stored with the run for delivery.
 */
export async function runInsights(db: Db, dueAt: Date, render: (tx: Tx) => Promise<Record<string, unknown>>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const claimed = await tx
      .insert(jobRuns)
      .values({ job: INSIGHTS_JOB, dueAt, data: await render(tx) })
      .onConflictDoNothing()
      .returning();
    if (claimed.length === 0) return false;
    await enqueue(tx, [{ kind: 'digest.post', payload: { job: INSIGHTS_JOB, dueAt: dueAt.toISOString() } }], { orderingKey: 'digest' });
    return true;
  });
}

// The *_for triggers, swept on the escalation tick: each stretch of time a trigger watches (since the last
// update, since a page started unacknowledged, since a leaderless declaration) has a key of its own, so a
// stretch fires once however many ticks and replicas see it, and a new stretch (a later update) fires again.
import { sql } from 'drizzle-orm';
import { conditionsHold } from '../automation/conditions.js';
import type { DurationTrigger } from '../automation/triggers.js';
import { isDurationTrigger } from '../automation/triggers.js';
import type { Workflow } from '../config/workflows.js';
import type { Db } from '../db/client.js';
import { getIncidents } from '../incidents/queries.js';
import { OPEN_STATUSES } from '../incidents/lifecycle.js';
import { runWorkflow, type ActionDeps } from './workflow-runs.js';
import { factsOf, servicesOfMany } from './workflow-facts.js';

/** The events that count as an update for no_update_for: the declaration, a status update or a status change. */
export const UPDATE_KINDS = ['declared', 'status_update', 'status_changed'] as const;

type Row = { incident_id: number; occurrence: string };

interface Due {
  incidentId: number;
  occurrence: string;
}

const open = sql.join(
  OPEN_STATUSES.map((s) => sql`${s}`),
  sql`, `,
);
const updates = sql.join(
  UPDATE_KINDS.map((k) => sql`${k}`),
  sql`, `,
);

/** The open stretches of one trigger at least `afterMs` long that the workflow has not run for. */
async function dueStretches(db: Db, workflowId: string, trigger: DurationTrigger, afterMs: number): Promise<Due[]> {
  const cutoff = sql`now() - ${afterMs} * interval '1 millisecond'`;
  const notRun = (occurrence: ReturnType<typeof sql>) =>
    sql`not exists (select 1 from workflow_runs r where r.workflow_id = ${workflowId} and r.incident_id = i.id and r.occurrence = ${occurrence})`;
  let query;
  switch (trigger) {
    case 'lead_missing_for':
      query = sql`select i.id as incident_id, 'lead_missing' as occurrence from incidents i
        where i.status in (${open}) and i.lead_id is null and i.created_at <= ${cutoff} and ${notRun(sql`'lead_missing'`)}`;
      break;
    case 'no_update_for':
      query = sql`select i.id as incident_id, 'update:' || u.id as occurrence from incidents i
        cross join lateral (select e.id, e.occurred_at from timeline_events e
          where e.incident_id = i.id and e.kind in (${updates}) order by e.occurred_at desc, e.id desc limit 1) u
        where i.status in (${open}) and u.occurred_at <= ${cutoff} and ${notRun(sql`'update:' || u.id`)}`;
      break;
    case 'unacknowledged_for':
      query = sql`select i.id as incident_id, 'page:' || p.id as occurrence from pages p join incidents i on i.id = p.incident_id
        where p.kind = 'incident' and p.acknowledged_at is null and p.ended_at is null and p.created_at <= ${cutoff}
          and i.status in (${open}) and ${notRun(sql`'page:' || p.id`)}`;
      break;
  }
  // postgres.js answers the rows themselves, PGlite an object holding them.
  const answer = (await db.execute(query)) as unknown as Row[] | { rows: Row[] };
  const rows = Array.isArray(answer) ? answer : answer.rows;
  return rows.map((r) => ({ incidentId: Number(r.incident_id), occurrence: String(r.occurrence) }));
}

/**
 * Runs each duration workflow once per due stretch whose conditions hold now, at most `batch` runs a
 * tick (the rest are still due at the next); returns how many ran.
 */
export async function sweepWorkflows(deps: ActionDeps, batch = 100): Promise<number> {
  const { db, config } = deps;
  const order = config.severities.map((s) => s.id);
  let ran = 0;
  for (const workflow of config.workflows.filter((w): w is Workflow & { when: DurationTrigger } => isDurationTrigger(w.when))) {
    const due = await dueStretches(db, workflow.id, workflow.when, workflow.after ?? 0);
    if (due.length === 0) continue;
    const ids = [...new Set(due.map((d) => d.incidentId))];
    const [incidents, services] = await Promise.all([
      getIncidents(db, ids),
      workflow.if ? servicesOfMany(db, ids) : new Map<number, string[]>(),
    ]);
    for (const { incidentId, occurrence } of due) {
      if (ran >= batch) return ran;
      const incident = incidents.get(incidentId);
      if (!incident || !conditionsHold(workflow.if, factsOf(config, incident, services.get(incidentId) ?? []), order)) continue;
      if (await runWorkflow(deps, workflow, incidentId, occurrence)) ran++;
    }
  }
  return ran;
}

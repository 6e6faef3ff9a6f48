// Running workflows: a trigger's occurrence is claimed in workflow_runs (unique per workflow, incident and
// occurrence) before any action, so across replicas and redeliveries each occurrence runs once. Actions
// run one after another, each through its domain call; a failed one is recorded and the rest go on. The
// run ends as a `workflow_ran` timeline event, which shows in the channel like any other line.
import { and, desc, eq, sql } from 'drizzle-orm';
import { conditionsHold } from '../automation/conditions.js';
import { templateValues, type TemplateValues } from '../automation/templates.js';
import { triggersOfEvent, type Trigger } from '../automation/triggers.js';
import type { Config } from '../config/load.js';
import type { Workflow } from '../config/workflows.js';
import type { Tx } from '../db/client.js';
import { timelineEvents, workflowRuns, type ActionResult, type Incident } from '../db/schema.js';
import { getIncident, incidentKey } from '../incidents/queries.js';
import { recordEvent } from '../timeline/record.js';
import { tell } from './tell.js';
import { runAction, type ActionDeps } from './workflow-actions.js';
import { factsOf, servicesOf } from './workflow-facts.js';

export type { ActionDeps } from './workflow-actions.js';

/** The values of a workflow's templates for an incident, in plain words (Slack renders its own, with mentions). */
export function plainValues(config: Config, incident: Incident, services: readonly string[], workflowId: string): TemplateValues {
  return templateValues({
    key: incidentKey(incident.id),
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    type: incident.type,
    channel: incident.channelName ? `#${incident.channelName}` : '',
    url: incident.channelId ? `https://slack.com/app_redirect?channel=${incident.channelId}` : '',
    lead: incident.leadId ?? 'nobody',
    services: services.map((id) => config.services.find((s) => s.id === id)?.name ?? id),
    workflowId,
  });
}

/**
 * The workflows a timeline event starts whose conditions hold of the incident now (when the match is
 * delivered, right after the event), each run once. No eventId: the incident's declaration.
 */
export async function matchWorkflows(deps: ActionDeps, request: { incidentId: number; eventId?: number | undefined }): Promise<number> {
  const { db, config } = deps;
  const [event] = await db
    .select()
    .from(timelineEvents)
    .where(
      and(
        eq(timelineEvents.incidentId, request.incidentId),
        request.eventId !== undefined ? eq(timelineEvents.id, request.eventId) : eq(timelineEvents.kind, 'declared'),
      ),
    )
    .limit(1);
  if (!event) return 0;
  const triggers: readonly Trigger[] = triggersOfEvent(event.kind, event.data);
  const candidates = config.workflows.filter((w) => triggers.includes(w.when));
  if (candidates.length === 0) return 0;
  const incident = await getIncident(db, request.incidentId);
  if (!incident) return 0;
  const services = await servicesOf(db, incident.id);
  const facts = factsOf(config, incident, services);
  const order = config.severities.map((s) => s.id);
  let ran = 0;
  for (const workflow of candidates.filter((w) => conditionsHold(w.if, facts, order))) {
    if (await runWorkflow(deps, workflow, incident.id, `event:${event.id}`)) ran++;
  }
  return ran;
}

/** Claims the occurrence and runs the workflow's actions; undefined when it was claimed before (here or elsewhere). */
export async function runWorkflow(
  deps: ActionDeps,
  workflow: Workflow,
  incidentId: number,
  occurrence: string,
): Promise<ActionResult[] | undefined> {
  const { db, config } = deps;
  const [claimed] = await db
    .insert(workflowRuns)
    .values({ workflowId: workflow.id, incidentId, occurrence, trigger: workflow.when })
    .onConflictDoNothing()
    .returning({ id: workflowRuns.id });
  if (!claimed) return undefined;
  const results: ActionResult[] = [];
  for (const action of workflow.do) {
    // Each action sees the incident as the previous ones left it (a role given, a page started).
    const incident = await getIncident(db, incidentId);
    if (!incident) break;
    const values = plainValues(config, incident, await servicesOf(db, incidentId), workflow.id);
    try {
      results.push(await runAction(deps, workflow, incident, action, values));
    } catch (err) {
      results.push({ action: action.kind, ok: false, detail: err instanceof Error ? err.message : String(err) });
    }
  }
  await db.transaction(async (tx) => {
    await tx
      .update(workflowRuns)
      .set({ results, finishedAt: sql`now()` })
      .where(eq(workflowRuns.id, claimed.id));
    const event = await recordEvent(tx, {
      incidentId,
      kind: 'workflow_ran',
      actor: null,
      data: { workflow: workflow.id, trigger: workflow.when, actions: results },
      dedupKey: `workflow:${workflow.id}:${occurrence}`,
    });
    if (event) await tell(tx, event);
  });
  return results;
}

/** The latest runs of each workflow, newest first, for `/incident workflows`. */
export async function recentRuns(tx: Tx, workflowId: string, limit = 3) {
  return tx
    .select({
      incidentId: workflowRuns.incidentId,
      startedAt: workflowRuns.startedAt,
      results: workflowRuns.results,
      finishedAt: workflowRuns.finishedAt,
    })
    .from(workflowRuns)
    .where(eq(workflowRuns.workflowId, workflowId))
    .orderBy(desc(workflowRuns.startedAt), desc(workflowRuns.id))
    .limit(limit);
}

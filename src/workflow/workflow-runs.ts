// Running workflows: a trigger's occurrence is claimed in workflow_runs (unique per workflow, incident and
// occurrence) before any action, so across replicas and redeliveries each occurrence runs once. Actions
// run one after another, each through its domain call and recorded with it; a failed one is recorded and
// the rest go on; a run whose process died is carried on from its next action. The run ends as a
// `workflow_ran` timeline event, which shows in the channel like any other line.
import { and, asc, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
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
  const [claimed] = await deps.db
    .insert(workflowRuns)
    .values({ workflowId: workflow.id, incidentId, occurrence, trigger: workflow.when })
    .onConflictDoNothing()
    .returning({ id: workflowRuns.id });
  if (!claimed) return undefined;
  return carryOn(deps, workflow, { id: claimed.id, incidentId, occurrence, done: 0 });
}

/** A claimed run: `done` actions of it are recorded. */
interface ClaimedRun {
  id: number;
  incidentId: number;
  occurrence: string;
  done: number;
}

/**
 * Runs a claimed run's actions from the first not yet recorded. Each action and its result are one
 * transaction over the locked run row, so an action is done exactly once: a process that dies mid-action
 * leaves neither, and a replica carrying on the same run at the same time waits, then finds it recorded.
 */
async function carryOn(deps: ActionDeps, workflow: Workflow, run: ClaimedRun): Promise<ActionResult[] | undefined> {
  const { db, config } = deps;
  for (let step = run.done; step < workflow.do.length; step++) {
    const action = workflow.do[step]!;
    // Slack is asked before the transaction, so no lock is held across a network call.
    let members: string[] | undefined;
    let result: ActionResult | undefined;
    try {
      if (action.kind === 'invite' && action.userGroup) members = await deps.userGroupMembers(action.userGroup);
      result = await db.transaction(async (tx) => {
        if (!(await lockAt(tx, run.id, step))) return undefined;
        // Each action sees the incident as the previous ones left it (a role given, a page started).
        const incident = await getIncident(tx, run.incidentId);
        if (!incident) return undefined;
        const values = plainValues(config, incident, await servicesOf(tx, incident.id), workflow.id);
        const done = await runAction({ ...deps, db: tx, userGroupMembers: async () => members ?? [] }, workflow, incident, action, values);
        await appendResult(tx, run.id, done);
        return done;
      });
    } catch (err) {
      const failed = { action: action.kind, ok: false, detail: err instanceof Error ? err.message : String(err) };
      await db.transaction(async (tx) => {
        if (await lockAt(tx, run.id, step)) await appendResult(tx, run.id, failed);
      });
    }
    if (!result && !(await getIncident(db, run.incidentId))) return undefined;
  }
  return finish(deps, workflow, run);
}

/** Locks the run; false when it is finished or has moved past `step` (another replica did that action). */
async function lockAt(tx: Tx, runId: number, step: number): Promise<boolean> {
  const [row] = await tx
    .select({ results: workflowRuns.results, finishedAt: workflowRuns.finishedAt })
    .from(workflowRuns)
    .where(eq(workflowRuns.id, runId))
    .for('update');
  return !!row && !row.finishedAt && row.results.length === step;
}

async function appendResult(tx: Tx, runId: number, result: ActionResult): Promise<void> {
  await tx
    .update(workflowRuns)
    .set({ results: sql`${workflowRuns.results} || ${JSON.stringify([result])}::jsonb`, progressedAt: sql`now()` })
    .where(eq(workflowRuns.id, runId));
}

/** Ends the run once, with its `workflow_ran` event; the results are those recorded, whoever did each action. */
async function finish(deps: ActionDeps, workflow: Workflow, run: ClaimedRun): Promise<ActionResult[] | undefined> {
  return deps.db.transaction(async (tx) => {
    const [ended] = await tx
      .update(workflowRuns)
      .set({ finishedAt: sql`now()` })
      .where(and(eq(workflowRuns.id, run.id), isNull(workflowRuns.finishedAt)))
      .returning({ results: workflowRuns.results });
    if (!ended) return undefined;
    const event = await recordEvent(tx, {
      incidentId: run.incidentId,
      kind: 'workflow_ran',
      actor: null,
      data: { workflow: workflow.id, trigger: workflow.when, actions: ended.results },
      dedupKey: `workflow:${workflow.id}:${run.occurrence}`,
    });
    if (event) await tell(tx, event);
    return ended.results;
  });
}

/** How long a run may go without recording an action before another replica carries it on. */
export const STALLED_AFTER_MS = 30_000;

/**
 * Carries on the runs whose process died mid-way (unfinished, nothing recorded for STALLED_AFTER_MS), from
 * their next action; runs of workflows no longer configured are left as they are. Returns how many ended.
 */
export async function resumeStalledRuns(deps: ActionDeps, batch = 100): Promise<number> {
  const ids = deps.config.workflows.map((w) => w.id);
  if (ids.length === 0) return 0;
  const stalled = await deps.db
    .select()
    .from(workflowRuns)
    .where(
      and(
        isNull(workflowRuns.finishedAt),
        lt(workflowRuns.progressedAt, sql`now() - ${STALLED_AFTER_MS} * interval '1 millisecond'`),
        inArray(workflowRuns.workflowId, ids),
      ),
    )
    .orderBy(asc(workflowRuns.progressedAt))
    .limit(batch);
  let ended = 0;
  for (const run of stalled) {
    const workflow = deps.config.workflows.find((w) => w.id === run.workflowId)!;
    const claimed = { id: run.id, incidentId: run.incidentId, occurrence: run.occurrence, done: run.results.length };
    if (await carryOn(deps, workflow, claimed)) ended++;
  }
  return ended;
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

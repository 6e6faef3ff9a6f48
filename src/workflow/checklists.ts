// Checklists on incidents (issue 18): given from config by `/incident checklist <id>` or a workflow's
// `checklist:` action, ticked in Slack through the checkboxes of their message.
import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { incidentChecklists, type Incident, type IncidentChecklist, type TimelineEvent } from '../db/schema.js';
import { canSee, personViewer } from '../incidents/access.js';
import { diffTicks, groupSteps } from '../incidents/checklist-ticks.js';
import { lockIncidentChecklist, ticksOf, writeTicks } from '../incidents/checklists.js';
import { getIncident, incidentKey, lockIncident, noSuchIncident } from '../incidents/queries.js';
import { enqueue } from '../outbox/enqueue.js';
import { msg, refuse, type Outcome } from '../outcome.js';
import { recordEvent } from '../timeline/record.js';
import { effectsOfEvent } from './tell.js';

const known = (config: Config) =>
  config.checklists.length ? `Configured checklists: ${config.checklists.map((c) => c.id).join(', ')}.` : 'No checklists are configured.';

/** Gives the incident a configured checklist and posts it in the incident channel; a second time, says it is there. */
export async function addChecklist(tx: Tx, config: Config, incidentId: number, checklistId: string, actor: string): Promise<Outcome> {
  const configured = config.checklists.find((c) => c.id === checklistId);
  if (!configured) return refuse('invalid', msg`There is no checklist "${checklistId}". ${known(config)}`, 'checklist');
  const incident = await lockIncident(tx, incidentId);
  if (!incident) return noSuchIncident(incidentId);
  const key = incidentKey(incident.id);
  const [added] = await tx
    .insert(incidentChecklists)
    .values({ incidentId, checklistId, title: configured.title ?? configured.id, steps: configured.steps, addedBy: actor })
    .onConflictDoNothing()
    .returning();
  if (!added) return refuse('unchanged', msg`${key} already has the checklist ${checklistId}.`, 'checklist');
  const event = await recordEvent(tx, {
    incidentId,
    kind: 'checklist_added',
    actor,
    data: { checklist: checklistId, title: added.title, steps: added.steps },
  });
  await enqueue(
    tx,
    [{ kind: 'checklist.post', payload: { incidentId, incidentChecklistId: added.id } }, ...(event ? await effectsOfEvent(tx, event) : [])],
    { incidentId },
  );
  return { ok: true, message: msg`Added the checklist ${checklistId} to ${key} (${added.steps.length} steps).` };
}

export interface TickRequest {
  incidentChecklistId: number;
  /** Which checkbox group was clicked: its steps are the ones the selection speaks for. */
  group: number;
  /** The steps selected in that group now, counted from zero. */
  selected: readonly number[];
  actor: string;
}

/** Same words for a checklist that does not exist and one on an incident the clicker may not see. */
const unseenChecklist = () => refuse('not_found', msg`That checklist is not on any incident you can see.`);

/**
 * One click on a checklist's checkboxes: the selection against the stored ticks, each change recorded by
 * the clicker now. A click delivered again changes nothing, as the ticks already say what it asks.
 */
export function tickChecklist(db: Db, request: TickRequest): Promise<Outcome<{ changed: number }>> {
  return db.transaction(async (tx) => {
    const checklist = await lockIncidentChecklist(tx, request.incidentChecklistId);
    const incident = checklist ? await getIncident(tx, checklist.incidentId) : undefined;
    if (!checklist || !incident || !(await canSee(tx, incident, personViewer(request.actor)))) return unseenChecklist();
    const scope = groupSteps(checklist.steps.length, request.group);
    const inScope = new Set(scope);
    if (!scope.length || request.selected.some((step) => !inScope.has(step)))
      return refuse('invalid', msg`That click named steps the checklist ${checklist.checklistId} does not have.`);
    const ticked = new Set((await ticksOf(tx, checklist.id)).map((t) => t.step));
    const diff = diffTicks(ticked, new Set(request.selected), scope);
    const changed = diff.done.length + diff.undone.length;
    if (!changed) return { ok: true, changed, message: msg`Nothing changed.` };
    await writeTicks(tx, checklist.id, diff, request.actor, new Date());
    const events = [
      ...(await recordSteps(tx, checklist, 'checklist_step_done', diff.done, request.actor)),
      ...(await recordSteps(tx, checklist, 'checklist_step_undone', diff.undone, request.actor)),
    ];
    await tellOf(tx, incident, checklist, events);
    return { ok: true, changed, message: msg`Updated the checklist ${checklist.checklistId}.` };
  });
}

async function recordSteps(
  tx: Tx,
  checklist: IncidentChecklist,
  kind: 'checklist_step_done' | 'checklist_step_undone',
  steps: readonly number[],
  actor: string,
): Promise<TimelineEvent[]> {
  const events: TimelineEvent[] = [];
  for (const step of steps) {
    const data = { checklist: checklist.checklistId, step, text: checklist.steps[step] ?? '' };
    const event = await recordEvent(tx, { incidentId: checklist.incidentId, kind, actor, data });
    if (event) events.push(event);
  }
  return events;
}

/** The message shows the new ticks to everyone; the summary counts them (one re-render for the click). */
async function tellOf(tx: Tx, incident: Incident, checklist: IncidentChecklist, events: TimelineEvent[]): Promise<void> {
  const last = events.at(-1);
  await enqueue(
    tx,
    [
      { kind: 'checklist.update', payload: { incidentId: incident.id, incidentChecklistId: checklist.id } },
      ...(last ? await effectsOfEvent(tx, last) : []),
    ],
    { incidentId: incident.id },
  );
}

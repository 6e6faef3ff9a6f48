// What the configured workflows would have done over stored incidents: a pure replay of each incident's
// timeline. Conditions are read of the incident as stored now (its severity, type, services at the end of
// the period), so a workflow whose conditions held only for a while may be shown where it did not run.
import { conditionsHold, type Conditions, type IncidentFacts } from './conditions.js';
import { triggersOfEvent, type Trigger } from './triggers.js';

export interface PlanWorkflow {
  id: string;
  when: Trigger;
  after?: number | undefined;
  if?: Conditions | undefined;
  actions: readonly string[];
}

export interface PlanIncident {
  key: string;
  facts: IncidentFacts;
  /** Still open at `until` (resolved and later statuses end the stretches the *_for triggers watch). */
  endedAt: Date | null;
  events: ReadonlyArray<{ kind: string; data: unknown; occurredAt: Date }>;
}

export interface PlannedRun {
  workflow: string;
  incident: string;
  at: Date;
  trigger: Trigger;
  actions: readonly string[];
}

const UPDATES = new Set(['declared', 'status_update', 'status_changed']);

/** When each *_for trigger's stretches of an incident reached `after`. */
function durationFirings(w: PlanWorkflow, incident: PlanIncident, until: Date): Date[] {
  const after = w.after ?? 0;
  const end = incident.endedAt && incident.endedAt < until ? incident.endedAt : until;
  const fired = (start: Date, stop: Date) => (stop.getTime() - start.getTime() >= after ? [new Date(start.getTime() + after)] : []);
  const events = incident.events;
  switch (w.when) {
    case 'no_update_for': {
      const times = events.filter((e) => UPDATES.has(e.kind)).map((e) => e.occurredAt);
      return times.flatMap((t, i) => fired(t, times[i + 1] ?? end));
    }
    case 'lead_missing_for': {
      const declared = events.find((e) => e.kind === 'declared');
      if (!declared || (declared.data as { lead?: unknown }).lead) return [];
      const led = events.find((e) => e.kind === 'role_assigned' && (e.data as { role?: unknown }).role === 'lead');
      return fired(declared.occurredAt, led?.occurredAt ?? end);
    }
    case 'unacknowledged_for': {
      const data = (e: { data: unknown }) => e.data as { pageId?: number };
      return events
        .filter((e) => e.kind === 'page_triggered')
        .flatMap((p) => {
          const stop = events.find(
            (e) => ['page_acknowledged', 'page_resolved', 'page_exhausted'].includes(e.kind) && data(e).pageId === data(p).pageId,
          );
          return fired(p.occurredAt, stop?.occurredAt ?? end);
        });
    }
    default:
      return [];
  }
}

/** Every run the workflows would have made, in time order. */
export function planWorkflows(
  workflows: readonly PlanWorkflow[],
  incidents: readonly PlanIncident[],
  severityOrder: readonly string[],
  until: Date,
): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const incident of incidents) {
    for (const w of workflows) {
      if (!conditionsHold(w.if, incident.facts, severityOrder)) continue;
      const run = (at: Date) => runs.push({ workflow: w.id, incident: incident.key, at, trigger: w.when, actions: w.actions });
      for (const e of incident.events) if (triggersOfEvent(e.kind, e.data).includes(w.when as never)) run(e.occurredAt);
      durationFirings(w, incident, until).forEach(run);
    }
  }
  return runs.sort((a, b) => a.at.getTime() - b.at.getTime());
}

export function formatPlan(runs: readonly PlannedRun[], workflows: readonly PlanWorkflow[]): string {
  const lines = runs.map(
    (r) =>
      `${r.at.toISOString().slice(0, 16).replace('T', ' ')}  ${r.incident}  ${r.workflow} (${r.trigger.replace(/_/g, ' ')}): ${r.actions.join(', ')}`,
  );
  const counts = workflows.map((w) => `${w.id}: ${runs.filter((r) => r.workflow === w.id).length} run(s)`);
  return [...lines, '', ...counts].join('\n');
}

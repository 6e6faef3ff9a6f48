// What starts a workflow, and what a workflow's actions in turn start: one pure table each, so the engine,
// the loop check at load and the plan all agree.

export const EVENT_TRIGGERS = [
  'declared',
  'status_changed',
  'severity_changed',
  'type_set',
  'service_added',
  'role_assigned',
  'resolved',
  'closed',
] as const;
export const DURATION_TRIGGERS = ['no_update_for', 'unacknowledged_for', 'lead_missing_for'] as const;
export const TRIGGERS = [...EVENT_TRIGGERS, ...DURATION_TRIGGERS] as const;

export type EventTrigger = (typeof EVENT_TRIGGERS)[number];
export type DurationTrigger = (typeof DURATION_TRIGGERS)[number];
export type Trigger = (typeof TRIGGERS)[number];

export const ACTIONS = ['invite', 'page', 'post', 'role', 'bookmark', 'checklist', 'followup', 'webhook'] as const;
export type ActionKind = (typeof ACTIONS)[number];

export const isDurationTrigger = (trigger: Trigger): trigger is DurationTrigger =>
  (DURATION_TRIGGERS as readonly string[]).includes(trigger);

/**
 * The triggers a timeline event is an occurrence of. Kinds are plain strings: `service_added` is recorded
 * by the services domain, and history of kinds this code does not know starts nothing.
 */
export function triggersOfEvent(kind: string, data: unknown): EventTrigger[] {
  const to = (data as { to?: unknown } | null)?.to;
  switch (kind) {
    case 'declared':
      // A type chosen when declaring (the modal, the API) sets it as much as a later `/incident type` does.
      return typeof (data as { type?: unknown } | null)?.type === 'string' ? ['declared', 'type_set'] : ['declared'];
    case 'status_changed':
      return ['status_changed', ...(to === 'resolved' ? (['resolved'] as const) : to === 'closed' ? (['closed'] as const) : [])];
    case 'severity_changed':
      return ['severity_changed'];
    case 'type_changed':
      return ['type_set'];
    case 'service_added':
      return ['service_added'];
    case 'role_assigned':
      return ['role_assigned'];
    default:
      return [];
  }
}

/**
 * The triggers each action can cause, through the events its domain call records. Only a role records an
 * event that starts workflows (role_assigned); an invite, a page, a post, a bookmark, a checklist, a
 * follow-up and a webhook record nothing a trigger listens for, and no action changes status, severity,
 * type or services.
 */
export const ACTION_CAUSES: Readonly<Record<ActionKind, readonly Trigger[]>> = {
  invite: [],
  page: [],
  post: [],
  role: ['role_assigned'],
  bookmark: [],
  checklist: [],
  followup: [],
  webhook: [],
};

/**
 * The first chain of workflows that would start one another for ever (A's action triggers B, B's
 * triggers A; or A itself), as ids with the first repeated at the end; undefined when there is none.
 * Conditions are not considered: whether they hold depends on the incident, and a loop that holds only
 * sometimes still loops.
 */
export function findWorkflowLoop(
  workflows: ReadonlyArray<{ id: string; when: Trigger; actions: readonly ActionKind[] }>,
): string[] | undefined {
  const edges = new Map(
    workflows.map((w) => {
      const caused = new Set(w.actions.flatMap((a) => ACTION_CAUSES[a]));
      return [w.id, workflows.filter((other) => caused.has(other.when)).map((other) => other.id)] as const;
    }),
  );
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const w of workflows) {
    if (state.has(w.id)) continue;
    const found = visit(w.id);
    if (found) return found;
  }
  return undefined;
}

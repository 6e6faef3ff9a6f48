// Which steps a click on a checklist's checkboxes ticks and unticks. Slack sends the whole selection of one
// checkbox group (up to 10 steps), not what changed: the change is the selection against what is stored,
// so a click delivered twice finds nothing left to change the second time.

/** Steps counted from zero; `scope` the steps of the checkbox group that was clicked. */
export function diffTicks(
  ticked: ReadonlySet<number>,
  selected: ReadonlySet<number>,
  scope: readonly number[],
): { done: number[]; undone: number[] } {
  const done = scope.filter((step) => selected.has(step) && !ticked.has(step));
  const undone = scope.filter((step) => !selected.has(step) && ticked.has(step));
  return { done, undone };
}

export function applyTicks(ticked: ReadonlySet<number>, diff: { done: readonly number[]; undone: readonly number[] }): Set<number> {
  const next = new Set(ticked);
  for (const step of diff.done) next.add(step);
  for (const step of diff.undone) next.delete(step);
  return next;
}

/** Checkboxes a group holds at most (Slack's limit for one checkboxes element). */
export const STEPS_PER_GROUP = 10;

/** The steps of group `group` of a checklist of `count` steps; empty for a group it does not have. */
export function groupSteps(count: number, group: number): number[] {
  const first = group * STEPS_PER_GROUP;
  if (!Number.isInteger(group) || group < 0 || first >= count) return [];
  return Array.from({ length: Math.min(STEPS_PER_GROUP, count - first) }, (_, i) => first + i);
}

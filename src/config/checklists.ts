// Checklists (issue 18): named lists of steps an incident can be given (`/incident checklist <id>`, or a
// workflow's `checklist:` action), ticked off in Slack. Steps are posted as checkbox options, whose text
// Slack cuts at 75 characters; longer steps are shown in full under their checkboxes.
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected an id of lowercase letters, digits, "-" and "_" (e.g. sev1-basics)');

export const CHECKLIST_STEPS_MAX = 50;
export const CHECKLIST_STEP_MAX = 200;

const checklist = z.strictObject({
  // A checkbox option's value carries the step, and the block id the checklist: ids stay short.
  id: id.max(64, 'expected an id of at most 64 characters'),
  title: z.string().trim().min(1, 'expected a title, or leave title out to show the id').max(100).optional(),
  steps: z
    .array(
      z
        .string()
        .trim()
        .min(1, 'a step needs some text')
        .max(CHECKLIST_STEP_MAX, `expected a step of at most ${CHECKLIST_STEP_MAX} characters`),
    )
    .min(1, 'a checklist needs at least one step')
    .max(CHECKLIST_STEPS_MAX, `at most ${CHECKLIST_STEPS_MAX} steps: a Slack message holds no more checkboxes than that`),
});

export const checklistKeys = {
  checklists: z.array(checklist).default([]),
};

export type ChecklistConfig = z.output<typeof checklist>;

/** Checklist ids are what `/incident checklist <id>` and workflows name: each names one. */
export function checkChecklists(cfg: { checklists: ChecklistConfig[] }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  cfg.checklists.forEach((c, i) => {
    if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['checklists', i, 'id'], message: `duplicate id "${c.id}"` });
    seen.add(c.id);
  });
}

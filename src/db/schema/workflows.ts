// Workflow runs: one row per workflow, incident and occurrence of its trigger. The row is inserted before
// any action runs, and its unique key is what makes a run happen once however many replicas see the
// occurrence. Each action's result is appended in the transaction that acts, so a run whose process died
// is carried on from the next action by whichever replica finds it stalled.
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { incidents } from './incidents.js';
import { timestamptz } from './columns.js';

/** How one action of a run went, in the words the timeline and `/incident workflows` show. */
export interface ActionResult {
  action: string;
  ok: boolean;
  detail: string;
}

export const workflowRuns = pgTable(
  'workflow_runs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    workflowId: text('workflow_id').notNull(),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    /** The occurrence of the trigger: `event:<timeline event id>`, or for a *_for trigger when its stretch began. */
    occurrence: text('occurrence').notNull(),
    trigger: text('trigger').notNull(),
    startedAt: timestamptz('started_at').notNull().defaultNow(),
    finishedAt: timestamptz('finished_at'),
    results: jsonb('results').$type<ActionResult[]>().notNull().default([]),
    /** When the run was claimed or last recorded an action: an unfinished run long since is stalled. */
    progressedAt: timestamptz('progressed_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('workflow_runs_once_idx').on(t.workflowId, t.incidentId, t.occurrence),
    index('workflow_runs_recent_idx').on(t.workflowId, t.startedAt),
    index('workflow_runs_unfinished_idx')
      .on(t.progressedAt)
      .where(sql`${t.finishedAt} is null`),
  ],
);

export type WorkflowRun = typeof workflowRuns.$inferSelect;

// Checklists given to incidents (issue 18) and which of their steps are ticked.
import { integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.js';
import { incidents } from './incidents.js';

/**
 * A configured checklist as it was when given to the incident: its steps are kept, since ticks name steps
 * by position and the config may change afterwards.
 */
export const incidentChecklists = pgTable(
  'incident_checklists',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    checklistId: text('checklist_id').notNull(),
    title: text('title').notNull(),
    steps: jsonb('steps').$type<string[]>().notNull(),
    /** Where its message with the checkboxes was posted; null until then. */
    messageChannel: text('message_channel'),
    messageTs: text('message_ts'),
    addedBy: text('added_by').notNull(),
    addedAt: timestamptz('added_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('incident_checklists_incident_checklist_idx').on(t.incidentId, t.checklistId)],
);

/** A step's state: ticked by whom and when; an untick keeps the row with `untickedAt` set, until it is ticked again. */
export const checklistTicks = pgTable(
  'checklist_ticks',
  {
    incidentChecklistId: integer('incident_checklist_id')
      .notNull()
      .references(() => incidentChecklists.id),
    step: integer('step').notNull(),
    tickedBy: text('ticked_by').notNull(),
    tickedAt: timestamptz('ticked_at').notNull().defaultNow(),
    untickedBy: text('unticked_by'),
    untickedAt: timestamptz('unticked_at'),
  },
  (t) => [primaryKey({ columns: [t.incidentChecklistId, t.step] })],
);

export type IncidentChecklist = typeof incidentChecklists.$inferSelect;
export type ChecklistTick = typeof checklistTicks.$inferSelect;

// Compiled postmortems, by version, and the answers from the postmortem form.
import { integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.js';
import { incidents } from './incidents.js';

/** Every compiled postmortem, by version; the newest is the one served and linked. */
export const postmortems = pgTable(
  'postmortems',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    version: integer('version').notNull(),
    markdown: text('markdown').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    fileId: text('file_id'),
    permalink: text('permalink'),
    /** The incident's postmortem canvas once this version is in it; every version of an incident shares one. */
    canvasId: text('canvas_id'),
  },
  (t) => [uniqueIndex('postmortems_version_idx').on(t.incidentId, t.version)],
);

/** What only people know (summary, root cause, lessons), from the postmortem form. */
export const postmortemAnswers = pgTable('postmortem_answers', {
  incidentId: integer('incident_id')
    .primaryKey()
    .references(() => incidents.id),
  answers: jsonb('answers').$type<Record<string, string>>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export type Postmortem = typeof postmortems.$inferSelect;

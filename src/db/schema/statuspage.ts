// What the public status page shows: only what someone published, never the incident itself.
import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { ComponentState, PublicStatus } from '../../statuspage/states.js';
import { timestamptz } from './columns.js';
import { incidents } from './incidents.js';

/** One public update of an incident: its public title, the components it affects and how, and the public message. */
export const statusPublications = pgTable(
  'status_publications',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    title: text('title').notNull(),
    /** The public incident status (Statuspage's words), from the incident's status when it was published. */
    status: text('status').$type<PublicStatus>().notNull(),
    components: jsonb('components').$type<Array<{ id: string; state: ComponentState }>>().notNull(),
    message: text('message').notNull(),
    publishedBy: text('published_by').notNull(),
    publishedAt: timestamptz('published_at').notNull().defaultNow(),
  },
  (t) => [index('status_publications_incident_idx').on(t.incidentId, t.id)],
);

export type StatusPublication = typeof statusPublications.$inferSelect;

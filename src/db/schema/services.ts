// The services of the catalogue (config `services:`) an incident affects.
import { index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { incidents } from './incidents.js';
import { timestamptz } from './columns.js';

/** One row per affected service: marking it again finds the row and changes nothing. */
export const incidentServices = pgTable(
  'incident_services',
  {
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    /** The id in the config's catalogue; kept as written even if the service later leaves the config. */
    serviceId: text('service_id').notNull(),
    addedBy: text('added_by').notNull(),
    addedAt: timestamptz('added_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.serviceId] }), index('incident_services_service_idx').on(t.serviceId)],
);

export type IncidentService = typeof incidentServices.$inferSelect;

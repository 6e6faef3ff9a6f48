// Alert groups and the latest state of each alert.
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.js';
import { incidents } from './incidents.js';

/**
 * An alert group (Alertmanager's groupKey, PagerDuty's dedup_key) of one integration and the incident it
 * opened. Unique while open, so concurrent deliveries of a group open exactly one incident; the group
 * closes when its incident is resolved, and the next firing opens a new one.
 */
export const alertGroups = pgTable(
  'alert_groups',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    integrationId: text('integration_id').notNull(),
    groupKey: text('group_key').notNull(),
    incidentId: integer('incident_id').references(() => incidents.id),
    open: boolean('open').notNull().default(true),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('alert_groups_open_idx')
      .on(t.integrationId, t.groupKey)
      .where(sql`open`),
    index('alert_groups_incident_idx').on(t.incidentId),
  ],
);

/** The latest state of each alert of a group, so repeats are recognised and "all resolved" is known. */
export const alerts = pgTable(
  'alerts',
  {
    groupId: integer('group_id')
      .notNull()
      .references(() => alertGroups.id),
    fingerprint: text('fingerprint').notNull(),
    status: text('status').$type<'firing' | 'resolved'>().notNull(),
    title: text('title').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    annotations: jsonb('annotations').$type<Record<string, string>>().notNull(),
    link: text('link'),
    startsAt: timestamptz('starts_at'),
    endsAt: timestamptz('ends_at'),
    lastReceivedAt: timestamptz('last_received_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.fingerprint] })],
);

export type AlertGroup = typeof alertGroups.$inferSelect;

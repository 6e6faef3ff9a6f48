// Alert groups and the latest state of each alert.
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.js';
import type { Matcher } from '../../alerts/matchers.js';
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
    /** When it was last received firing (null if never): what open_after counts within its window. */
    lastFiringAt: timestamptz('last_firing_at'),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.fingerprint] })],
);

export type AlertGroup = typeof alertGroups.$inferSelect;

export type AlertOutcome = 'opened' | 'joined' | 'waiting' | 'silenced' | 'dropped' | 'duplicate' | 'resolved';

/**
 * Every alert received, as it came (enough to run it through the pipeline again, as replay does) and what
 * the pipeline decided for it, with the reason people read in `/incident alerts` and the console.
 */
export const alertEvents = pgTable(
  'alert_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    integrationId: text('integration_id').notNull(),
    fingerprint: text('fingerprint').notNull(),
    status: text('status').$type<'firing' | 'resolved'>().notNull(),
    title: text('title').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    annotations: jsonb('annotations').$type<Record<string, string>>().notNull(),
    link: text('link'),
    sourceSeverity: text('source_severity'),
    startsAt: timestamptz('starts_at'),
    endsAt: timestamptz('ends_at'),
    /** The source's own group key (Alertmanager's groupKey, PagerDuty's dedup_key) and the batch's title. */
    sourceGroupKey: text('source_group_key').notNull(),
    batchTitle: text('batch_title').notNull(),
    receivedAt: timestamptz('received_at').notNull(),
    /** Indexes into alert_routes of the config it was decided under. */
    routes: jsonb('routes').$type<number[]>().notNull(),
    set: jsonb('set').$type<Record<string, string>>().notNull().default({}),
    groupKey: text('group_key').notNull(),
    groupId: integer('group_id').references(() => alertGroups.id),
    outcome: text('outcome').$type<AlertOutcome>().notNull(),
    /** "#12" for a stored silence, the config's id for a maintenance window in the file. */
    silence: text('silence'),
    incidentId: integer('incident_id').references(() => incidents.id),
    reason: text('reason').notNull(),
  },
  (t) => [
    index('alert_events_incident_idx').on(t.incidentId, t.id),
    index('alert_events_alert_idx').on(t.integrationId, t.fingerprint, t.id),
    index('alert_events_silence_idx')
      .on(t.silence)
      .where(sql`silence is not null`),
    index('alert_events_received_idx').on(t.receivedAt),
    index('alert_events_waiting_idx')
      .on(t.groupId, t.fingerprint)
      .where(sql`outcome = 'waiting' and incident_id is null`),
  ],
);

export type AlertEventRow = typeof alertEvents.$inferSelect;

/**
 * Silences and maintenance windows made in Slack, through the Alertmanager-shaped API or with a button
 * (the config's own silences are not rows: they come with the config). Ending one early moves `endsAt`
 * to the moment it was expired, so "what was silenced when" stays answerable.
 */
export const silences = pgTable(
  'silences',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    matchers: jsonb('matchers').$type<Matcher[]>().notNull(),
    startsAt: timestamptz('starts_at').notNull(),
    endsAt: timestamptz('ends_at').notNull(),
    /** A Slack user id, or what the API was told in `createdBy`. */
    createdBy: text('created_by').notNull(),
    comment: text('comment').notNull().default(''),
    source: text('source').$type<'slack' | 'api' | 'button'>().notNull(),
    stopPages: boolean('stop_pages').notNull().default(false),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** Set when someone ended it before its time; `endsAt` is then that moment. */
    expiredBy: text('expired_by'),
    /** Set once the pipeline has taken in what was still firing when it ended (a sweep, on one replica). */
    endHandledAt: timestamptz('end_handled_at'),
  },
  (t) => [index('silences_ends_idx').on(t.endsAt)],
);

export type SilenceRow = typeof silences.$inferSelect;

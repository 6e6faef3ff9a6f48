// Incidents and what belongs to them: members, roles, follow-ups, pins and the timeline.
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Status } from '../../incidents/status.js';
import { timestamptz } from './columns.js';

/** The incident's number `n` of `INC-<n>` is its identity, drawn from a Postgres sequence. */
export const incidents = pgTable(
  'incidents',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    severity: text('severity').notNull(),
    status: text('status').$type<Status>().notNull(),
    type: text('type'),
    impact: text('impact'),
    leadId: text('lead_id'),
    declaredBy: text('declared_by').notNull(),
    isPrivate: boolean('is_private').notNull().default(false),
    /** A practice incident (`/incident drill`): it pages for real but is left out of everything that reports on incidents. */
    drill: boolean('drill').notNull().default(false),
    source: text('source').notNull().default('slack'),
    /** The name Firewatch asked Slack for; kept so a retried create can recognise its own channel. */
    channelName: text('channel_name'),
    channelId: text('channel_id'),
    summaryTs: text('summary_ts'),
    announcementChannel: text('announcement_channel'),
    announcementTs: text('announcement_ts'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    acknowledgedAt: timestamptz('acknowledged_at'),
    mitigatedAt: timestamptz('mitigated_at'),
    resolvedAt: timestamptz('resolved_at'),
    closedAt: timestamptz('closed_at'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    /** When the lead owes stakeholders the next status update; null when no reminder is due. */
    nextUpdateDueAt: timestamptz('next_update_due_at'),
    /** An incident opened without a lead is nudged once, at this time. */
    leadNudgeAt: timestamptz('lead_nudge_at'),
  },
  (t) => [
    uniqueIndex('incidents_channel_idx').on(t.channelId),
    index('incidents_update_due_idx')
      .on(t.nextUpdateDueAt)
      .where(sql`next_update_due_at is not null`),
  ],
);

/** Who may see and act on a private incident: the people Firewatch invited and whoever joined its channel. */
export const incidentMembers = pgTable(
  'incident_members',
  {
    // DEFERRABLE INITIALLY DEFERRED (migration 0007; drizzle cannot say it): declare writes both sides at once.
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    userId: text('user_id').notNull(),
    addedAt: timestamptz('added_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.userId] })],
);

/** Configured roles besides the lead (which lives on the incident): one person per role. */
export const incidentRoles = pgTable(
  'incident_roles',
  {
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    role: text('role').notNull(),
    userId: text('user_id').notNull(),
    assignedAt: timestamptz('assigned_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.role] })],
);

export const followups = pgTable(
  'followups',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    text: text('text').notNull(),
    ownerId: text('owner_id'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    dueAt: timestamptz('due_at'),
    doneAt: timestamptz('done_at'),
    doneBy: text('done_by'),
    /** Set when the owner was told the follow-up is overdue: they are told once. */
    overdueNotifiedAt: timestamptz('overdue_notified_at'),
  },
  (t) => [
    index('followups_incident_idx').on(t.incidentId),
    index('followups_due_idx')
      .on(t.dueAt)
      .where(sql`done_at is null`),
  ],
);

/**
 * Who currently marks a message as pinned (📌 reactions and Slack's own pin). The timeline records a pin
 * when the first marker appears and an unpin when the last goes; `generation` counts those pins.
 */
export const messagePins = pgTable(
  'message_pins',
  {
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    messageTs: text('message_ts').notNull(),
    channelId: text('channel_id').notNull(),
    markers: jsonb('markers').$type<string[]>().notNull().default([]),
    generation: integer('generation').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.messageTs] })],
);

export const timelineEvents = pgTable(
  'timeline_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // DEFERRABLE INITIALLY DEFERRED (migration 0007; drizzle cannot say it): declare writes both sides at once.
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    kind: text('kind').notNull(),
    actor: text('actor'),
    occurredAt: timestamptz('occurred_at').notNull().defaultNow(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /** Makes an input that may arrive twice (a retried event, a second 📌) record one event. */
    dedupKey: text('dedup_key'),
  },
  (t) => [
    index('timeline_events_incident_idx').on(t.incidentId, t.occurredAt),
    uniqueIndex('timeline_events_dedup_idx').on(t.incidentId, t.dedupKey),
  ],
);

export type Incident = typeof incidents.$inferSelect;

export type NewIncident = typeof incidents.$inferInsert;

export type TimelineEvent = typeof timelineEvents.$inferSelect;

export type Followup = typeof followups.$inferSelect;

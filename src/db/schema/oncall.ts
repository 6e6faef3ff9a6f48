// Living on call: overrides made in Slack, calendar feeds, and the audit log of who changed what.
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.js';

/**
 * An override made in Slack (`/incident oncall override`, or a cover request someone took). Combined
 * with the config's overrides, after them and in the order made, so where they overlap the latest wins.
 */
export const scheduleOverrides = pgTable(
  'schedule_overrides',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    scheduleId: text('schedule_id').notNull(),
    userId: text('user_id').notNull(),
    startsAt: timestamptz('starts_at').notNull(),
    endsAt: timestamptz('ends_at').notNull(),
    /** Who made it: the person who typed the override, or who took the cover request. */
    createdBy: text('created_by').notNull(),
    reason: text('reason'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('schedule_overrides_schedule_idx').on(t.scheduleId, t.endsAt)],
);

export type ScheduleOverride = typeof scheduleOverrides.$inferSelect;

export const CALENDAR_FEED_KINDS = ['person', 'schedule'] as const;
export type CalendarFeedKind = (typeof CALENDAR_FEED_KINDS)[number];

/**
 * A private calendar URL: one person's shifts on every schedule, or everyone's on one schedule. The
 * token in the URL is never stored: it is derived from `nonce` with the Firewatch secret (so the same
 * URL can be shown again), and found by its keyed hash. A reset revokes the row and makes a new one;
 * at most one row per subject is live, which keeps two replicas' first uses to one URL.
 */
export const calendarFeeds = pgTable(
  'calendar_feeds',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind').$type<CalendarFeedKind>().notNull(),
    /** A Slack user id (person) or a schedule id (schedule). */
    subjectId: text('subject_id').notNull(),
    nonce: text('nonce').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [
    uniqueIndex('calendar_feeds_live_idx')
      .on(t.kind, t.subjectId)
      .where(sql`${t.revokedAt} is null`),
  ],
);

export type CalendarFeed = typeof calendarFeeds.$inferSelect;

/** What changed on-call arrangements or config, by whom, with the state before and after. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    at: timestamptz('at').notNull().defaultNow(),
    /** A Slack user id, or `system` for what Firewatch did on its own (a config reload from a file change). */
    actor: text('actor').notNull(),
    action: text('action').$type<AuditAction>().notNull(),
    /** What was changed: a schedule id, a calendar, the config file. */
    subject: text('subject').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);

export const AUDIT_ACTIONS = [
  'override.created',
  'cover.requested',
  'cover.taken',
  'calendar.reset',
  'config.reloaded',
  'config.refused',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditEntry = typeof auditLog.$inferSelect;

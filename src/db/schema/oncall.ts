// Living on call: overrides made in Slack, and the audit log of who changed what.
import { index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
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

/**
 * A hand-off that was announced: inserting its row claims it, so it is posted once however many replicas
 * tick. `data` holds what the post and the DM say, as they were when it was claimed (paging/handoff-run.ts).
 */
export const scheduleHandoffs = pgTable(
  'schedule_handoffs',
  {
    scheduleId: text('schedule_id').notNull(),
    at: timestamptz('at').notNull(),
    claimedAt: timestamptz('claimed_at').notNull().defaultNow(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.scheduleId, t.at] })],
);

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

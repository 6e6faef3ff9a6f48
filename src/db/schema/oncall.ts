// Living on call: overrides made in Slack, cover requests, calendar feeds, hand-offs, and the audit log of who changed what.
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
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
 * A request for cover of the requester's own shifts in [starts_at, ends_at), posted with an I'll cover
 * button. Taken once: the first click sets taken_by where it is still null, and the takes become
 * schedule_overrides rows in the same transaction.
 */
export const coverRequests = pgTable(
  'cover_requests',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    scheduleId: text('schedule_id').notNull(),
    requester: text('requester').notNull(),
    startsAt: timestamptz('starts_at').notNull(),
    endsAt: timestamptz('ends_at').notNull(),
    reason: text('reason'),
    state: text('state').$type<'open' | 'taken'>().notNull().default('open'),
    takenBy: text('taken_by'),
    takenAt: timestamptz('taken_at'),
    /** Where the request is posted (the schedule's channel, else where it was asked for), and its ts once posted. */
    messageChannel: text('message_channel').notNull(),
    messageTs: text('message_ts'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('cover_requests_window', sql`${t.endsAt} > ${t.startsAt}`),
    check('cover_requests_taken', sql`(${t.state} = 'taken') = (${t.takenBy} is not null)`),
  ],
);

export type CoverRequest = typeof coverRequests.$inferSelect;
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
  'console.signed_in',
  'console.signed_out',
  'silence.created',
  'silence.updated',
  'silence.expired',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditEntry = typeof auditLog.$inferSelect;

/**
 * A coverage diff (src/paging/coverage.ts) computed for a config reload or an override, kept so each DM
 * and admin post about it is rendered from what was computed, however late the outbox delivers it.
 */
export const coverageChanges = pgTable('coverage_changes', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  /**
   * A config reload's claim, `<hash before>..<hash after>`: every replica reloads the same file change,
   * and the one whose insert wins announces it. Null for an override, which one process makes.
   */
  claim: text('claim').unique(),
  /** Who made the change: a Slack user id, `system` (the file changed) or `signal` (SIGHUP). */
  actor: text('actor').notNull(),
  diff: jsonb('diff').$type<Record<string, unknown>>().notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

/** A config file a reload refused, told in admin_channel once across replicas: keyed by the contents refused and the last good ones. */
export const configRefusals = pgTable('config_refusals', {
  key: text('key').primaryKey(),
  /** The file, as named in the message. */
  source: text('source').notNull(),
  /** The same message start-up gives for this file. */
  message: text('message').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

/** Who has opened Firewatch's App Home: only their Home is re-published when what it shows changes. */
export const homeTabs = pgTable('home_tabs', {
  userId: text('user_id').primaryKey(),
  openedAt: timestamptz('opened_at').notNull().defaultNow(),
});

/**
 * Who each schedule had on call at the last on-call tick, and the Slack user group it had then. A tick
 * that sees otherwise moves the row by compare-and-set on what it read, so of any number of replicas
 * exactly one acts on each hand-off (refreshing Homes, syncing the group).
 */
export const oncallNow = pgTable('oncall_now', {
  scheduleId: text('schedule_id').primaryKey(),
  /** Null: nobody is on call. */
  userId: text('user_id'),
  userGroup: text('user_group'),
  changedAt: timestamptz('changed_at').notNull().defaultNow(),
});

/** The members Slack last accepted for a schedule's user group (usergroups.users.update). */
export const userGroupSyncs = pgTable('user_group_syncs', {
  scheduleId: text('schedule_id').primaryKey(),
  userGroup: text('user_group').notNull(),
  /** Comma-separated user ids, as Slack takes them. */
  users: text('users').notNull(),
  syncedAt: timestamptz('synced_at').notNull().defaultNow(),
});

/**
 * What Firewatch last said in admin_channel about a standing problem (`usergroups`: the plan or the scopes
 * refuse user groups), so it is said once, not at every tick by every replica, until the problem changes
 * or goes away.
 */
export const adminNotices = pgTable('admin_notices', {
  topic: text('topic').primaryKey(),
  said: text('said').notNull(),
  /** The outbox row that says it: its retries may still say it, nothing else may. */
  outboxId: bigint('outbox_id', { mode: 'number' }),
  saidAt: timestamptz('said_at').notNull().defaultNow(),
});

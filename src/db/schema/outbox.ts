// The outbox and the bookkeeping of delivery and timers: Slack events seen, subscriptions, job runs, the shared secret.
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.js';
import { incidents } from './incidents.js';

export type OutboxStatus = 'pending' | 'done' | 'failed';

/**
 * Slack side effects, written in the same transaction as the change that causes them and delivered by
 * the outbox worker in id order within each ordering key.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // DEFERRABLE INITIALLY DEFERRED (migration 0007; drizzle cannot say it): declare writes both sides at once.
    incidentId: integer('incident_id').references(() => incidents.id),
    orderingKey: text('ordering_key').notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<OutboxStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Times claimed: more than attempts when a process died mid-delivery, so the effect may have happened. */
    claims: integer('claims').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at').notNull().defaultNow(),
    lockedUntil: timestamptz('locked_until'),
    lockedBy: text('locked_by'),
    lastError: text('last_error'),
    result: jsonb('result').$type<Record<string, unknown>>(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    doneAt: timestamptz('done_at'),
  },
  (t) => [
    index('outbox_pending_idx')
      .on(t.nextAttemptAt)
      .where(sql`status = 'pending'`),
    index('outbox_ordering_idx')
      .on(t.orderingKey, t.id)
      .where(sql`status = 'pending'`),
    index('outbox_incident_idx').on(t.incidentId),
  ],
);

/** Events API deliveries already handled, so Slack's retries are recognised. */
export const slackEvents = pgTable('slack_events', {
  eventId: text('event_id').primaryKey(),
  receivedAt: timestamptz('received_at').notNull().defaultNow(),
});

export type OutboxRow = typeof outbox.$inferSelect;

/** Who gets DMs: `incident:<n>` for one incident's updates, `digest` for the stakeholder digest. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    userId: text('user_id').notNull(),
    topic: text('topic').notNull(),
    incidentId: integer('incident_id').references(() => incidents.id),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.topic] }), index('subscriptions_incident_idx').on(t.incidentId)],
);

/**
 * Scheduled jobs (digests, insights) by due time. Inserting the row claims the run, so however many
 * processes tick, each due time runs once; `data` keeps what was built for delivery.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    job: text('job').notNull(),
    dueAt: timestamptz('due_at').notNull(),
    claimedAt: timestamptz('claimed_at').notNull().defaultNow(),
    data: jsonb('data').$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.job, t.dueAt] })],
);

export type JobRun = typeof jobRuns.$inferSelect;

/** The key for signed links when FIREWATCH_SECRET is unset: one row, generated once, shared by every replica. */
export const firewatchSecret = pgTable(
  'firewatch_secret',
  {
    id: integer('id').primaryKey().default(1),
    secret: text('secret').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  () => [check('firewatch_secret_one_row', sql`id = 1`)],
);

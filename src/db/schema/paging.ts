// Pages, who they notified, every attempt to reach them, acknowledgement links and inbound SMS.
import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.js';
import { incidents } from './incidents.js';

/** `expired`: a test page nobody acknowledged in time; it is over, and nothing more is sent. */
export type PageState = 'triggered' | 'acknowledged' | 'resolved' | 'exhausted' | 'expired';

/** A page of an incident, or a test page (`/incident oncall test`, paging drills) that has no incident. */
export type PageKind = 'incident' | 'test';

/**
 * One escalation run of one policy for one incident. `policy` is the policy as it was when the page was
 * triggered; `step` changes with every transition, so a stale button or a racing sweep can be told apart.
 * A test page goes through one person's rules and nobody else's; `next_escalation_at` is when it expires,
 * and `triggered_by` is who asked for it.
 */
export const pages = pgTable(
  'pages',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind').$type<PageKind>().notNull().default('incident'),
    incidentId: integer('incident_id').references(() => incidents.id),
    policyId: text('policy_id').notNull(),
    policy: jsonb('policy').$type<Record<string, unknown>>().notNull(),
    /** Each person's notification rules as they were when the page started (paging/rules.ts); null before they existed. */
    rules: jsonb('rules').$type<Record<string, unknown>>(),
    state: text('state').$type<PageState>().notNull().default('triggered'),
    level: integer('level').notNull().default(0),
    loop: integer('loop').notNull().default(0),
    step: integer('step').notNull().default(0),
    nextEscalationAt: timestamptz('next_escalation_at'),
    triggeredBy: text('triggered_by'),
    message: text('message'),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedAt: timestamptz('acknowledged_at'),
    endedAt: timestamptz('ended_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** A test page's person, who is the only one it notifies. */
    testTarget: text('test_target'),
    /** Where a test page's receipts are reported (a DM to whoever asked), once posted. */
    reportChannel: text('report_channel'),
    reportTs: text('report_ts'),
    /** The due time of the paging drill (a `job_runs` row of `paging-drills`) the test page belongs to. */
    drillDueAt: timestamptz('drill_due_at'),
  },
  (t) => [
    check('pages_kind_incident', sql`(kind = 'incident') = (incident_id is not null)`),
    index('pages_drill_idx')
      .on(t.drillDueAt)
      .where(sql`drill_due_at is not null`),
    index('pages_due_idx')
      .on(t.nextEscalationAt)
      .where(sql`state = 'triggered'`),
    index('pages_incident_idx').on(t.incidentId),
  ],
);

/** One person notified at one level of one pass of a page; unique, so nobody is notified twice for it. */
export const pageNotifications = pgTable(
  'page_notifications',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    pageId: integer('page_id')
      .notNull()
      .references(() => pages.id),
    level: integer('level').notNull(),
    loop: integer('loop').notNull(),
    userId: text('user_id').notNull(),
    dmChannel: text('dm_channel'),
    dmTs: text('dm_ts'),
    /** Why Slack would not deliver the DM (`messages_tab_disabled`, …): the person was not reached. */
    dmError: text('dm_error'),
    /** The ts of the notification's line in the incident channel, which its receipt is edited into. */
    lineTs: text('line_ts'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('page_notifications_once_idx').on(t.pageId, t.loop, t.level, t.userId)],
);

export type Page = typeof pages.$inferSelect;

export type PageNotification = typeof pageNotifications.$inferSelect;

/**
 * What an attempt to reach a person by one method has come to: `pending` until its rule's delay passes,
 * `queued` for its provider, then `sent`, `delivered`, `failed`, `no_answer` or `acknowledged` (the
 * method the person acknowledged by); `cancelled` when the page ended first, `skipped` when the person
 * has no address for the method or its provider is not configured.
 */
export type AttemptState = 'pending' | 'queued' | 'sent' | 'delivered' | 'failed' | 'no_answer' | 'acknowledged' | 'cancelled' | 'skipped';

/** One method of reaching one notified person, as their rules say: the receipt of that attempt. */
export const notificationAttempts = pgTable(
  'notification_attempts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    notificationId: integer('notification_id')
      .notNull()
      .references(() => pageNotifications.id),
    pageId: integer('page_id')
      .notNull()
      .references(() => pages.id),
    /** Null for a test page's attempts. */
    incidentId: integer('incident_id'),
    userId: text('user_id').notNull(),
    method: text('method').$type<'email' | 'sms' | 'voice' | 'push'>().notNull(),
    /** The rule of the person's rules this attempt comes from. */
    step: integer('step').notNull(),
    dueAt: timestamptz('due_at').notNull(),
    state: text('state').$type<AttemptState>().notNull().default('pending'),
    /** The address as people may see it: `a…e@example.com`, `+49…5678`. */
    maskedAddress: text('masked_address'),
    providerId: text('provider_id'),
    error: text('error'),
    /**
     * When the first try to hand this attempt to its provider began. A later try (after a crash or a lost
     * answer) first asks the provider whether that one got through, so nobody gets the same SMS twice.
     */
    claimedAt: timestamptz('claimed_at'),
    sentAt: timestamptz('sent_at'),
    deliveredAt: timestamptz('delivered_at'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notification_attempts_once_idx').on(t.notificationId, t.method, t.step),
    index('notification_attempts_due_idx')
      .on(t.dueAt)
      .where(sql`state = 'pending'`),
    index('notification_attempts_page_idx').on(t.pageId),
    index('notification_attempts_provider_idx').on(t.providerId),
  ],
);

export type NotificationAttempt = typeof notificationAttempts.$inferSelect;

/** Every acknowledgement link issued, by its nonce, so each is used at most once and only for its page and person. */
export const ackTokens = pgTable(
  'ack_tokens',
  {
    nonce: text('nonce').primaryKey(),
    pageId: integer('page_id')
      .notNull()
      .references(() => pages.id),
    userId: text('user_id').notNull(),
    /** The attempt that carried the link (an e-mail, a push): its receipt says it acknowledged. */
    attemptId: integer('attempt_id').references(() => notificationAttempts.id),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    usedAt: timestamptz('used_at'),
  },
  (t) => [index('ack_tokens_page_idx').on(t.pageId), index('ack_tokens_attempt_idx').on(t.attemptId)],
);

export type AckToken = typeof ackTokens.$inferSelect;

/**
 * Every inbound SMS Firewatch answered, by Twilio's MessageSid (a signed parameter): a captured ACK
 * replayed later must not acknowledge the person's next page.
 */
export const inboundSms = pgTable('inbound_sms', {
  messageSid: text('message_sid').primaryKey(),
  receivedAt: timestamptz('received_at').notNull().defaultNow(),
});

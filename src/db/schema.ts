import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Status } from '../incidents/status.js';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

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

export type Incident = typeof incidents.$inferSelect;
export type NewIncident = typeof incidents.$inferInsert;
export type TimelineEvent = typeof timelineEvents.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type Followup = typeof followups.$inferSelect;

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

/** Every compiled postmortem, by version; the newest is the one served and linked. */
export const postmortems = pgTable(
  'postmortems',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    version: integer('version').notNull(),
    markdown: text('markdown').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    fileId: text('file_id'),
    permalink: text('permalink'),
    /** The incident's postmortem canvas once this version is in it; every version of an incident shares one. */
    canvasId: text('canvas_id'),
  },
  (t) => [uniqueIndex('postmortems_version_idx').on(t.incidentId, t.version)],
);

/** What only people know (summary, root cause, lessons), from the postmortem form. */
export const postmortemAnswers = pgTable('postmortem_answers', {
  incidentId: integer('incident_id')
    .primaryKey()
    .references(() => incidents.id),
  answers: jsonb('answers').$type<Record<string, string>>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export type Postmortem = typeof postmortems.$inferSelect;

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
 * What a person set for themselves with `/incident me`, field by field over their config `people:` entry:
 * null follows the config, '' means they removed it. Only confirmed addresses are kept here.
 */
export const personSettings = pgTable(
  'person_settings',
  {
    userId: text('user_id').primaryKey(),
    email: text('email'),
    phone: text('phone'),
    ntfyTopic: text('ntfy_topic'),
    /** `{ after: ms, via: [methods] }[]`; null follows the config (or notify_defaults). */
    rules: jsonb('rules').$type<Array<{ after: number; via: string[] }>>(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  // An inbound SMS finds its sender by number.
  (t) => [index('person_settings_phone_idx').on(t.phone)],
);

export type PersonSettings = typeof personSettings.$inferSelect;
export type ConfirmedMethod = 'email' | 'phone';

/**
 * A new address waiting for its 6-digit code: one per person and method, the newest replacing any before.
 * The code is never stored: it is derived from the secret and `salt` when sent, and only its keyed hash is kept.
 */
export const contactConfirmations = pgTable(
  'contact_confirmations',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: text('user_id').notNull(),
    method: text('method').$type<ConfirmedMethod>().notNull(),
    address: text('address').notNull(),
    salt: text('salt').notNull(),
    codeHash: text('code_hash').notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
    triesLeft: integer('tries_left').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('contact_confirmations_once_idx').on(t.userId, t.method)],
);

export type ContactConfirmation = typeof contactConfirmations.$inferSelect;

/**
 * Every inbound SMS Firewatch answered, by Twilio's MessageSid (a signed parameter): a captured ACK
 * replayed later must not acknowledge the person's next page.
 */
export const inboundSms = pgTable('inbound_sms', {
  messageSid: text('message_sid').primaryKey(),
  receivedAt: timestamptz('received_at').notNull().defaultNow(),
});

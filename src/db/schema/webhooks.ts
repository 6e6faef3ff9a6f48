// Outbound webhook deliveries: one row per event per webhook, updated by each attempt.
import { bigint, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.js';
import { incidents } from './incidents.js';

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The `webhook-id` header: the same on every attempt, so a receiver can tell a retry from a new event. */
    messageId: text('message_id').notNull().unique(),
    webhookId: text('webhook_id').notNull(),
    eventType: text('event_type').notNull(),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    /** The exact bytes sent, written when the change committed. */
    body: text('body').notNull(),
    status: text('status').$type<WebhookDeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** The last answer's HTTP status, or null when there was none (timeout, connection refused). */
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    firstAttemptAt: timestamptz('first_attempt_at'),
    lastAttemptAt: timestamptz('last_attempt_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('webhook_deliveries_incident_idx').on(t.incidentId)],
);

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

// Each person's own contact methods and rules, set from Slack, and the codes that confirm new addresses.
import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.js';

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

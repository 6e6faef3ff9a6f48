// The console: who is signed in. Rows, not process memory, so every replica knows every session.
import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.js';

/**
 * One signed-in browser. The cookie holds a random id; only its SHA-256 is stored, so reading this table
 * does not let anyone sign in. The CSRF token is per session and goes into every console form.
 */
export const consoleSessions = pgTable(
  'console_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id').notNull(),
    teamId: text('team_id').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
  },
  (t) => [index('console_sessions_expires_idx').on(t.expiresAt)],
);

export type ConsoleSession = typeof consoleSessions.$inferSelect;

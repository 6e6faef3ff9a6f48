// The state of each configured heartbeat (dead-man's switch); its interval and grace come with the config.
import { boolean, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.js';

export const heartbeatsState = pgTable('heartbeats_state', {
  id: text('id').primaryKey(),
  /** When Firewatch first knew of the heartbeat: a heartbeat never beaten is missed counting from here. */
  firstSeenAt: timestamptz('first_seen_at').notNull().defaultNow(),
  lastBeatAt: timestamptz('last_beat_at'),
  /** Since when it counts as missed; null while it beats in time. */
  missedSince: timestamptz('missed_since'),
  /** Whether its missed alert was ingested and not yet resolved by a beat. */
  alertOpen: boolean('alert_open').notNull().default(false),
});

export type HeartbeatState = typeof heartbeatsState.$inferSelect;

// The private URLs of calendar feeds: issued on first use, rotated on request, found by a keyed hash.
import { createHmac, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/record.js';
import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { calendarFeeds, type CalendarFeed } from '../db/schema.js';
import { msg, person, refuse, type Message, type Outcome } from '../outcome.js';
import type { FeedSubject } from './calendar-feed.js';

/**
 * The token of a feed row: a MAC of its random nonce (128 bits) under the Firewatch secret, 256 bits in
 * base64url. Derived rather than stored, so the database alone does not give the URL away, and yet
 * `oncall calendar` can show the same URL every time. The purpose in the MAC keeps other signed links
 * (acknowledgements) from passing as one.
 */
const tokenOf = (secret: string, nonce: string): string =>
  createHmac('sha256', secret).update(`firewatch calendar v1\n${nonce}`).digest('base64url');

/** What the row is found by: another keyed hash, so a token cannot be recovered from it either. */
const lookupHash = (secret: string, token: string): string =>
  createHmac('sha256', secret).update(`firewatch calendar lookup v1\n${token}`).digest('base64url');

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The feed's URL under PUBLIC_URL. */
export function calendarUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/calendars/${token}.ics`;
}

const subjectColumns = (subject: FeedSubject) =>
  subject.kind === 'person'
    ? { kind: 'person' as const, subjectId: subject.userId }
    : { kind: 'schedule' as const, subjectId: subject.scheduleId };

/** How the audit log names a feed: never by its token. */
const auditSubject = (subject: FeedSubject): string =>
  subject.kind === 'person' ? `calendar:person:${subject.userId}` : `calendar:schedule:${subject.scheduleId}`;

async function liveRow(tx: Tx, subject: FeedSubject, lock: boolean): Promise<CalendarFeed | undefined> {
  const { kind, subjectId } = subjectColumns(subject);
  const query = tx
    .select()
    .from(calendarFeeds)
    .where(and(eq(calendarFeeds.kind, kind), eq(calendarFeeds.subjectId, subjectId), isNull(calendarFeeds.revokedAt)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** A new live row, unless another request made one first (the partial unique index lets only one be live). */
async function insertLive(tx: Tx, secret: string, subject: FeedSubject, createdBy: string): Promise<CalendarFeed | undefined> {
  const nonce = randomBytes(16).toString('base64url');
  const [row] = await tx
    .insert(calendarFeeds)
    .values({ ...subjectColumns(subject), nonce, tokenHash: lookupHash(secret, tokenOf(secret, nonce)), createdBy })
    .onConflictDoNothing()
    .returning();
  return row;
}

/** The feed's token, made on first use; two replicas answering at once give the same one. */
export async function calendarToken(db: Db, secret: string, subject: FeedSubject, createdBy: string): Promise<string> {
  const row =
    (await liveRow(db, subject, false)) ?? (await insertLive(db, secret, subject, createdBy)) ?? (await liveRow(db, subject, false));
  if (!row) throw new Error(`no live calendar feed for ${auditSubject(subject)} right after one was made`);
  return tokenOf(secret, row.nonce);
}

/** Who may rotate a schedule's URL: its rotation's members and the config's admins. */
function mayReset(config: Pick<Config, 'schedules' | 'admins'>, subject: FeedSubject, actor: string): Outcome {
  if (subject.kind === 'person') {
    return subject.userId === actor
      ? { ok: true, message: msg`` }
      : refuse('forbidden', msg`Only that person may reset their calendar link.`);
  }
  const schedule = config.schedules.find((s) => s.id === subject.scheduleId);
  if (!schedule) return refuse('not_found', msg`There is no schedule ${subject.scheduleId}.`);
  if (schedule.rotation.users.includes(actor) || config.admins.includes(actor)) return { ok: true, message: msg`` };
  const who = [...new Set([...schedule.rotation.users, ...config.admins])];
  const list = who.flatMap((u, i): Message => (i === 0 ? [person(u)] : [', ', person(u)]));
  return refuse('forbidden', [
    ...msg`Only the members of ${subject.scheduleId}'s rotation and the admins may reset its calendar link: `,
    ...list,
    '.',
  ]);
}

/**
 * Revokes the feed's URL and issues a new one, recording `calendar.reset` (without either token) in the
 * same transaction; the old URL answers 404 from the commit on. Two resets at once make one new URL.
 */
export async function resetCalendarToken(
  db: Db,
  secret: string,
  config: Pick<Config, 'schedules' | 'admins'>,
  request: { subject: FeedSubject; actor: string },
): Promise<Outcome<{ token: string }>> {
  const allowed = mayReset(config, request.subject, request.actor);
  if (!allowed.ok) return allowed;
  return db.transaction(async (tx) => {
    const old = await liveRow(tx, request.subject, true);
    if (old) await tx.update(calendarFeeds).set({ revokedAt: new Date() }).where(eq(calendarFeeds.id, old.id));
    const made = await insertLive(tx, secret, request.subject, request.actor);
    if (made) {
      await recordAudit(tx, {
        actor: request.actor,
        action: 'calendar.reset',
        subject: auditSubject(request.subject),
        before: old ? { feed: old.id, createdAt: old.createdAt.toISOString() } : null,
        after: { feed: made.id },
      });
    }
    const row = made ?? (await liveRow(tx, request.subject, false));
    if (!row) throw new Error(`no live calendar feed for ${auditSubject(request.subject)} right after a reset`);
    return { ok: true, message: msg`The old link no longer works.`, token: tokenOf(secret, row.nonce) };
  });
}

/** Whose feed a token opens, or undefined for one never issued, revoked, or not even token-shaped. */
export async function feedOfToken(db: Db, secret: string, token: string): Promise<FeedSubject | undefined> {
  if (!TOKEN.test(token)) return undefined;
  const [row] = await db
    .select({ kind: calendarFeeds.kind, subjectId: calendarFeeds.subjectId })
    .from(calendarFeeds)
    .where(and(eq(calendarFeeds.tokenHash, lookupHash(secret, token)), isNull(calendarFeeds.revokedAt)));
  if (!row) return undefined;
  return row.kind === 'person' ? { kind: 'person', userId: row.subjectId } : { kind: 'schedule', scheduleId: row.subjectId };
}

// Console sessions in the database: created at sign-in, looked up by the cookie's id, ended at sign-out.
// Signing in and out are on the audit log, beside the changes the console lets a person make.
import { createHash, randomBytes } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import { recordAudit } from '../audit/record.js';
import type { Db } from '../db/client.js';
import { type ConsoleSession, consoleSessions } from '../db/schema.js';

/** A session lasts a working day from sign-in; then Slack is asked again. */
export const SESSION_TTL_MS = 12 * 60 * 60_000;

export interface SignedInPerson {
  userId: string;
  teamId: string;
  name: string;
  email: string | undefined;
}

const hashOf = (id: string): string => createHash('sha256').update(id).digest('hex');

/** Starts a session and answers the id for the cookie (stored only as its hash); sessions past their end go at the same time. */
export async function createSession(db: Db, person: SignedInPerson, now = new Date()): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await db.transaction(async (tx) => {
    await tx.delete(consoleSessions).where(lt(consoleSessions.expiresAt, now));
    await tx.insert(consoleSessions).values({
      idHash: hashOf(id),
      userId: person.userId,
      teamId: person.teamId,
      name: person.name,
      email: person.email ?? null,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
    });
    await recordAudit(tx, { actor: person.userId, action: 'console.signed_in', subject: 'console', after: { name: person.name } });
  });
  return id;
}

/** The session with this id, unless it has ended. */
export async function sessionOf(db: Db, id: string, now = new Date()): Promise<ConsoleSession | undefined> {
  const [row] = await db
    .select()
    .from(consoleSessions)
    .where(eq(consoleSessions.idHash, hashOf(id)));
  return row && row.expiresAt > now ? row : undefined;
}

export async function endSession(db: Db, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const ended = await tx
      .delete(consoleSessions)
      .where(eq(consoleSessions.idHash, hashOf(id)))
      .returning({ userId: consoleSessions.userId });
    for (const { userId } of ended) await recordAudit(tx, { actor: userId, action: 'console.signed_out', subject: 'console' });
  });
}

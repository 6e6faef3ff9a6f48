import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from './client.js';
import { firewatchSecret } from './schema.js';

/**
 * The key for signed links: FIREWATCH_SECRET when set, else the one kept in the database. The first
 * replica to start generates it; a replica starting at the same moment loses the insert and reads the
 * winner's, so every replica signs and checks links with the same key.
 */
export async function loadFirewatchSecret(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  await db
    .insert(firewatchSecret)
    .values({ id: 1, secret: randomBytes(32).toString('base64url') })
    .onConflictDoNothing();
  const [row] = await db.select({ secret: firewatchSecret.secret }).from(firewatchSecret).where(eq(firewatchSecret.id, 1));
  if (!row) throw new Error('the firewatch_secret row is missing right after it was inserted');
  return row.secret;
}

import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { incidentMembers, type Incident } from '../db/schema.js';
import { canSee, personViewer } from './access.js';
import { refreshHomes } from '../outbox/home.js';

export async function addMembers(tx: Tx, incidentId: number, users: readonly string[]): Promise<void> {
  if (users.length === 0) return;
  await tx
    .insert(incidentMembers)
    .values([...new Set(users)].map((userId) => ({ incidentId, userId })))
    .onConflictDoNothing();
  await refreshHomes(tx, users);
}

export async function removeMember(tx: Tx, incidentId: number, userId: string): Promise<void> {
  await tx.delete(incidentMembers).where(and(eq(incidentMembers.incidentId, incidentId), eq(incidentMembers.userId, userId)));
  await refreshHomes(tx, [userId]);
}

/** Anyone may see and act on a public incident; a private one only its members (the rule is incidents/access.ts). */
export function canAccess(tx: Tx, incident: Incident, userId: string): Promise<boolean> {
  return canSee(tx, incident, personViewer(userId));
}

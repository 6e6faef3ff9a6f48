import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { incidentRoles } from '../db/schema.js';

/** What each role means, for the DM its assignee gets; configured roles without a description get a generic one. */
export const ROLE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  lead: 'You coordinate the response: decide priorities, keep the status current, post updates and say when it is resolved.',
  comms: 'You keep stakeholders informed: status updates at the agreed cadence, in plain language, and answers to questions.',
  scribe: 'You keep the record: note decisions, findings and actions on the timeline (📌 a message to add it).',
  ops: 'You make the changes: investigate, mitigate and fix, and say what you changed and when.',
};

export function roleDescription(role: string): string {
  return ROLE_DESCRIPTIONS[role] ?? `You hold the ${role} role for this incident.`;
}

export async function rolesOf(tx: Tx, incidentId: number): Promise<Array<{ role: string; userId: string }>> {
  return tx
    .select({ role: incidentRoles.role, userId: incidentRoles.userId })
    .from(incidentRoles)
    .where(eq(incidentRoles.incidentId, incidentId))
    .orderBy(incidentRoles.role);
}

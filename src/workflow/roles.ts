import { and, eq, sql } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { incidentRoles, incidents } from '../db/schema.js';
import { isFinal } from '../incidents/lifecycle.js';
import { addMembers } from '../incidents/members.js';
import { incidentKey, lockIncident, noSuchIncident } from '../incidents/queries.js';
import { msg, person, refuse } from '../outcome.js';
import { recordEvent } from '../timeline/record.js';
import type { ChangeOutcome } from './changes.js';
import { tell } from './tell.js';

/** Gives `role` (the lead or a configured role) to `userId`, who is invited and told what it means. */
export async function assignRole(
  db: Db,
  config: Config,
  request: { incidentId: number; actor: string; role: string; userId: string },
): Promise<ChangeOutcome> {
  if (request.role !== 'lead' && !config.roles.includes(request.role)) {
    return refuse('invalid', msg`Unknown role "${request.role}". Roles: ${['lead', ...config.roles].join(', ')}.`, 'role');
  }
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, request.incidentId);
    if (!incident) return noSuchIncident(request.incidentId);
    const key = incidentKey(incident.id);
    if (isFinal(incident.status)) return refuse('final', msg`${key} is ${incident.status}; its roles are final.`);
    let previous: string | null;
    if (request.role === 'lead') {
      previous = incident.leadId;
      if (previous === request.userId) return refuse('unchanged', msg`${person(request.userId)} already leads ${key}.`);
      await tx
        .update(incidents)
        .set({ leadId: request.userId, updatedAt: sql`now()` })
        .where(eq(incidents.id, incident.id));
    } else {
      const [current] = await tx
        .select()
        .from(incidentRoles)
        .where(and(eq(incidentRoles.incidentId, incident.id), eq(incidentRoles.role, request.role)));
      previous = current?.userId ?? null;
      if (previous === request.userId)
        return refuse('unchanged', msg`${person(request.userId)} already has the ${request.role} role on ${key}.`);
      await tx
        .insert(incidentRoles)
        .values({ incidentId: incident.id, role: request.role, userId: request.userId })
        .onConflictDoUpdate({
          target: [incidentRoles.incidentId, incidentRoles.role],
          set: { userId: request.userId, assignedAt: sql`now()` },
        });
    }
    await addMembers(tx, incident.id, [request.userId]);
    const event = await recordEvent(tx, {
      incidentId: incident.id,
      kind: 'role_assigned',
      actor: request.actor,
      data: { role: request.role, user: request.userId, previous },
    });
    if (!event) throw new Error('role_assigned was not recorded');
    await tell(tx, event);
    const role = request.role === 'lead' ? 'the lead' : request.role;
    return { ok: true, incident, message: msg`${person(request.userId)} is now ${role} on ${key}.` };
  });
}

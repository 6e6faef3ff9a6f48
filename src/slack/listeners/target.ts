import type { Incident } from '../../db/schema.js';
import { canAccess } from '../../incidents/members.js';
import { getIncident, incidentByChannel, incidentKey } from '../../incidents/queries.js';
import type { Services } from '../services.js';

export type Target = { ok: true; incident: Incident } | { ok: false; message: string };

/** Same words for an incident that does not exist and one the person may not see: nothing is revealed. */
export function unseen(id: number): string {
  return `There is no ${incidentKey(id)} that you can see.`;
}

/**
 * The incident a request is about: the one it names (`INC-<n>`), else the one whose channel it came from,
 * checked against who may see it.
 */
export async function findTarget(
  services: Services,
  request: { ref: number | undefined; channelId: string | undefined; userId: string },
): Promise<Target> {
  const incident =
    request.ref !== undefined
      ? await getIncident(services.db, request.ref)
      : request.channelId
        ? await incidentByChannel(services.db, request.channelId)
        : undefined;
  if (!incident) {
    if (request.ref !== undefined) return { ok: false, message: unseen(request.ref) };
    return {
      ok: false,
      message:
        'This is not an incident channel. Run the command in the incident’s channel, or name the incident first: `/incident status INC-12 identified`.',
    };
  }
  if (!(await canAccess(services.db, incident, request.userId))) return { ok: false, message: unseen(incident.id) };
  return { ok: true, incident };
}

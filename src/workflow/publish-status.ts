import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { statusPublications, type Incident, type StatusPublication } from '../db/schema.js';
import { countsAsReal } from '../incidents/drills.js';
import { incidentKey, lockIncident, noSuchIncident } from '../incidents/queries.js';
import { msg, refuse, type Outcome } from '../outcome.js';
import { publicStatusOf, type ComponentState } from '../statuspage/states.js';
import { recordEvent } from '../timeline/record.js';
import { tell } from './tell.js';

export const MAX_PUBLIC_MESSAGE = 3_000;

export interface PublishRequest {
  incidentId: number;
  actor: string;
  components: readonly string[];
  state: ComponentState;
  message: string;
}

/**
 * Publishes one public update of an incident: its title as it is now, the components with their state,
 * and the public message. Private incidents and drills are never public, whoever asks.
 */
export async function publishStatus(
  db: Db,
  config: Config,
  request: PublishRequest,
): Promise<Outcome<{ incident: Incident; publication: StatusPublication }>> {
  const page = config.statusPage;
  if (!page) return refuse('forbidden', msg`No status page is configured: add \`status_page\` to the config first.`);
  const known = new Set(page.components.map((c) => c.id));
  const unknown = request.components.filter((c) => !known.has(c));
  if (!request.components.length) return refuse('invalid', msg`Say which components are affected: ${[...known].join(', ')}.`, 'components');
  if (unknown.length)
    return refuse(
      'invalid',
      msg`Unknown component${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}. Choose from: ${[...known].join(', ')}.`,
      'components',
    );
  const message = request.message.trim();
  if (message.length > MAX_PUBLIC_MESSAGE)
    return refuse(
      'invalid',
      msg`The public message is ${message.length} characters; keep it to ${MAX_PUBLIC_MESSAGE} or fewer.`,
      'message',
    );
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, request.incidentId);
    if (!incident) return noSuchIncident(request.incidentId);
    const key = incidentKey(incident.id);
    if (incident.isPrivate) return refuse('forbidden', msg`${key} is private: private incidents are never published to the status page.`);
    if (!countsAsReal(incident)) return refuse('forbidden', msg`${key} is a drill: drills are never published to the status page.`);
    const components = [...new Set(request.components)].map((id) => ({ id, state: request.state }));
    const [publication] = await tx
      .insert(statusPublications)
      .values({
        incidentId: incident.id,
        title: incident.title,
        status: publicStatusOf(incident.status),
        components,
        message,
        publishedBy: request.actor,
      })
      .returning();
    if (!publication) throw new Error(`the publication of ${key} was not written`);
    const event = await recordEvent(tx, {
      incidentId: incident.id,
      kind: 'statuspage_published',
      actor: request.actor,
      data: { publicationId: publication.id, title: publication.title, status: publication.status, components, message },
    });
    if (!event) throw new Error(`the timeline event of publication ${publication.id} was not recorded`);
    await tell(tx, event);
    return { ok: true, incident, publication, message: msg`Published ${key} to the status page as “${incident.title}”.` };
  });
}

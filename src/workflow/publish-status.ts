import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { statusPublications, type Incident, type StatusPublication } from '../db/schema.js';
import { countsAsReal } from '../incidents/drills.js';
import { incidentKey, lockIncident, noSuchIncident } from '../incidents/queries.js';
import { msg, refuse, type Outcome, type Refusal } from '../outcome.js';
import { publicStatusOf, type ComponentState } from '../statuspage/states.js';
import { recordEvent } from '../timeline/record.js';
import { tell } from './tell.js';

export const MAX_PUBLIC_MESSAGE = 3_000;
/** As long as the status page's own title may be. */
export const MAX_PUBLIC_TITLE = 200;

export interface PublishRequest {
  incidentId: number;
  actor: string;
  components: readonly string[];
  state: ComponentState;
  message: string;
  /** What the public reads as the incident's name; the incident's title when left out or blank. */
  title?: string;
}

/**
 * What is wrong with a request before any incident is read (no page, no or unknown components, a title or
 * message too long), so a form can say so on its field; undefined when nothing is.
 */
export function checkPublishRequest(config: Config, request: Omit<PublishRequest, 'incidentId' | 'actor'>): Refusal | undefined {
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
  const publicTitle = request.title?.trim() ?? '';
  if (publicTitle.length > MAX_PUBLIC_TITLE)
    return refuse('invalid', msg`The public title is ${publicTitle.length} characters; keep it to ${MAX_PUBLIC_TITLE} or fewer.`, 'title');
  return undefined;
}

/** Why an incident can never be on the status page (private, or a drill); undefined when it can. */
export function unpublishable(incident: Incident): Refusal | undefined {
  const key = incidentKey(incident.id);
  if (incident.isPrivate) return refuse('forbidden', msg`${key} is private: private incidents are never published to the status page.`);
  if (!countsAsReal(incident)) return refuse('forbidden', msg`${key} is a drill: drills are never published to the status page.`);
  return undefined;
}

/**
 * Publishes one public update of an incident: its public title (the incident's title as it is now unless
 * another is given), the components with their state, and the public message.
 * Private incidents and drills are never public, whoever asks.
 */
export async function publishStatus(
  db: Db,
  config: Config,
  request: PublishRequest,
): Promise<Outcome<{ incident: Incident; publication: StatusPublication }>> {
  const refused = checkPublishRequest(config, request);
  if (refused) return refused;
  const publicTitle = request.title?.trim() ?? '';
  const message = request.message.trim();
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, request.incidentId);
    if (!incident) return noSuchIncident(request.incidentId);
    const key = incidentKey(incident.id);
    const never = unpublishable(incident);
    if (never) return never;
    const components = [...new Set(request.components)].map((id) => ({ id, state: request.state }));
    const [publication] = await tx
      .insert(statusPublications)
      .values({
        incidentId: incident.id,
        title: publicTitle || incident.title,
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
    return { ok: true, incident, publication, message: msg`Published ${key} to the status page as “${publication.title}”.` };
  });
}

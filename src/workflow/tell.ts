import type { Tx } from '../db/client.js';
import type { TimelineEvent } from '../db/schema.js';
import { subscribersOf } from '../digests/subscriptions.js';
import { isDrill } from '../incidents/drills.js';
import type { Effect } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { audienceOf, effectsFor, recorded, type AudienceContext } from './audience.js';

/** The effects that tell an event's audience (audience.ts) about it, subscribers looked up when they hear of it. */
export async function effectsOfEvent(tx: Tx, event: TimelineEvent, context: AudienceContext = {}): Promise<Effect[]> {
  const known = recorded(event);
  const audience = audienceOf(known, { ...context, drill: await isDrill(tx, event.incidentId) });
  const subscribers = audience.subscribers ? await subscribersOf(tx, event.incidentId) : [];
  return effectsFor(known, audience, subscribers);
}

/** Tells an event's audience, in the transaction that recorded it. */
export async function tell(tx: Tx, event: TimelineEvent, context: AudienceContext = {}): Promise<void> {
  await enqueue(tx, await effectsOfEvent(tx, event, context), { incidentId: event.incidentId });
}

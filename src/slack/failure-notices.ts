import type { Db } from '../db/client.js';
import type { OutboxRow } from '../db/schema.js';
import { isPerson } from '../incidents/people.js';
import { eventById } from '../incidents/queries.js';
import { enqueue } from '../outbox/enqueue.js';

/** Answers that mean the incident channel is gone or closed to Firewatch. */
const CHANNEL_GONE = new Set(['channel_not_found', 'is_archived', 'is_inactive', 'not_in_channel']);

/**
 * When a change could not be shown in its incident channel, the person who made it is told by DM: the
 * change is recorded, and why Slack would not show it.
 */
export function failureNotices(db: Db, wake: () => void) {
  return async (row: OutboxRow, error: string): Promise<void> => {
    const payload = row.payload as { eventId?: unknown; where?: unknown; incidentId?: unknown };
    if (row.kind !== 'timeline.post' || payload.where !== 'channel' || !CHANNEL_GONE.has(error) || typeof payload.eventId !== 'number')
      return;
    const event = await eventById(db, payload.eventId);
    if (!event?.actor || !isPerson(event.actor)) return;
    const key = `INC-${event.incidentId}`;
    const text = `⚠️ Your change to ${key} is recorded on its timeline, but Firewatch could not post it in the incident channel: Slack answered \`${error}\` (was the channel deleted or archived?). Keep working with \`/incident ${key} …\` from any channel.`;
    await enqueue(db, [{ kind: 'notice.dm', payload: { userId: event.actor, text } }], {
      incidentId: event.incidentId,
      orderingKey: `notice:${event.actor}`,
    });
    wake();
  };
}

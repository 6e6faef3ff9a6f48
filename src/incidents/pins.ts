import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { messagePins, slackEvents } from '../db/schema.js';
import { recordEvent } from '../timeline/record.js';
import { lockIncident } from './queries.js';

/** Slack's own pin counts as one marker, beside each person's 📌 reaction. */
export const SLACK_PIN_MARKER = 'slack_pin';

export interface PinnedMessage {
  channelId: string;
  ts: string;
  author: string | null;
  text: string;
  permalink: string | null;
}

export type PinOutcome = 'recorded' | 'unchanged' | 'duplicate';

/** Records a Slack event id; false when it was seen before (Slack retried the delivery). */
export async function firstDelivery(tx: Tx, eventId: string): Promise<boolean> {
  const inserted = await tx.insert(slackEvents).values({ eventId }).onConflictDoNothing().returning();
  return inserted.length > 0;
}

/** The time a Slack message ts stands for. */
export function tsToDate(ts: string): Date {
  return new Date(Math.round(Number(ts) * 1000));
}

/**
 * Someone marked a message as pinned. The first marker adds the message to the timeline, at the time it
 * was originally posted; more markers, or the same one again, change nothing.
 */
export async function markPinned(
  db: Db,
  request: { incidentId: number; eventId: string; marker: string; message: PinnedMessage },
): Promise<PinOutcome> {
  return db.transaction(async (tx) => {
    if (!(await firstDelivery(tx, request.eventId))) return 'duplicate';
    if (!(await lockIncident(tx, request.incidentId))) return 'unchanged';
    const { message } = request;
    const [row] = await tx
      .select()
      .from(messagePins)
      .where(and(eq(messagePins.incidentId, request.incidentId), eq(messagePins.messageTs, message.ts)));
    if (row?.markers.includes(request.marker)) return 'unchanged';
    const markers = [...(row?.markers ?? []), request.marker];
    const generation = (row?.generation ?? 0) + (row?.markers.length ? 0 : 1);
    await tx
      .insert(messagePins)
      .values({ incidentId: request.incidentId, messageTs: message.ts, channelId: message.channelId, markers, generation })
      .onConflictDoUpdate({ target: [messagePins.incidentId, messagePins.messageTs], set: { markers, generation } });
    if (row?.markers.length) return 'unchanged';
    await recordEvent(tx, {
      incidentId: request.incidentId,
      kind: 'message_pinned',
      actor: request.marker === SLACK_PIN_MARKER ? null : request.marker,
      occurredAt: tsToDate(message.ts),
      dedupKey: `pin:${message.ts}:${generation}`,
      data: {
        channel: message.channelId,
        ts: message.ts,
        author: message.author,
        text: message.text,
        permalink: message.permalink,
        pinnedBy: request.marker,
      },
    });
    return 'recorded';
  });
}

/** A marker went away; when it was the last, the message leaves the timeline (an unpin event says so). */
export async function unmarkPinned(
  db: Db,
  request: { incidentId: number; eventId: string; marker: string; messageTs: string },
): Promise<PinOutcome> {
  return db.transaction(async (tx) => {
    if (!(await firstDelivery(tx, request.eventId))) return 'duplicate';
    if (!(await lockIncident(tx, request.incidentId))) return 'unchanged';
    const [row] = await tx
      .select()
      .from(messagePins)
      .where(and(eq(messagePins.incidentId, request.incidentId), eq(messagePins.messageTs, request.messageTs)));
    if (!row?.markers.includes(request.marker)) return 'unchanged';
    const markers = row.markers.filter((m) => m !== request.marker);
    await tx
      .update(messagePins)
      .set({ markers })
      .where(and(eq(messagePins.incidentId, request.incidentId), eq(messagePins.messageTs, request.messageTs)));
    if (markers.length) return 'unchanged';
    await recordEvent(tx, {
      incidentId: request.incidentId,
      kind: 'message_unpinned',
      actor: request.marker === SLACK_PIN_MARKER ? null : request.marker,
      dedupKey: `unpin:${request.messageTs}:${row.generation}`,
      data: { ts: request.messageTs, channel: row.channelId },
    });
    return 'recorded';
  });
}

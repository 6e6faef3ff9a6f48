// The channel lines of alert changes, within the budget of lines a minute (timeline/alert-lines.ts): past it,
// one summary a minute says how many more came.
import type { Tx } from '../db/client.js';
import type { Effect } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { ALERT_LINES_PER_MINUTE, alertChangesSince, minuteOf } from '../timeline/alert-lines.js';

export async function alertPosts(tx: Tx, incidentId: number, eventIds: number[], at: Date): Promise<Effect[]> {
  if (eventIds.length === 0) return [];
  // The minute of the events themselves, not of a later clock read that may have crossed into the next.
  const minute = minuteOf(at);
  const before = (await alertChangesSince(tx, incidentId, minute)) - eventIds.length;
  const effects: Effect[] = [];
  eventIds.forEach((eventId, i) => {
    const position = before + i;
    if (position < ALERT_LINES_PER_MINUTE)
      effects.push({ kind: 'timeline.post', payload: { incidentId, eventId, where: 'channel', broadcast: false } });
    if (position === ALERT_LINES_PER_MINUTE)
      effects.push({ kind: 'alerts.summary', payload: { incidentId, minute: minute.toISOString() } });
  });
  return effects;
}

export async function enqueueAlertPosts(tx: Tx, incidentId: number, effects: Effect[]): Promise<void> {
  await enqueue(
    tx,
    effects.filter((e) => e.kind !== 'alerts.summary'),
    { incidentId },
  );
  const summaries = effects.filter((e) => e.kind === 'alerts.summary');
  // Its own ordering key: it waits for the minute to end without holding up the incident's other messages.
  if (summaries.length)
    await enqueue(tx, summaries, {
      incidentId,
      orderingKey: `alerts:${incidentId}`,
      notBefore: new Date(Date.parse((summaries[0]!.payload as { minute: string }).minute) + 61_000),
    });
}

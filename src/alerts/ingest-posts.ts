// The channel lines of alert changes, within the budget of lines a minute (timeline/alert-lines.ts): past it,
// one summary a minute says how many more came.
import type { Tx } from '../db/client.js';
import type { Effect } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { ALERT_LINES_PER_MINUTE, minuteOf } from '../timeline/alert-lines.js';

/** The posts of alert changes just recorded, `before` being how many the incident had in their minute already. */
export function alertPosts(incidentId: number, recorded: { ids: readonly number[]; before: number }, at: Date): Effect[] {
  // The minute of the events themselves, not of a later clock read that may have crossed into the next.
  const minute = minuteOf(at);
  const effects: Effect[] = [];
  recorded.ids.forEach((eventId, i) => {
    const position = recorded.before + i;
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

// What happens once a silence is made, from Slack, a button or the API: the open incidents whose firing
// alerts it now holds say so on their timelines. The alert pipeline's own hook (stop_pages, resumption at
// the end) joins here; every way of making a silence calls only this.
import { and, eq, inArray } from 'drizzle-orm';
import { formatMatchers, matchesAll } from '../alerts/matchers.js';
import { isActive } from '../alerts/silence-match.js';
import { ruleOf } from '../alerts/silences.js';
import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { alertGroups, alerts, incidents, type SilenceRow } from '../db/schema.js';
import { OPEN_STATUSES } from '../incidents/lifecycle.js';
import { API_ACTOR } from '../incidents/people.js';
import { recordEvent } from '../timeline/record.js';

/** A person for a silence made in Slack; the API's `createdBy` is free text, so the API is the actor then. */
export const silenceActor = (silence: SilenceRow): string => (silence.source === 'api' ? API_ACTOR : silence.createdBy);

export async function afterSilenceCreated(tx: Tx, _config: Config, silence: SilenceRow, now = new Date()): Promise<number[]> {
  if (!isActive(ruleOf(silence), now)) return [];
  const firing = await tx
    .select({ incidentId: alertGroups.incidentId, labels: alerts.labels })
    .from(alerts)
    .innerJoin(alertGroups, eq(alertGroups.id, alerts.groupId))
    .innerJoin(incidents, eq(incidents.id, alertGroups.incidentId))
    .where(and(eq(alerts.status, 'firing'), eq(alertGroups.open, true), inArray(incidents.status, OPEN_STATUSES)));
  const held = new Map<number, number>();
  for (const row of firing)
    if (row.incidentId !== null && matchesAll(silence.matchers, row.labels)) held.set(row.incidentId, (held.get(row.incidentId) ?? 0) + 1);
  for (const [incidentId, n] of held)
    await recordEvent(tx, {
      incidentId,
      kind: 'note',
      actor: silenceActor(silence),
      data: {
        text: `Silence #${silence.id} ${formatMatchers(silence.matchers)} now holds ${n} firing alert${n === 1 ? '' : 's'} of this incident until ${silence.endsAt.toISOString()}.`,
      },
      dedupKey: `silence:${silence.id}`,
    });
  return [...held.keys()];
}

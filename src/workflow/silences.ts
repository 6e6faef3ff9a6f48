// What a new silence does to the incidents already open: a timeline note on each whose firing alerts it
// matches, and their pages stopped only when the silence says `stop_pages: true` (PagerDuty's rule).
import { and, eq, inArray } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { alertGroups, alerts, incidents, type SilenceRow } from '../db/schema.js';
import { formatMatchers, matchesAll } from '../alerts/matchers.js';
import { storedSilenceRef } from '../alerts/pipeline.js';
import { isActive } from '../alerts/silence-match.js';
import { OPEN_STATUSES } from '../incidents/lifecycle.js';
import { API_ACTOR } from '../incidents/people.js';
import { acknowledgePagesOf } from '../paging/acknowledge.js';
import { recordEvent } from '../timeline/record.js';

/** Who made the silence, on the timeline: a person for Slack's; the API's `createdBy` is free text, so the API then. */
export const silenceActor = (silence: SilenceRow): string => (silence.source === 'api' ? API_ACTOR : silence.createdBy);

/**
 * Call right after creating a silence, in the same transaction. Answers the ids of the incidents it
 * noted. A silence that starts later touches nothing now: alerts arriving once it holds are silenced then.
 */
export async function silenceCreated(tx: Tx, _config: Config, silence: SilenceRow, at = new Date()): Promise<number[]> {
  if (!isActive(silence, at)) return [];
  const firing = await tx
    .select({ incidentId: alertGroups.incidentId, labels: alerts.labels })
    .from(alerts)
    .innerJoin(alertGroups, eq(alerts.groupId, alertGroups.id))
    .innerJoin(incidents, eq(incidents.id, alertGroups.incidentId))
    .where(and(eq(alertGroups.open, true), eq(alerts.status, 'firing'), inArray(incidents.status, OPEN_STATUSES)));
  const matched = new Map<number, number>();
  for (const row of firing)
    if (row.incidentId !== null && matchesAll(silence.matchers, row.labels))
      matched.set(row.incidentId, (matched.get(row.incidentId) ?? 0) + 1);
  const ref = storedSilenceRef(silence.id);
  for (const [incidentId, n] of [...matched].sort(([a], [b]) => a - b)) {
    const pages = silence.stopPages ? 'its pages are stopped (stop_pages)' : 'its pages go on';
    await recordEvent(tx, {
      incidentId,
      kind: 'note',
      actor: silenceActor(silence),
      data: {
        text: `Silence ${ref} ${formatMatchers(silence.matchers)} matches ${n} firing alert${n === 1 ? '' : 's'} of this incident until ${silence.endsAt.toISOString()}: new alerts it matches are held; ${pages}.`,
      },
      dedupKey: `silence:${silence.id}`,
    });
    if (silence.stopPages) await acknowledgePagesOf(tx, incidentId, silenceActor(silence));
  }
  return [...matched.keys()];
}

// What a new silence does to the incidents already open: a timeline note on each whose firing alerts it
// matches, and their pages stopped only when the silence says `stop_pages: true` (PagerDuty's rule).
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { alertGroups, alerts, type SilenceRow } from '../db/schema.js';
import { formatMatchers, matchesAll } from '../alerts/matchers.js';
import { storedSilenceRef } from '../alerts/pipeline.js';
import { isActive } from '../alerts/silence-match.js';
import { alertActor } from '../incidents/people.js';
import { acknowledgePagesOf } from '../paging/acknowledge.js';
import { recordEvent } from '../timeline/record.js';

/** Who a silence acts as on an incident's timeline and pages. */
export const SILENCE_ACTOR = alertActor('silence');

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
    .where(and(eq(alertGroups.open, true), isNotNull(alertGroups.incidentId), eq(alerts.status, 'firing')));
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
      actor: SILENCE_ACTOR,
      data: {
        text: `Silence ${ref} ${formatMatchers(silence.matchers)} matches ${n} firing alert${n === 1 ? '' : 's'} of this incident until ${silence.endsAt.toISOString()}: new alerts it matches are held; ${pages}.`,
      },
    });
    if (silence.stopPages) await acknowledgePagesOf(tx, incidentId, SILENCE_ACTOR);
  }
  return [...matched.keys()];
}

// What a silence does to the incidents already open when it starts holding (made active, or its scheduled
// start come, stored or the config's window): a timeline note on each whose firing alerts it matches, and
// their pages stopped only when the silence says `stop_pages: true` (PagerDuty's rule). Each start is
// claimed once across replicas in job_runs, by the silence and its start.
import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { alertGroups, alerts, incidents, jobRuns, silences, type SilenceRow } from '../db/schema.js';
import { formatMatchers, matchesAll, type Matcher } from '../alerts/matchers.js';
import { configSilences, STORED_REF_PREFIX, storedSilenceRef } from '../alerts/pipeline.js';
import { isActive } from '../alerts/silence-match.js';
import { OPEN_STATUSES } from '../incidents/lifecycle.js';
import { API_ACTOR, CONFIG_ACTOR } from '../incidents/people.js';
import { acknowledgePagesOf } from '../paging/acknowledge.js';
import { recordEvent } from '../timeline/record.js';

/** How many started stored silences one tick takes in; the rest wait for the next. */
const SILENCES_PER_TICK = 20;

/** A silence as its start touches open incidents: a stored one (`#<id>`) or a config window (its id). */
export interface StartingSilence {
  ref: string;
  matchers: readonly Matcher[];
  startsAt: Date;
  endsAt: Date;
  stopPages: boolean;
  /** Who the note and any stopped page are by. */
  actor: string;
  fromConfig: boolean;
}

/** Who made the silence, on the timeline: a person for Slack's; the API's `createdBy` is free text, so the API then. */
export const silenceActor = (silence: SilenceRow): string => (silence.source === 'api' ? API_ACTOR : silence.createdBy);

const storedStart = (silence: SilenceRow): StartingSilence => ({
  ref: storedSilenceRef(silence.id),
  matchers: silence.matchers,
  startsAt: silence.startsAt,
  endsAt: silence.endsAt,
  stopPages: silence.stopPages,
  actor: silenceActor(silence),
  fromConfig: false,
});

const START_JOB = 'silence-start:';

/** Claims the start once across replicas: a moved start (a pending silence rescheduled, a window re-dated) is a new one. */
async function claimStart(tx: Tx, silence: StartingSilence): Promise<boolean> {
  const [claimed] = await tx
    .insert(jobRuns)
    .values({ job: `${START_JOB}${silence.ref}`, dueAt: silence.startsAt })
    .onConflictDoNothing()
    .returning();
  return claimed !== undefined;
}

/** Notes the open incidents whose firing alerts the silence matches, stopping their pages if it says so. */
async function touchOpenIncidents(tx: Tx, silence: StartingSilence): Promise<number[]> {
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
  const what = silence.fromConfig ? `The config's maintenance window ${silence.ref}` : `Silence ${silence.ref}`;
  const pages = silence.stopPages ? 'its pages are stopped (stop_pages)' : 'its pages go on';
  for (const [incidentId, n] of [...matched].sort(([a], [b]) => a - b)) {
    await recordEvent(tx, {
      incidentId,
      kind: 'note',
      actor: silence.actor,
      data: {
        text: `${what} ${formatMatchers(silence.matchers)} matches ${n} firing alert${n === 1 ? '' : 's'} of this incident until ${silence.endsAt.toISOString()}: new alerts it matches are held; ${pages}.`,
      },
      dedupKey: `silence:${silence.ref}:${silence.startsAt.toISOString()}`,
    });
    // The same stop an acknowledgement by the alert source makes: the incident stays open, its escalation ends.
    if (silence.stopPages) await acknowledgePagesOf(tx, incidentId, silence.actor);
  }
  return [...matched.keys()];
}

/**
 * Call right after creating a silence, in the same transaction. Answers the ids of the incidents it
 * noted. A silence that starts later touches nothing now: the sweep does it when it starts.
 */
export async function silenceCreated(tx: Tx, _config: Config, silence: SilenceRow, at = new Date()): Promise<number[]> {
  if (!isActive(silence, at)) return [];
  const starting = storedStart(silence);
  return (await claimStart(tx, starting)) ? touchOpenIncidents(tx, starting) : [];
}

/** Claims and runs one start in its own transaction; answers whether this call was the one that did. */
const startOnce = (db: Db, silence: StartingSilence): Promise<boolean> =>
  db.transaction(async (tx) => {
    if (!(await claimStart(tx, silence))) return false;
    await touchOpenIncidents(tx, silence);
    return true;
  });

/** The silences in force at `at` whose start nobody has taken in yet, stored and the config's: answers how many it took. */
export async function sweepStartedSilences(db: Db, config: Config, at = new Date()): Promise<number> {
  let started = 0;
  const due = await db
    .select()
    .from(silences)
    .where(
      and(
        lte(silences.startsAt, at),
        gt(silences.endsAt, at),
        sql`not exists (select 1 from ${jobRuns} where ${jobRuns.job} = ${START_JOB + STORED_REF_PREFIX}::text || ${silences.id}::text and ${jobRuns.dueAt} = ${silences.startsAt})`,
      ),
    )
    .orderBy(asc(silences.startsAt), asc(silences.id))
    .limit(SILENCES_PER_TICK);
  for (const row of due) if (await startOnce(db, storedStart(row))) started++;
  const windows = configSilences(config).filter((c) => isActive(c, at));
  // Most ticks find every window's start already taken: one read spares a transaction per window.
  const taken = windows.length
    ? await db
        .select({ job: jobRuns.job, dueAt: jobRuns.dueAt })
        .from(jobRuns)
        .where(
          inArray(
            jobRuns.job,
            windows.map((w) => `${START_JOB}${w.ref}`),
          ),
        )
    : [];
  const seen = new Set(taken.map((t) => `${t.job} ${t.dueAt.getTime()}`));
  for (const w of windows) {
    if (seen.has(`${START_JOB}${w.ref} ${w.startsAt.getTime()}`)) continue;
    if (await startOnce(db, { ...w, actor: CONFIG_ACTOR, fromConfig: true })) started++;
  }
  return started;
}

// When a silence ends, the alerts it held that are still firing go on through the pipeline: once across
// replicas (stored silences are claimed with SKIP LOCKED and marked end_handled_at; the config's windows
// are claimed in job_runs by their id and end).
import { and, asc, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { alertEvents, jobRuns, silences } from '../db/schema.js';
import { ingestIn, type IngestBatch } from './ingest.js';
import { configSilences, storedSilenceRef } from './pipeline.js';

/** How many ended silences one tick takes in; the rest wait for the next. */
const SILENCES_PER_TICK = 20;

/** The alerts a silence held whose latest word is still that silence, firing, as batches of their source groups. */
async function stillHeld(tx: Tx, ref: string) {
  const held = tx
    .selectDistinct({ integrationId: alertEvents.integrationId, fingerprint: alertEvents.fingerprint })
    .from(alertEvents)
    .where(eq(alertEvents.silence, ref));
  const latest = await tx
    .selectDistinctOn([alertEvents.integrationId, alertEvents.fingerprint])
    .from(alertEvents)
    .where(sql`(${alertEvents.integrationId}, ${alertEvents.fingerprint}) in ${held}`)
    .orderBy(asc(alertEvents.integrationId), asc(alertEvents.fingerprint), desc(alertEvents.id));
  const batches = new Map<string, { integrationId: string; batch: IngestBatch }>();
  for (const e of latest) {
    if (e.silence !== ref || e.status !== 'firing') continue;
    const key = JSON.stringify([e.integrationId, e.sourceGroupKey]);
    const entry = batches.get(key) ?? {
      integrationId: e.integrationId,
      batch: { groupKey: e.sourceGroupKey, title: e.batchTitle, sourceSeverity: null, alerts: [] },
    };
    entry.batch.alerts.push({
      fingerprint: e.fingerprint,
      status: e.status,
      title: e.title,
      labels: e.labels,
      annotations: e.annotations,
      startsAt: e.startsAt?.toISOString() ?? null,
      endsAt: e.endsAt?.toISOString() ?? null,
      link: e.link,
      sourceSeverity: e.sourceSeverity,
    });
    batches.set(key, entry);
  }
  return [...batches.values()];
}

async function release(tx: Tx, config: Config, ref: string, at: Date): Promise<number> {
  let n = 0;
  for (const { integrationId, batch } of await stillHeld(tx, ref)) {
    const integration = config.integrations.find((i) => i.id === integrationId);
    // An integration taken out of the config since has nobody to route its alerts for.
    if (!integration) continue;
    await ingestIn(tx, config, integration, batch, at);
    n += batch.alerts.length;
  }
  return n;
}

/** Takes in what the silences that ended by now still held; answers how many alerts went on. */
export async function sweepEndedSilences(db: Db, config: Config, at = new Date()): Promise<number> {
  let released = 0;
  await db.transaction(async (tx) => {
    const ended = await tx
      .select()
      .from(silences)
      .where(and(lte(silences.endsAt, at), isNull(silences.endHandledAt)))
      .orderBy(asc(silences.endsAt))
      .limit(SILENCES_PER_TICK)
      .for('update', { skipLocked: true });
    for (const s of ended) released += await release(tx, config, storedSilenceRef(s.id), at);
    if (ended.length)
      await tx
        .update(silences)
        .set({ endHandledAt: at })
        .where(
          inArray(
            silences.id,
            ended.map((s) => s.id),
          ),
        );
  });
  for (const s of configSilences(config).filter((c) => c.endsAt.getTime() <= at.getTime())) {
    await db.transaction(async (tx) => {
      const [claimed] = await tx
        .insert(jobRuns)
        .values({ job: `silence-end:${s.ref}`, dueAt: s.endsAt })
        .onConflictDoNothing()
        .returning();
      if (claimed) released += await release(tx, config, s.ref, at);
    });
  }
  return released;
}

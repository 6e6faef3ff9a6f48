// Replay over the database: the period's stored alert events read page by page, in received order, and
// run through the pipelines of two configs (the running one and another) side by side, or of one config
// against what was stored. Reads only; nothing is written.
import { and, asc, gt, gte, inArray, isNotNull, lt, or, eq } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { alertEvents, incidents, silences } from '../db/schema.js';
import { pipelineOf } from './pipeline.js';
import { diffReplay, type ReplayDiff } from './replay.js';
import { againstStored, createReplay, pairReplays, type StoredEvent } from './replay-run.js';

export interface ReplayRange {
  from: Date;
  until: Date;
}

/** What the replay is compared against: the pipeline of a config (the running one), or the decisions stored at the time. */
export type Against = Config | 'stored';

const PAGE = 5_000;

/** When each stored incident the period's alerts went to first ended (resolved or closed): its groups closed then. */
async function incidentEnds(db: Db, range: ReplayRange): Promise<Map<number, Date>> {
  const tied = db
    .selectDistinct({ id: alertEvents.incidentId })
    .from(alertEvents)
    .where(and(gte(alertEvents.receivedAt, range.from), lt(alertEvents.receivedAt, range.until), isNotNull(alertEvents.incidentId)));
  const rows = await db
    .select({ id: incidents.id, resolvedAt: incidents.resolvedAt, closedAt: incidents.closedAt })
    .from(incidents)
    .where(inArray(incidents.id, tied));
  const ends = new Map<number, Date>();
  for (const r of rows) {
    const end = [r.resolvedAt, r.closedAt].filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0];
    if (end) ends.set(r.id, end);
  }
  return ends;
}

/**
 * The stored silences that were in force at some moment of the period. A silence holds only from when it
 * was made: one made with a start in the past did not hold the alerts that came before it existed.
 */
async function storedSilences(db: Db, range: ReplayRange) {
  const rows = await db
    .select()
    .from(silences)
    .where(and(lt(silences.startsAt, range.until), gt(silences.endsAt, range.from)));
  return rows.map((r) => ({ ...r, startsAt: r.startsAt < r.createdAt ? r.createdAt : r.startsAt }));
}

/**
 * The period's events under `config` against `against`, with up to `limit` examples of each difference.
 * Against a config, both run the same code over the same events, the same stored silences and the same
 * stored incident ends, so only what the two files say differently shows.
 */
export async function replayStored(
  db: Db,
  config: Config,
  against: Against,
  range: ReplayRange,
  limit: number,
  page = PAGE,
): Promise<ReplayDiff> {
  const stored = await storedSilences(db, range);
  const ends = await incidentEnds(db, range);
  const replay = createReplay(pipelineOf(config, stored), ends);
  const base = against === 'stored' ? undefined : createReplay(pipelineOf(against, stored), ends);
  let after: { at: Date; id: number } | undefined;
  for (;;) {
    const rows: StoredEvent[] = await db
      .select({
        id: alertEvents.id,
        integrationId: alertEvents.integrationId,
        fingerprint: alertEvents.fingerprint,
        status: alertEvents.status,
        labels: alertEvents.labels,
        sourceGroupKey: alertEvents.sourceGroupKey,
        receivedAt: alertEvents.receivedAt,
        set: alertEvents.set,
        outcome: alertEvents.outcome,
        silence: alertEvents.silence,
        incidentId: alertEvents.incidentId,
      })
      .from(alertEvents)
      .where(
        and(
          gte(alertEvents.receivedAt, range.from),
          lt(alertEvents.receivedAt, range.until),
          after
            ? or(gt(alertEvents.receivedAt, after.at), and(eq(alertEvents.receivedAt, after.at), gt(alertEvents.id, after.id)))
            : undefined,
        ),
      )
      .orderBy(asc(alertEvents.receivedAt), asc(alertEvents.id))
      .limit(page);
    replay.feed(rows);
    base?.feed(rows);
    const last = rows.at(-1);
    if (!last || rows.length < page) break;
    after = { at: last.receivedAt, id: last.id };
  }
  const { records } = replay.finish();
  return diffReplay(base ? pairReplays(base.finish().records, records) : againstStored(records), limit);
}

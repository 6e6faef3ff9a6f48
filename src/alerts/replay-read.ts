// Replay over the database: the period's stored alert events read page by page, in received order, and
// run through the pipeline of another config. Reads only; nothing is written.
import { and, asc, gt, gte, inArray, isNotNull, lt, or, eq } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { alertEvents, incidents, silences } from '../db/schema.js';
import { pipelineOf } from './pipeline.js';
import { diffReplay, type ReplayDiff } from './replay.js';
import { createReplay, type StoredEvent } from './replay-run.js';

export interface ReplayRange {
  from: Date;
  until: Date;
}

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

/** The period's events under `config`, against what was decided for them, with up to `limit` examples of each difference. */
export async function replayStored(db: Db, config: Config, range: ReplayRange, limit: number, page = PAGE): Promise<ReplayDiff> {
  const replay = createReplay(pipelineOf(config, await storedSilences(db, range)), await incidentEnds(db, range));
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
    const last = rows.at(-1);
    if (!last || rows.length < page) break;
    after = { at: last.receivedAt, id: last.id };
  }
  return diffReplay(replay.finish().records, limit);
}

import { and, desc, eq, lt, max } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { jobRuns } from '../db/schema.js';
import type { Effect } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { buildDigest, isQuiet, type DigestData } from './build.js';
import { subscribersOf } from './subscriptions.js';

export const DIGEST_JOB = 'digest';
const DAY_MS = 86_400_000;

/** The previous digest's due time: "resolved since" starts there (a day back for the first digest). */
export async function digestSince(tx: Tx, before: Date): Promise<Date> {
  const [previous] = await tx
    .select({ dueAt: jobRuns.dueAt })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, DIGEST_JOB), lt(jobRuns.dueAt, before)))
    .orderBy(desc(jobRuns.dueAt))
    .limit(1);
  return previous?.dueAt ?? new Date(before.getTime() - DAY_MS);
}

export async function lastRunDueAt(db: Db, job: string): Promise<Date | null> {
  const [row] = await db
    .select({ dueAt: max(jobRuns.dueAt) })
    .from(jobRuns)
    .where(eq(jobRuns.job, job));
  return row?.dueAt ?? null;
}

export type DigestRun = 'posted' | 'quiet' | 'already-run' | 'no-channel';

/**
 * Runs the digest due at `dueAt` once: inserting its job_runs row claims it (a second process finds the
 * row and does nothing), the digest is built in the same transaction and delivered through the outbox to
 * the digest channel and to each digest subscriber by DM.
 */
export async function runDigest(db: Db, config: Config, dueAt: Date, now = new Date()): Promise<DigestRun> {
  if (!config.digest.channel) return 'no-channel';
  return db.transaction(async (tx) => {
    const claimed = await tx.insert(jobRuns).values({ job: DIGEST_JOB, dueAt }).onConflictDoNothing().returning();
    if (claimed.length === 0) return 'already-run';
    const digest = await buildDigest(tx, config, { now, since: await digestSince(tx, dueAt) });
    await tx
      .update(jobRuns)
      .set({ data: digest as unknown as Record<string, unknown> })
      .where(and(eq(jobRuns.job, DIGEST_JOB), eq(jobRuns.dueAt, dueAt)));
    if (isQuiet(digest) && config.digest.skipWhenQuiet) return 'quiet';
    const ref = { job: DIGEST_JOB, dueAt: dueAt.toISOString() };
    const effects: Effect[] = [{ kind: 'digest.post', payload: ref }];
    for (const userId of await subscribersOf(tx, null)) effects.push({ kind: 'digest.post', payload: { ...ref, userId } });
    await enqueue(tx, effects, { orderingKey: 'digest' });
    return 'posted';
  });
}

/** The digest as it would be now, for `/incident digest`. */
export async function previewDigest(db: Db, config: Config, now = new Date()): Promise<DigestData> {
  return buildDigest(db, config, { now, since: await digestSince(db, now) });
}

/** What a claimed run built (a digest, or a rendered report such as insights), for delivery to post. */
export async function builtRunData(tx: Tx, job: string, dueAt: Date): Promise<Record<string, unknown> | undefined> {
  const [run] = await tx
    .select({ data: jobRuns.data })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, job), eq(jobRuns.dueAt, dueAt)));
  return run?.data ?? undefined;
}

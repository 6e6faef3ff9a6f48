// Schedule changes people can see: who gained or lost shifts is told by DM, and the gaps, double cover and
// DST-length shifts the change leaves are posted in admin_channel.
import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { coverageChanges } from '../db/schema.js';
import { enqueue } from '../outbox/enqueue.js';
import type { Effect } from '../outbox/effects.js';
import { coverageDiff, hasAdminNews, hasNews, type CoverageDiff } from '../paging/coverage.js';
import type { ScheduleDef } from '../paging/schedule.js';

export interface AnnounceOptions {
  /** Once across replicas: a second announcement with the same claim is dropped (a config reload's hashes). */
  claim?: string;
  now?: Date;
}

/** The DMs and the admin post of one stored change; the admin post only where admin_channel is set. */
function effectsOf(config: Config, changeId: number, diff: CoverageDiff): Effect[] {
  const people = [...new Set(diff.people.map((p) => p.user))];
  return [
    ...people.map((userId): Effect => ({ kind: 'coverage.dm', payload: { changeId, userId } })),
    ...(hasAdminNews(diff) && config.adminChannel ? [{ kind: 'coverage.admin', payload: { changeId } } satisfies Effect] : []),
  ];
}

/**
 * In the caller's transaction: stores the diff and enqueues its messages. False when there is nothing to
 * tell or another replica already claimed the same change.
 */
export async function announceCoverageDiff(tx: Tx, config: Config, diff: CoverageDiff, actor: string, claim?: string): Promise<boolean> {
  if (!hasNews(diff)) return false;
  const [row] = await tx
    .insert(coverageChanges)
    .values({ claim: claim ?? null, actor, diff })
    .onConflictDoNothing()
    .returning({ id: coverageChanges.id });
  if (!row) return false;
  const effects = effectsOf(config, row.id, diff);
  await enqueue(tx, effects, { orderingKey: `coverage:${row.id}` });
  return effects.length > 0;
}

/**
 * Compares the schedules before and after a change (both with their Slack overrides, as currentSchedules
 * gives them) over the next 90 days and tells whoever it concerns. Called after the change commits; true
 * when messages were enqueued, so the caller wakes the outbox.
 */
export async function announceCoverageChange(
  db: Db,
  config: Config,
  before: readonly ScheduleDef[],
  after: readonly ScheduleDef[],
  actor: string,
  options: AnnounceOptions = {},
): Promise<boolean> {
  const diff = coverageDiff(before, after, options.now ?? new Date());
  if (!hasNews(diff)) return false;
  return db.transaction((tx) => announceCoverageDiff(tx, config, diff, actor, options.claim));
}

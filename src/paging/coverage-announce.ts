// Who hears of a schedule change: each person whose shifts moved, by DM, and admin_channel of the gaps,
// double cover and DST-length shifts it leaves. Stored and enqueued in the transaction of the change.
import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { coverageChanges } from '../db/schema.js';
import { enqueue } from '../outbox/enqueue.js';
import type { Effect } from '../outbox/effects.js';
import { hasAdminNews, hasNews, type CoverageDiff } from './coverage.js';

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

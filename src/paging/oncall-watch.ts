// The on-call tick: who each schedule has on call now, against who it had at the last tick. A change (a
// rotation hand-off, an override starting or ending, a schedule's user group changed) is acted on once
// across replicas: the tick moves `oncall_now` by compare-and-set on what it read, and only the replica
// whose update lands queues the Home refreshes and the user-group sync.
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { oncallNow } from '../db/schema.js';
import { enqueue } from '../outbox/enqueue.js';
import { refreshHomes } from '../outbox/home.js';
import { currentSchedules } from './current-schedules.js';
import { onCallAt } from './schedule.js';

/** A schedule's user-group syncs go one after another, so the last one queued is the one that stays. */
export const userGroupOrderingKey = (scheduleId: string): string => `usergroup:${scheduleId}`;

/** Who a schedule has on call, and the user group that should hold them. */
export interface OnCallState {
  scheduleId: string;
  userId: string | null;
  userGroup: string | null;
}

/** Pure: the schedules whose on-call person or user group is not what was last seen. */
export function changedSince(
  seen: ReadonlyMap<string, Omit<OnCallState, 'scheduleId'>>,
  now: readonly OnCallState[],
): Array<{ before: Omit<OnCallState, 'scheduleId'> | undefined; after: OnCallState }> {
  return now.flatMap((after) => {
    const before = seen.get(after.scheduleId);
    const same = before && before.userId === after.userId && before.userGroup === after.userGroup;
    return same ? [] : [{ before, after }];
  });
}

const matches = (column: typeof oncallNow.userId | typeof oncallNow.userGroup, value: string | null): SQL =>
  value === null ? isNull(column) : eq(column, value);

/** Moves one schedule's row from what was seen to what is now; true when this call is the one that moved it. */
async function claimChange(tx: Tx, before: Omit<OnCallState, 'scheduleId'> | undefined, after: OnCallState): Promise<boolean> {
  const values = { userId: after.userId, userGroup: after.userGroup, changedAt: sql`now()` };
  const moved = before
    ? await tx
        .update(oncallNow)
        .set(values)
        .where(
          and(
            eq(oncallNow.scheduleId, after.scheduleId),
            matches(oncallNow.userId, before.userId),
            matches(oncallNow.userGroup, before.userGroup),
          ),
        )
        .returning({ id: oncallNow.scheduleId })
    : await tx
        .insert(oncallNow)
        .values({ scheduleId: after.scheduleId, ...values })
        .onConflictDoNothing()
        .returning({ id: oncallNow.scheduleId });
  return moved.length > 0;
}

/**
 * One tick: for each schedule whose on-call person changed since the last tick (of any replica), the Homes
 * of whoever went off and came on are refreshed, and its user group (if it has one) is synced. Returns how
 * many changes this call claimed.
 */
export async function watchOnCall(db: Db, config: Config, now: Date = new Date()): Promise<number> {
  if (config.schedules.length === 0) return 0;
  const defs = await currentSchedules(db, config, now);
  const groups = new Map(config.schedules.map((s) => [s.id, s.slack_user_group ?? null]));
  const states = defs.map((def) => ({ scheduleId: def.id, userId: onCallAt(def, now), userGroup: groups.get(def.id) ?? null }));
  const seen = new Map((await db.select().from(oncallNow)).map((r) => [r.scheduleId, { userId: r.userId, userGroup: r.userGroup }]));
  let claimed = 0;
  for (const { before, after } of changedSince(seen, states)) {
    const won = await db.transaction(async (tx) => {
      if (!(await claimChange(tx, before, after))) return false;
      await refreshHomes(tx, [before?.userId, after.userId]);
      if (after.userGroup) {
        const users = after.userId ? [after.userId] : [];
        await enqueue(tx, [{ kind: 'usergroup.sync', payload: { scheduleId: after.scheduleId, userGroup: after.userGroup, users } }], {
          orderingKey: userGroupOrderingKey(after.scheduleId),
        });
      }
      return true;
    });
    if (won) claimed++;
  }
  return claimed;
}

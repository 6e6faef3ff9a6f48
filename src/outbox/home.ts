import { inArray, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { homeTabs, incidentMembers, outbox, pageNotifications } from '../db/schema.js';

/**
 * One statement that queues a Home re-publish for each person matching `who` who has opened the Home at
 * least once: nothing is queued for people who never looked at it. One ordering key per person (`home:<user>`)
 * keeps their publishes in order. A burst of changes queues several rows;
 * all but the last are superseded (supersede.ts), so the Home is published once.
 */
async function queueFor(tx: Tx, who: SQL): Promise<void> {
  await tx.execute(
    sql`insert into ${outbox} (ordering_key, kind, payload)
        select 'home:' || ${homeTabs.userId}, 'home.publish', jsonb_build_object('userId', ${homeTabs.userId})
        from ${homeTabs} where ${who}`,
  );
}

/** Queues a re-publish of these people's Homes, in the caller's transaction. */
export async function refreshHomes(tx: Tx, users: readonly (string | null | undefined)[]): Promise<void> {
  const wanted = [...new Set(users.filter((u): u is string => typeof u === 'string' && u !== ''))];
  if (wanted.length > 0) await queueFor(tx, inArray(homeTabs.userId, wanted));
}

/** The Homes of everyone in an incident: its status or membership is on them. */
export async function refreshHomesOfIncident(tx: Tx, incidentId: number): Promise<void> {
  await queueFor(
    tx,
    sql`${homeTabs.userId} in (select ${incidentMembers.userId} from ${incidentMembers} where ${incidentMembers.incidentId} = ${incidentId})`,
  );
}

/** The Homes of everyone a page notified: it is open on each of them until it ends. */
export async function refreshHomesOfPages(tx: Tx, pageIds: readonly number[]): Promise<void> {
  if (pageIds.length === 0) return;
  await queueFor(
    tx,
    sql`${homeTabs.userId} in (select ${pageNotifications.userId} from ${pageNotifications} where ${inArray(pageNotifications.pageId, [...pageIds])})`,
  );
}

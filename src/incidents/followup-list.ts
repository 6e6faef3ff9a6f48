// Follow-ups across incidents, as one person may see them: the console's follow-up list.
import { and, asc, eq, gt, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { followups, incidents, type Followup } from '../db/schema.js';
import { visibleTo, type Viewer } from './access.js';
import { realIncidents } from './drills.js';

export const FOLLOWUP_STATES = ['open', 'overdue', 'done', 'all'] as const;
export type FollowupState = (typeof FOLLOWUP_STATES)[number];

/** Where a page of follow-ups ends: its last row's due date (null sorts last) and id. */
export interface FollowupKey {
  dueAt: Date | null;
  id: number;
}

export interface FollowupRow extends Followup {
  incidentTitle: string;
}

/** Open and past due: `now` itself counts as past, as the overdue sweep has it. */
const stateCondition = (state: FollowupState, now: Date): SQL | undefined =>
  state === 'open'
    ? isNull(followups.doneAt)
    : state === 'overdue'
      ? and(isNull(followups.doneAt), lte(followups.dueAt, now))
      : state === 'done'
        ? isNotNull(followups.doneAt)
        : undefined;

/** After `key` in the order due date ascending, undated last, then id. */
function afterKey(key: FollowupKey): SQL | undefined {
  if (key.dueAt === null) return and(isNull(followups.dueAt), gt(followups.id, key.id));
  return or(gt(followups.dueAt, key.dueAt), and(eq(followups.dueAt, key.dueAt), gt(followups.id, key.id)), isNull(followups.dueAt));
}

const visibleFollowups = (viewer: Viewer): SQL | undefined => and(visibleTo(viewer), realIncidents);

/**
 * One page of the follow-ups of incidents `viewer` may see (drills left out), soonest due first; asks for
 * one more than `limit` so the caller knows whether another page follows.
 */
export async function followupsAcross(
  tx: Tx,
  viewer: Viewer,
  filter: { state: FollowupState; owner: string | undefined; after: FollowupKey | undefined; limit: number; now: Date },
): Promise<{ rows: FollowupRow[]; next: FollowupKey | undefined }> {
  const found = await tx
    .select({ followup: followups, incidentTitle: incidents.title })
    .from(followups)
    .innerJoin(incidents, eq(incidents.id, followups.incidentId))
    .where(
      and(
        visibleFollowups(viewer),
        stateCondition(filter.state, filter.now),
        filter.owner === undefined ? undefined : eq(followups.ownerId, filter.owner),
        filter.after === undefined ? undefined : afterKey(filter.after),
      ),
    )
    .orderBy(sql`${followups.dueAt} asc nulls last`, asc(followups.id))
    .limit(filter.limit + 1);
  const rows = found.slice(0, filter.limit).map((r) => ({ ...r.followup, incidentTitle: r.incidentTitle }));
  const last = rows.at(-1);
  return { rows, next: found.length > filter.limit && last ? { dueAt: last.dueAt, id: last.id } : undefined };
}

/** Everyone who owns a follow-up `viewer` may see, for the owner filter. */
export async function followupOwners(tx: Tx, viewer: Viewer): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ owner: followups.ownerId })
    .from(followups)
    .innerJoin(incidents, eq(incidents.id, followups.incidentId))
    .where(and(visibleFollowups(viewer), isNotNull(followups.ownerId)))
    .orderBy(asc(followups.ownerId));
  return rows.flatMap((r) => (r.owner ? [r.owner] : []));
}

// What Slack last accepted for each schedule's user group, and what admin_channel was last told about a
// standing user-group problem, so a problem is said once however many ticks and replicas meet it.
import { eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { adminNotices, userGroupSyncs } from '../db/schema.js';

/** Slack answers about user groups that no retry changes: the plan, the app's scopes, the workspace's settings. */
export const WORKSPACE_PROBLEMS: ReadonlySet<string> = new Set([
  'paid_teams_only',
  'plan_upgrade_required',
  'missing_scope',
  'permission_denied',
]);
/** Answers about one schedule's group or people: the group id in the config, or a person Slack will not add. */
export const SCHEDULE_PROBLEMS: ReadonlySet<string> = new Set([
  'no_such_subteam',
  'subteam_not_found',
  'invalid_users',
  'invalid_user',
  'failed_for_some_users',
  'single_channel_guests_cannot_be_added',
]);

export const WORKSPACE_TOPIC = 'usergroups';
export const scheduleTopic = (scheduleId: string): string => `usergroups:${scheduleId}`;

/** Whether the group already holds exactly these users, as far as Firewatch last set it. */
export async function alreadySynced(tx: Tx, scheduleId: string, userGroup: string, users: readonly string[]): Promise<boolean> {
  const [row] = await tx.select().from(userGroupSyncs).where(eq(userGroupSyncs.scheduleId, scheduleId));
  return row !== undefined && row.userGroup === userGroup && row.users === users.join(',');
}

/** Slack accepted the members: remembered, and any problem said before is over (a new one is said again). */
export async function recordSynced(tx: Tx, scheduleId: string, userGroup: string, users: readonly string[]): Promise<void> {
  const values = { scheduleId, userGroup, users: users.join(','), syncedAt: sql`now()` };
  await tx.insert(userGroupSyncs).values(values).onConflictDoUpdate({ target: userGroupSyncs.scheduleId, set: values });
  await tx.delete(adminNotices).where(inArray(adminNotices.topic, [WORKSPACE_TOPIC, scheduleTopic(scheduleId)]));
}

/**
 * Claims saying `problem` about `topic` for the outbox row `outboxId`: true for that row (and its retries)
 * until the problem changes or a sync succeeds, false for any other row.
 */
export async function claimNotice(tx: Tx, topic: string, problem: string, outboxId: number): Promise<boolean> {
  const said = await tx
    .insert(adminNotices)
    .values({ topic, said: problem, outboxId })
    .onConflictDoUpdate({
      target: adminNotices.topic,
      set: { said: problem, outboxId, saidAt: sql`now()` },
      setWhere: sql`${adminNotices.said} <> ${problem} or ${adminNotices.outboxId} = ${outboxId}`,
    })
    .returning({ topic: adminNotices.topic });
  return said.length > 0;
}

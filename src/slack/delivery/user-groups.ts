import type { OutboxRow } from '../../db/schema.js';
import { supersededBy } from '../../outbox/supersede.js';
import {
  alreadySynced,
  claimNotice,
  recordSynced,
  SCHEDULE_PROBLEMS,
  scheduleTopic,
  WORKSPACE_PROBLEMS,
  WORKSPACE_TOPIC,
} from '../../paging/user-groups.js';
import { nobodyOnCallText, userGroupProblemText } from '../blocks/user-groups.js';
import { platformCode } from '../errors.js';
import { DONE, type DeliveryContext, type Handler } from './context.js';
import { postOnce } from './post-once.js';

/** Tells admin_channel, or the log when there is none: a group that cannot be synced must not stop anything. */
async function tellAdmins(ctx: DeliveryContext, row: OutboxRow, text: string): Promise<void> {
  const channel = ctx.config.adminChannel;
  if (!channel) {
    ctx.logger.warn(`user groups: ${text} (set admin_channel to have this said in Slack)`);
    return;
  }
  await postOnce(ctx, row, { channel, text, unfurl_links: false });
}

/**
 * Makes the schedule's user group hold who is on call (usergroups.users.update replaces its members). A
 * refusal that no retry changes is said once in admin_channel, and the row is done: nothing else waits on it.
 */
export const syncUserGroup: Handler<'usergroup.sync'> = async (ctx, { scheduleId, userGroup, users }, row) => {
  const later = await supersededBy(ctx.db, row);
  if (later) return { status: 'done', result: { superseded: later } };
  if (users.length === 0) {
    await tellAdmins(ctx, row, nobodyOnCallText(scheduleId, userGroup));
    return { status: 'done', result: { skipped: 'nobody_on_call' } };
  }
  if (await alreadySynced(ctx.db, scheduleId, userGroup, users)) return { status: 'done', result: { skipped: 'unchanged' } };
  try {
    await ctx.client.usergroups.users.update({ usergroup: userGroup, users: users.join(',') });
  } catch (err) {
    const problem = platformCode(err);
    if (!problem || !(WORKSPACE_PROBLEMS.has(problem) || SCHEDULE_PROBLEMS.has(problem))) throw err;
    const topic = WORKSPACE_PROBLEMS.has(problem) ? WORKSPACE_TOPIC : scheduleTopic(scheduleId);
    if (await claimNotice(ctx.db, topic, problem, row.id))
      await tellAdmins(ctx, row, userGroupProblemText(problem, scheduleId, userGroup, users));
    return { status: 'done', result: { refused: problem } };
  }
  await recordSynced(ctx.db, scheduleId, userGroup, users);
  return DONE;
};

// What admin_channel is told when a schedule's Slack user group cannot be kept equal to who is on call.
import { escapeMrkdwn } from './text.js';

const NOTHING_ELSE = 'Paging, hand-offs and everything else go on as before.';

/** One clear message per problem: what Slack said, what it means, and what fixes it. */
export function userGroupProblemText(problem: string, scheduleId: string, userGroup: string, users: readonly string[]): string {
  const schedule = `*${escapeMrkdwn(scheduleId)}*`;
  const group = `\`${userGroup}\``;
  const said = `(Slack answered \`${problem}\`)`;
  switch (problem) {
    case 'paid_teams_only':
    case 'plan_upgrade_required':
      return `⚠️ Firewatch cannot keep the on-call user groups up to date: this workspace's Slack plan has no user groups ${said}. User groups need a paid Slack plan; until then every schedule's \`slack_user_group\` is left as it is. ${NOTHING_ELSE}`;
    case 'missing_scope':
      return `⚠️ Firewatch cannot keep the on-call user groups up to date: the app was not granted the \`usergroups:write\` scope ${said}. Reinstall the app from manifest.yml. ${NOTHING_ELSE}`;
    case 'permission_denied':
      return `⚠️ Firewatch cannot keep the on-call user groups up to date: this workspace lets only some people change user groups ${said}. An admin can allow everyone under Workspace settings → Permissions → User Groups. ${NOTHING_ELSE}`;
    case 'no_such_subteam':
    case 'subteam_not_found':
      return `⚠️ The user group ${group} of schedule ${schedule} (\`slack_user_group\`) does not exist in this workspace ${said}. Put the id of an existing group (S…) in the config. ${NOTHING_ELSE}`;
    default:
      return `⚠️ Slack would not put ${users.map((u) => `<@${u}>`).join(', ')} into the user group ${group} of schedule ${schedule} ${said}: guests, bots and deactivated people cannot be in a user group. The group is left as it is. ${NOTHING_ELSE}`;
  }
}

/** Said when a schedule has nobody on call: Slack refuses an empty group, so it keeps whoever it had. */
export function nobodyOnCallText(scheduleId: string, userGroup: string): string {
  return `⚠️ Nobody is on call for schedule *${escapeMrkdwn(scheduleId)}* now, so its user group \`${userGroup}\` is left as it is (Slack does not allow an empty user group).`;
}

import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { scheduleOverrides } from '../../src/db/schema.js';
import { MANIFEST_SCOPES, SEVERITIES_PAGING_PRIMARY } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';

const ADMIN = 'C0ADMIN';
const GROUP = 'S0ONCALL';

const CONFIG = {
  escalation_tick: '* * * * * *',
  admin_channel: ADMIN,
  severities: SEVERITIES_PAGING_PRIMARY,
  escalation_policies: [{ id: 'primary', levels: [{ delay: '1h', targets: [{ schedule: 'platform' }] }] }],
  schedules: [
    // Bob every week, so only overrides change hands.
    { id: 'platform', time_zone: 'UTC', rotation: { start: '2026-01-05T00:00', length: '1w', users: ['U0BOB'] }, slack_user_group: GROUP },
    // Not started yet: nobody is on call, and its group is left alone.
    {
      id: 'later',
      time_zone: 'UTC',
      rotation: { start: '2099-01-01T00:00', length: '1w', users: ['U0ALICE'] },
      slack_user_group: 'S0LATER',
    },
  ],
};

const fw = useFirewatch({
  config: CONFIG,
  channels: [{ id: ADMIN, name: 'ops', members: new Set(['UBOT']) }],
  emulator: {
    usergroups: [
      { id: GROUP, handle: 'platform-oncall', users: ['U0OLD'] },
      { id: 'S0LATER', handle: 'later-oncall', users: ['U0KEPT'] },
    ],
  },
});

const members = () => fw.slack.usergroups.get(GROUP)?.users.join(',');
const updates = () => fw.slack.okCallsOf('usergroups.users.update').map((c) => `${String(c.args.usergroup)}=${String(c.args.users)}`);
const adminSaying = (text: string) =>
  fw.slack
    .channel(ADMIN)
    .messages()
    .filter((m) => m.content.includes(text));

/** An override made in Slack: `userId` on call for platform from now for `ms`. */
async function override(userId: string, ms: number): Promise<void> {
  const now = Date.now();
  await fw.db
    .insert(scheduleOverrides)
    .values({ scheduleId: 'platform', userId, startsAt: new Date(now - 1_000), endsAt: new Date(now + ms), createdBy: 'U0ALICE' });
}

describe("a schedule's Slack user group", () => {
  it('holds who is on call, set once per change however many replicas tick: at start, an override, and the hand-off at its end', async () => {
    const second = await fw.startApp();
    try {
      await until(() => (members() === 'U0BOB' ? true : undefined), 'the group set to Bob');
      await override('U0CAROL', 4_000);
      await until(() => (members() === 'U0CAROL' ? true : undefined), 'the group set to Carol by the override');
      await until(() => (members() === 'U0BOB' ? true : undefined), 'the group back to Bob at the hand-off', 15_000);
      // Time for a duplicate from either replica to show up.
      await sleep(2_500);
      expect(updates()).toEqual([`${GROUP}=U0BOB`, `${GROUP}=U0CAROL`, `${GROUP}=U0BOB`]);
      // Nobody on call for `later`: its group keeps who it had, and the admins are told once.
      expect(fw.slack.usergroups.get('S0LATER')?.users).toEqual(['U0KEPT']);
      expect(adminSaying('Nobody is on call for schedule *later*')).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('on a plan without user groups says so once in admin_channel, across hand-offs and replicas, and paging goes on', async () => {
    fw.slack.userGroupsOnPlan = false;
    const second = await fw.startApp();
    try {
      const attempts = () => fw.slack.callsOf('usergroups.users.update').filter((c) => c.error === 'paid_teams_only').length;
      await override('U0CAROL', 2_000);
      await until(() => (attempts() >= 1 ? true : undefined), 'a first refused sync');
      // Back to Bob at the override's end: the group never stopped holding him, so nothing is asked of Slack.
      await override('U0ALICE', 60_000);
      await until(() => (attempts() >= 2 ? true : undefined), 'a second refused sync', 15_000);
      await fw.drained();
      expect(adminSaying('paid_teams_only')).toHaveLength(1);
      expect(adminSaying('paid_teams_only')[0]!.content).toContain('User groups need a paid Slack plan');

      // Paging does not care: the schedule's person is paged as ever.
      const { id } = await fw.declare('Payments failing', { severity: 'sev1' });
      await until(() => fw.dmsTo('U0ALICE').find((m) => m.content.includes(`INC-${id}`)), 'the page DM to who is on call');
    } finally {
      await second.stop();
    }
  });

  it('says it again, once, when the refusal changes: an app without usergroups:write', async () => {
    fw.slack.userGroupsOnPlan = true;
    fw.slack.grantScopes(MANIFEST_SCOPES.filter((s) => s !== 'usergroups:write'));
    try {
      await override('U0CAROL', 60_000);
      await until(() => (adminSaying('usergroups:write').length ? true : undefined), 'the missing scope said');
      await override('U0DAVE', 60_000);
      await until(
        () => (fw.slack.callsOf('usergroups.users.update').filter((c) => c.error === 'missing_scope').length >= 2 ? true : undefined),
        'a second refused sync',
      );
      await fw.drained();
      expect(adminSaying('usergroups:write')).toHaveLength(1);
      expect(adminSaying('paid_teams_only')).toHaveLength(1);
    } finally {
      fw.slack.grantScopes(MANIFEST_SCOPES);
    }
  });
});

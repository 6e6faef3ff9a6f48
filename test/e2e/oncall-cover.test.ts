// Overrides and cover from Slack: `/incident oncall override` puts someone on call over a window (for the
// schedule's members and the admins), `/incident oncall cover` posts a request with an I'll cover button
// whose first click takes the requester's shifts, and the App Home's Request cover form does the same.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, coverRequests, scheduleOverrides } from '../../src/db/schema.js';
import { currentSchedules } from '../../src/paging/current-schedules.js';
import { describeInstant } from '../../src/paging/schedule-times.js';
import { nextHandoffs, onCallAt } from '../../src/paging/schedule.js';
import { DEFAULT_USERS, GENERAL } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { clickButton, interaction, submitView, TEAM_ID } from '../support/slack-requests.js';

const ONCALL_CHANNEL = 'C0ONCALL';
const MORE_PEOPLE = ['dave', 'erin', 'frank', 'grace', 'heidi', 'ivan'].map((name) => ({
  id: `U0${name.toUpperCase()}`,
  name,
  real_name: name,
}));
const rotation = (users: string[], length = '1w') => ({ start: '2026-01-05T09:00', length, users });

// One schedule per test, so the tests may run in any order without one's overrides moving another's shifts.
const fw = useFirewatch({
  emulator: { users: [...DEFAULT_USERS, ...MORE_PEOPLE] },
  channels: [{ id: ONCALL_CHANNEL, name: 'oncall' }],
  config: {
    admins: ['U0CAROL'],
    schedules: [
      { id: 'ops', time_zone: 'Europe/Berlin', rotation: rotation(['U0ALICE']) },
      {
        id: 'ops-refused',
        time_zone: 'Europe/Berlin',
        rotation: rotation(['U0ALICE']),
        overrides: [{ user: 'U0DAVE', start: '2030-01-01T00:00', end: '2030-01-02T00:00' }],
      },
      { id: 'platform', time_zone: 'Europe/Berlin', channel: ONCALL_CHANNEL, rotation: rotation(['U0DAVE']) },
      { id: 'brief', time_zone: 'America/New_York', channel: ONCALL_CHANNEL, rotation: rotation(['U0FRANK']) },
      { id: 'nochan', time_zone: 'Australia/Lord_Howe', rotation: rotation(['U0GRACE']) },
      { id: 'pair', time_zone: 'Europe/Berlin', channel: ONCALL_CHANNEL, rotation: rotation(['U0HEIDI', 'U0IVAN'], '1d') },
      { id: 'form', time_zone: 'Europe/Berlin', channel: ONCALL_CHANNEL, rotation: rotation(['U0ERIN']) },
    ],
    escalation_policies: [{ id: 'ops-oncall', levels: [{ delay: '10m', targets: [{ schedule: 'ops' }] }] }],
  },
});

const scheduleNow = async (id: string) => (await currentSchedules(fw.db, fw.config)).find((s) => s.id === id)!;
const auditOf = async (action: 'override.created' | 'cover.requested' | 'cover.taken', subject: string) =>
  fw.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.subject, subject)));
const requestMessage = (schedule: string) =>
  until(
    () =>
      fw.slack
        .channel(ONCALL_CHANNEL)
        .messages()
        .find((m) => m.content.includes(`*${schedule}*`)),
    `the ${schedule} cover request`,
  );
const answerAt = (url: string) => {
  const id = url.split('/').pop();
  return until(() => fw.slack.responses.find((r) => r.id === id), 'the answer to the click').then((r) => JSON.stringify(r.body));
};
const dmWith = (user: string, text: string) =>
  until(() => fw.dmsTo(user).find((m) => m.content.includes(text)), `a DM to ${user}: ${text}`);

describe('/incident oncall override', () => {
  it('puts the person on call over the window: /incident oncall shows it, a policy on the schedule pages them, the audit log keeps it', async () => {
    const answer = await fw.run('oncall override ops <@U0BOB|bob> now +8h');
    expect(answer).toContain('✅ On ops, from now (');
    expect(answer).toMatch(/<@U0BOB> \d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T – /);
    expect(answer).toMatch(/This replaced: <@U0ALICE> \d{4}-/);
    expect(await fw.run('oncall ops')).toContain('<@U0BOB>');

    const { id, channel } = await fw.declare('Checkout slow while Bob covers');
    await fw.run('page ops-oncall', { channel });
    await until(() => fw.dmsTo('U0BOB').find((m) => m.content.includes(`INC-${id}*`)), 'the page DM to bob');
    expect(fw.dmsTo('U0ALICE').filter((m) => m.content.includes(`INC-${id}*`))).toEqual([]);

    const [row] = await fw.db.select().from(scheduleOverrides).where(eq(scheduleOverrides.scheduleId, 'ops'));
    expect(row).toMatchObject({ userId: 'U0BOB', createdBy: 'U0ALICE' });
    expect(row!.endsAt.getTime() - row!.startsAt.getTime()).toBe(8 * 3_600_000);
    const [audit] = await auditOf('override.created', 'ops');
    expect(audit).toMatchObject({ actor: 'U0ALICE' });
    expect(audit!.before).toMatchObject({ shifts: [{ user: 'U0ALICE' }] });
    expect(audit!.after).toMatchObject({ shifts: [{ user: 'U0BOB' }], overrides: [{ id: row!.id, user: 'U0BOB' }] });

    // The coverage check runs on the override: Bob, who gained the shift, and Alice, who lost it, hear by DM.
    const gained = await dmWith('U0BOB', 'Your on-call shifts changed');
    expect(gained.content).toContain('<@U0ALICE> made an override');
    await dmWith('U0ALICE', 'no longer on call');
  });

  it('is for the schedule’s members (a config override counts) and admins; anyone else is told who may', async () => {
    const refused = await fw.run('oncall override ops-refused <@U0ERIN> now +1h', { user: 'U0ERIN' });
    expect(refused).toContain(
      '⚠️ Only members of ops-refused (<@U0ALICE>, <@U0DAVE>) and Firewatch admins (<@U0CAROL>) may override its shifts.',
    );
    expect(refused).toContain('`/incident oncall cover ops-refused <from> <to> [reason]`');
    expect(await fw.db.select().from(scheduleOverrides).where(eq(scheduleOverrides.scheduleId, 'ops-refused'))).toEqual([]);
    expect(await fw.run('oncall override ops-refused <@U0ERIN> now +1h', { user: 'U0DAVE' })).toContain('✅ On ops-refused');
    expect(await fw.run('oncall override ops-refused <@U0ERIN> +2h +1h', { user: 'U0CAROL' })).toContain('✅ On ops-refused');
    expect(await fw.db.select().from(scheduleOverrides).where(eq(scheduleOverrides.scheduleId, 'ops-refused'))).toHaveLength(2);
  });

  it('refuses an unknown schedule listing the schedules, and times that do not parse, end first or fall in a DST gap', async () => {
    expect(await fw.run('oncall override nope <@U0BOB> now +1h')).toContain(
      '⚠️ Unknown schedule "nope". Schedules: ops, ops-refused, platform, brief, nochan, pair, form.',
    );
    expect(await fw.run('oncall override ops <@U0BOB> 2030-03-31T02:30 +1h')).toContain(
      '⚠️ 2030-03-31T02:30 (the start) does not exist in Europe/Berlin: on 2030-03-31 the clocks jump from 02:00 to 03:00. Use 2030-03-31T03:00 or 2030-03-31T01:59.',
    );
    expect(await fw.run('oncall override ops <@U0BOB> 2030-01-02T10:00 2030-01-02T09:00')).toContain(
      '⚠️ The end must come after the start; I read 2030-01-02 10:00 CET to 2030-01-02 09:00 CET.',
    );
    expect(await fw.run('oncall override ops <@U0BOB> tomorrow +1h')).toContain('"tomorrow" is not a time I can read for the start.');
    expect(await fw.run('oncall override ops @bob now +1h')).toContain('"@bob" is not a mention');
    expect(await fw.run('oncall override ops <@U0BOB> now')).toContain('Give the start and the end');
    const fallBack = await fw.run('oncall override ops <@U0BOB> 2030-10-27T02:30 +1h');
    expect(fallBack).toContain('2030-10-27 02:30 CEST (the first of the two 02:30s that night) to 2030-10-27 02:30 CET');
    expect(await fw.run('help')).toContain('oncall override <schedule> @user <from> <to>');
  });
});

describe('/incident oncall cover', () => {
  it('posts the request with I’ll cover; of two clicks at once on two replicas exactly one takes it, both people hear by DM, later clicks are told', async () => {
    const asked = await fw.run('oncall cover platform now +8h Dentist', { user: 'U0DAVE' });
    expect(asked).toContain('🙋 Asked for cover of your shifts on platform: ');
    expect(asked).toContain(`It is posted in <#${ONCALL_CHANNEL}>`);
    const posted = await requestMessage('platform');
    expect(posted.content).toContain('<@U0DAVE> asks for cover on *platform*');
    expect(posted.content).toContain('Dentist');
    expect(posted.buttonLabels()).toEqual(['I’ll cover']);
    const asPosted = structuredClone(posted.blocks);

    const own = fw.slack.responseUrl({ channel: ONCALL_CHANNEL, user: 'U0DAVE' });
    await posted.button('I’ll cover').click({ user: 'U0DAVE', responseUrl: own });
    expect(await answerAt(own)).toContain('This is your own request for cover');

    const urls = {
      U0BOB: fw.slack.responseUrl({ channel: ONCALL_CHANNEL, user: 'U0BOB' }),
      U0CAROL: fw.slack.responseUrl({ channel: ONCALL_CHANNEL, user: 'U0CAROL' }),
    };
    // Bob clicks on one replica, Carol on another, at the same moment.
    const replica = await fw.startApp();
    try {
      await Promise.all(
        [fw.app.url, replica.url].map((appUrl, i) => {
          const [user, responseUrl] = Object.entries(urls)[i]!;
          return clickButton(
            appUrl,
            fw.slack,
            { channel: ONCALL_CHANNEL, ts: posted.ts, blocks: asPosted },
            'cover_take',
            user,
            responseUrl,
          );
        }),
      );
    } finally {
      await replica.stop();
    }
    const answers = await Promise.all(Object.values(urls).map(answerAt));
    const winner = answers[0]!.includes('✅ You cover <@U0DAVE> on platform') ? 'U0BOB' : 'U0CAROL';
    const loser = winner === 'U0BOB' ? 'U0CAROL' : 'U0BOB';
    expect(answers.filter((a) => a.includes('✅ You cover <@U0DAVE> on platform'))).toHaveLength(1);
    expect(answers.find((a) => !a.includes('✅'))).toContain(`This request was already taken by <@${winner}>.`);
    expect(loser).not.toBe(winner);

    const overrides = await fw.db.select().from(scheduleOverrides).where(eq(scheduleOverrides.scheduleId, 'platform'));
    expect(overrides).toHaveLength(1);
    expect(overrides[0]).toMatchObject({ userId: winner, createdBy: winner, reason: 'Dentist' });
    const [request] = await fw.db.select().from(coverRequests).where(eq(coverRequests.scheduleId, 'platform'));
    expect(request).toMatchObject({ state: 'taken', takenBy: winner, requester: 'U0DAVE', messageTs: posted.ts });
    expect(onCallAt(await scheduleNow('platform'), new Date())).toBe(winner);
    expect(await fw.run('oncall platform')).toContain(`<@${winner}>`);

    await until(
      () =>
        fw.slack
          .channel(ONCALL_CHANNEL)
          .messages()
          .find((m) => m.ts === posted.ts && m.content.includes(`Taken by <@${winner}>`)),
      'the edited request',
    );
    expect(
      fw.slack
        .channel(ONCALL_CHANNEL)
        .messages()
        .find((m) => m.ts === posted.ts)
        ?.buttonLabels(),
    ).toEqual([]);
    await dmWith('U0DAVE', `<@${winner}> took your request for cover on *platform*`);
    await dmWith(winner, 'You took <@U0DAVE>’s request for cover on *platform*');

    // A client that has not yet shown the edit still offers the button.
    const late = fw.slack.responseUrl({ channel: ONCALL_CHANNEL, user: 'U0ERIN' });
    await clickButton(fw.app.url, fw.slack, { channel: ONCALL_CHANNEL, ts: posted.ts, blocks: asPosted }, 'cover_take', 'U0ERIN', late);
    expect(await answerAt(late)).toContain(`This request was already taken by <@${winner}>.`);
    expect(await fw.db.select().from(scheduleOverrides).where(eq(scheduleOverrides.scheduleId, 'platform'))).toHaveLength(1);

    const [requested] = await auditOf('cover.requested', 'platform');
    expect(requested).toMatchObject({ actor: 'U0DAVE', after: { request: request!.id, reason: 'Dentist', channel: ONCALL_CHANNEL } });
    const [taken] = await auditOf('cover.taken', 'platform');
    expect(taken).toMatchObject({
      actor: winner,
      before: { shifts: [{ user: 'U0DAVE' }] },
      after: { request: request!.id, requester: 'U0DAVE', shifts: [{ user: winner }], overrides: [{ user: winner }] },
    });
  });

  it('tells a click after the window ended that the request expired, and makes no override', async () => {
    await fw.run('oncall cover brief now +2s', { user: 'U0FRANK' });
    const posted = await requestMessage('brief');
    const [request] = await fw.db.select().from(coverRequests).where(eq(coverRequests.scheduleId, 'brief'));
    await until(() => Date.now() > request!.endsAt.getTime() + 100, 'the window to end');
    const url = fw.slack.responseUrl({ channel: ONCALL_CHANNEL, user: 'U0BOB' });
    await posted.button('I’ll cover').click({ user: 'U0BOB', responseUrl: url });
    expect(await answerAt(url)).toContain(
      `This request for cover expired: its window ended at ${describeInstant(request!.endsAt, 'America/New_York')}.`,
    );
    expect(await fw.db.select().from(scheduleOverrides).where(eq(scheduleOverrides.scheduleId, 'brief'))).toEqual([]);
  });

  it('refuses someone not on call in the window, saying when they are next on call', async () => {
    expect(await fw.run('oncall cover platform now +8h', { user: 'U0ERIN' })).toContain(
      'You are not on call on platform at all in the next 12 months.',
    );
    const pair = await scheduleNow('pair');
    const now = new Date();
    const off = onCallAt(pair, now) === 'U0HEIDI' ? 'U0IVAN' : 'U0HEIDI';
    const [next] = nextHandoffs(pair, now, 1);
    const refused = await fw.run('oncall cover pair now +1h', { user: off });
    expect(refused).toMatch(/⚠️ You are not on call on pair at any point from now \(\d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T\) to /);
    expect(refused).toContain(`You are next on call on pair from ${describeInstant(next!.at, 'Europe/Berlin')} until `);
    expect(await fw.db.select().from(coverRequests).where(eq(coverRequests.scheduleId, 'pair'))).toEqual([]);
  });

  it('posts in the channel it was asked in when the schedule has none, and says schedules[].channel is unset', async () => {
    const asked = await fw.run('oncall cover nochan now +1d', { user: 'U0GRACE' });
    expect(asked).toContain(`It is posted in <#${GENERAL}>`);
    expect(asked).toContain('`schedules[].channel` is unset for *nochan*');
    await until(
      () =>
        fw.slack
          .channel(GENERAL)
          .messages()
          .find((m) => m.content.includes('<@U0GRACE> asks for cover on *nochan*')),
      'the request in #general',
    );
  });
});

describe('the Request cover form', () => {
  const homeClick = (user: string) =>
    interaction(fw.app.url, {
      type: 'block_actions',
      team: { id: TEAM_ID, domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM_ID },
      api_app_id: 'A0FIREWATCH',
      token: 'deprecated-verification-token',
      container: { type: 'view', view_id: 'V0HOME' },
      trigger_id: fw.slack.triggerId({ user }),
      view: { id: 'V0HOME', type: 'home', team_id: TEAM_ID, callback_id: '', blocks: [], state: { values: {} }, hash: 'h' },
      actions: [
        {
          action_id: 'home_request_cover',
          block_id: 'home_actions',
          type: 'button',
          text: { type: 'plain_text', text: 'Request cover' },
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    });
  const values = (schedule: string, from: string, to: string, reason: string | null) => ({
    schedule: { value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: schedule }, value: schedule } } },
    from: { value: { type: 'plain_text_input', value: from } },
    to: { value: { type: 'plain_text_input', value: to } },
    reason: { value: { type: 'plain_text_input', value: reason } },
  });

  it('opens from the App Home button and does what the command does, refusing bad times and schedules on their fields', async () => {
    const before = fw.slack.views.length;
    expect((await homeClick('U0ERIN')).status).toBe(200);
    await until(() => fw.slack.views.length > before, 'the Request cover form');
    const modal = fw.slack.modal('U0ERIN')!;
    expect(modal.callbackId).toBe('cover_request');
    expect(modal.text()).toContain('form: Europe/Berlin');
    const view = { ...modal.view, id: modal.id };

    const gap = await submitView(fw.app.url, fw.slack, view, values('form', '2030-03-31T02:30', '+1h', null), 'U0ERIN');
    expect(gap.json).toEqual({
      response_action: 'errors',
      errors: { from: expect.stringContaining('2030-03-31T02:30 (the start) does not exist in Europe/Berlin') },
    });
    const backwards = await submitView(fw.app.url, fw.slack, view, values('form', '2030-01-02T10:00', '2030-01-02T09:00', null), 'U0ERIN');
    expect(backwards.json).toMatchObject({
      response_action: 'errors',
      errors: { to: expect.stringContaining('The end must come after the start') },
    });
    const noChannel = await submitView(fw.app.url, fw.slack, view, values('nochan', 'now', '+1h', null), 'U0ERIN');
    expect(noChannel.json).toMatchObject({
      response_action: 'errors',
      errors: { schedule: expect.stringContaining('`schedules[].channel` is unset') },
    });

    const ok = await submitView(fw.app.url, fw.slack, view, values('form', 'now', '+4h', 'Parent-teacher evening'), 'U0ERIN');
    expect(ok.json).toMatchObject({ response_action: 'update', view: { type: 'modal' } });
    expect(JSON.stringify(ok.json)).toContain('Asked for cover of your shifts on form');
    const posted = await requestMessage('form');
    expect(posted.content).toContain('Parent-teacher evening');
    const url = fw.slack.responseUrl({ channel: ONCALL_CHANNEL, user: 'U0ALICE' });
    await posted.button('I’ll cover').click({ user: 'U0ALICE', responseUrl: url });
    expect(await answerAt(url)).toContain('✅ You cover <@U0ERIN> on form');
    expect(onCallAt(await scheduleNow('form'), new Date())).toBe('U0ALICE');
    expect(await auditOf('cover.requested', 'form')).toHaveLength(1);
  });
});

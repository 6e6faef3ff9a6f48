// A real workspace is stricter than a friendly test one: the bot is not in the announcements channel, the
// app's Messages tab may be off, admins may forbid apps to create channels, a channel's pins run out, and
// a person's name cannot always be read. Each of these leaves the incident set up and people told why.
import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox, pageNotifications, pages } from '../../src/db/schema.js';
import { ChannelJoins } from '../../src/slack/delivery/joins.js';
import { ANNOUNCE, testConfig } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { settledOutbox, DECLARED_ROWS_DONE } from '../support/outbox.js';

const CONFIG = {
  archive_on_close: true,
  escalation_tick: '* * * * * *',
  severities: [
    { id: 'sev1', label: 'Critical', page: 'two-levels' },
    { id: 'sev2', label: 'Major' },
    { id: 'sev3', label: 'Minor' },
  ],
  escalation_policies: [
    {
      id: 'two-levels',
      repeat: 1,
      levels: [
        { delay: '1s', targets: [{ user: 'U0BOB' }] },
        { delay: '1s', targets: [{ user: 'U0CAROL' }] },
      ],
    },
  ],
};

const fw = useFirewatch({ config: CONFIG, healSlackAfterEach: true });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Messages in #incidents (the announcements channel) about one incident, thread replies included. */
const aboutIn = (channel: string, id: number) =>
  fw.slack.messagesIn(channel).filter((m) => new RegExp(`INC-${id}(?!\\d)`).test(fw.slack.textOf(m)));

/** Someone else's chatter in a channel, newer than anything before it. */
function chatter(channel: string, count: number, threadTs?: string): void {
  for (let i = 0; i < count; i++)
    fw.slack.post({ channel, ts: fw.slack.nextTs(), text: `chatter ${i}`, blocks: [], user: 'U0BOB', thread_ts: threadTs, edited: 0 });
}

describe('the announcements channel, which Firewatch did not create', () => {
  it('joins it, so a retried announcement whose answer was lost finds the first one instead of posting again', async () => {
    fw.slack.channels.get(ANNOUNCE)?.members.delete(fw.slack.botUserId);
    fw.slack.fault('chat.postMessage', { kind: 'lost', where: { channel: ANNOUNCE } });
    const { id, rows } = await fw.declare('Announced once though the answer was lost');
    expect(rows.find((r) => r.kind === 'incident.announce')).toMatchObject({ status: 'done', attempts: 2 });
    expect(aboutIn(ANNOUNCE, id)).toHaveLength(1);
    expect(fw.slack.channels.get(ANNOUNCE)?.members.has(fw.slack.botUserId)).toBe(true);
    expect(fw.slack.okCallsOf('conversations.join').filter((c) => c.args.channel === ANNOUNCE).length).toBeGreaterThan(0);
  });

  it('joins once, not before every post, and again when someone removed the app', async () => {
    await fw.declare('First of two after the join');
    const joins = () => fw.slack.callsOf('conversations.join').filter((c) => c.args.channel === ANNOUNCE).length;
    const before = joins();
    await fw.declare('Second of two after the join');
    expect(joins()).toBe(before);

    fw.slack.channels.get(ANNOUNCE)?.members.delete(fw.slack.botUserId);
    fw.slack.fault('chat.postMessage', { kind: 'lost', where: { channel: ANNOUNCE } });
    const { id } = await fw.declare('Announced after the app was removed');
    expect(aboutIn(ANNOUNCE, id)).toHaveLength(1);
    expect(joins()).toBe(before + 1);
  });

  it('finds a lost announcement under a page of newer messages', async () => {
    fw.slack.fault('chat.postMessage', { kind: 'lost', where: { channel: ANNOUNCE } });
    const { id } = await fw.startDeclare('declare sev3 Announced in a busy channel');
    await fw.slack.waitFor(() => fw.slack.calls.find((c) => c.fault === 'lost'));
    chatter(ANNOUNCE, 150);
    await settledOutbox(fw.db, id);
    expect(aboutIn(ANNOUNCE, id)).toHaveLength(1);
  });

  it('finds a lost thread reply under a page of newer replies', async () => {
    const { id, incident } = await fw.declare('Thread reply in a busy thread');
    const thread = incident.announcementTs!;
    chatter(ANNOUNCE, 250, thread);
    fw.slack.fault('chat.postMessage', { kind: 'lost', where: { channel: ANNOUNCE, thread_ts: thread } });
    await fw.run(`INC-${id} update Rolling back the busy deploy`, { incident: id });
    await fw.slack.waitFor(() => fw.slack.calls.find((c) => c.fault === 'lost' && c.args.thread_ts === thread));
    chatter(ANNOUNCE, 250, thread);
    await settledOutbox(fw.db, id);
    await sleep(50);
    const replies = fw.slack
      .messagesIn(ANNOUNCE)
      .filter((m) => m.thread_ts === thread && fw.slack.textOf(m).includes('Rolling back the busy deploy'));
    expect(replies).toHaveLength(1);
  });

  it('says in a log line that a private channel cannot be joined', async () => {
    const secret = fw.slack.addChannel({ name: 'secret-announcements', is_private: true, members: new Set([fw.slack.botUserId]) });
    const lines: Array<{ msg?: string; channel?: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { msg?: string }),
        );
        done();
      },
    });
    const client = new WebClient(fw.slack.botToken, { slackApiUrl: fw.slack.url, retryConfig: { retries: 0 } });
    const joins = new ChannelJoins(client, testConfig({ announcements_channel: secret.id }), pino({ level: 'warn' }, sink));
    await joins.ensure(secret.id);
    await joins.ensure(secret.id);
    expect(lines).toMatchObject([{ channel: secret.id, msg: expect.stringMatching(/private.*cannot join.*invite/) as unknown }]);
    expect(fw.slack.callsOf('conversations.join').filter((c) => c.args.channel === secret.id)).toHaveLength(1);
  });
});

describe('a page DM Slack will not deliver', () => {
  it('is recorded on its notification, said once per person in the incident channel, and escalation goes on', async () => {
    fw.slack.messagesTabEnabled = false;
    try {
      const { id, channel } = await fw.declare('Paged while the Messages tab is off', { severity: 'sev1' });
      const [page] = await fw.db.select().from(pages).where(eq(pages.incidentId, id));
      await expect
        .poll(async () => (await fw.db.select().from(pages).where(eq(pages.id, page!.id)))[0]?.state, { timeout: 15_000 })
        .toBe('exhausted');
      await fw.drained(id);

      const notifications = await fw.db
        .select()
        .from(pageNotifications)
        .where(eq(pageNotifications.pageId, page!.id))
        .orderBy(asc(pageNotifications.id));
      expect(notifications.map((n) => [n.userId, n.loop, n.dmError, n.dmTs])).toEqual([
        ['U0BOB', 0, 'messages_tab_disabled', null],
        ['U0CAROL', 0, 'messages_tab_disabled', null],
        ['U0BOB', 1, 'messages_tab_disabled', null],
        ['U0CAROL', 1, 'messages_tab_disabled', null],
      ]);
      const dms = await fw.db.select().from(outbox).where(eq(outbox.incidentId, id));
      expect(dms.filter((r) => r.kind === 'page.dm').map((r) => [r.status, r.attempts, r.lastError])).toEqual(
        Array.from({ length: 4 }, () => ['failed', 1, 'messages_tab_disabled']),
      );

      const lines = fw.slack.messagesIn(channel).map((m) => fw.slack.textOf(m));
      for (const user of ['U0BOB', 'U0CAROL']) {
        const told = lines.filter((t) => t.includes(`Could not DM <@${user}>`));
        expect(told).toHaveLength(1);
        expect(told[0]).toContain("the app's Messages tab is off — see README");
      }
      expect(lines.some((t) => t.includes('Nobody acknowledged the page'))).toBe(true);
      expect(await fw.events(id, 'page_escalated')).toHaveLength(3);
    } finally {
      fw.slack.messagesTabEnabled = true;
    }
  });
});

describe('a locked-down workspace', () => {
  /** What the declarer saw at the command's response_url about the incident. */
  const toldAt = (url: string, id: number) =>
    fw.slack.responses
      .filter((r) => url.endsWith(`/${r.id}`) && JSON.stringify(r.body).includes(`INC-${id}`))
      .map((r) => JSON.stringify(r.body));

  it('tells the declarer what keeps apps from creating channels and what to ask an admin, without retrying', async () => {
    fw.slack.appsMayCreateChannels = false;
    try {
      const responseUrl = fw.slack.responseUrl();
      const since = fw.slack.calls.length;
      const { id } = await fw.startDeclare('declare sev3 Locked-down workspace', { responseUrl });
      const rows = await settledOutbox(fw.db, id);
      expect(rows.find((r) => r.kind === 'channel.create')).toMatchObject({
        status: 'failed',
        attempts: 1,
        lastError: 'restricted_action',
      });
      expect(fw.slack.calls.slice(since).filter((c) => c.method === 'conversations.create')).toHaveLength(1);
      const told = toldAt(responseUrl, id);
      expect(told).toHaveLength(1);
      expect(told[0]).toContain('refused to create its channel');
      expect(told[0]).toContain('Ask a Workspace Owner to allow it: Workspace settings → Permissions → Channel Management');
    } finally {
      fw.slack.appsMayCreateChannels = true;
    }
  });

  it.each([
    ['cannot_create_channel', 'an organisation policy keeps this channel from being created'],
    ['too_many_convos_for_app_on_team', 'Ask a Slack admin to archive or delete old incident channels'],
  ])('tells the declarer what %s means and what to ask an admin', async (error, advice) => {
    fw.slack.fault('conversations.create', { kind: 'error', error });
    const responseUrl = fw.slack.responseUrl();
    const { id } = await fw.startDeclare(`declare sev3 Refused with ${error}`, { responseUrl });
    await settledOutbox(fw.db, id);
    const told = toldAt(responseUrl, id);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(advice);
  });

  it.each([
    ['too_many_pins', () => (fw.slack.maxPinsPerChannel = 0)],
    ['restricted_action', () => fw.slack.fault('pins.add', { kind: 'error', error: 'restricted_action' })],
  ])('sets up the rest of the incident when Slack answers %s to the summary’s pin', async (error, refuse) => {
    refuse();
    try {
      const { id, rows, channel } = await fw.declare(`Summary not pinned: ${error}`);
      expect(rows.map((r) => [r.kind, r.status])).toEqual(DECLARED_ROWS_DONE);
      expect(rows.find((r) => r.kind === 'summary.pin')?.result).toEqual({ skipped: error });
      expect(fw.slack.channel(channel).pins()).toHaveLength(0);
      expect(aboutIn(ANNOUNCE, id)).toHaveLength(1);
    } finally {
      fw.slack.maxPinsPerChannel = 100;
    }
  });

  it('closes the incident when Slack answers restricted_action to archiving its channel, and leaves the channel open', async () => {
    const { id, channel } = await fw.declare('Archive refused');
    await fw.run('resolve Fixed', { incident: id });
    fw.slack.fault('conversations.archive', { kind: 'error', error: 'restricted_action' });
    expect(await fw.run('close', { incident: id })).toContain(`INC-${id} is now closed.`);
    const rows = await settledOutbox(fw.db, id);
    expect(rows.find((r) => r.kind === 'channel.archive')).toMatchObject({ status: 'done', result: { skipped: 'restricted_action' } });
    expect(fw.slack.channels.get(channel)?.is_archived).toBe(false);
    expect((await fw.incident(id)).status).toBe('closed');
  });
});

describe('the channel topic', () => {
  it('names no raw <@U…> mention when Slack cannot say the lead’s name', async () => {
    fw.slack.fault('users.info', { kind: 'error', error: 'user_not_found' });
    const { channel } = await fw.declare('Topic without a name', { user: 'U0NONAME' });
    const topic = fw.slack.channels.get(channel)?.topic ?? '';
    expect(topic).toBe('SEV3 · Investigating · Lead: see the summary');
    expect(topic).not.toMatch(/<@/);
  });
});

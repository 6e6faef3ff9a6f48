import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogLevel, WebClient, type Logger, type ModalView } from '@slack/web-api';
import { setTimeout as sleep } from 'node:timers/promises';
import { MANIFEST_SCOPES, SlackEmulator, type EmulatorOptions } from './index.js';

let emu: SlackEmulator;
let slack: WebClient;

async function boot(opts: EmulatorOptions = {}): Promise<void> {
  emu = await SlackEmulator.start(opts);
  slack = clientFor(emu.botToken);
}

// The SDK logs the [ERROR] messages of refused calls; these tests provoke them on purpose.
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };

function clientFor(token: string | undefined, extra: { timeout?: number } = {}): WebClient {
  return new WebClient(token, { slackApiUrl: emu.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: quiet, ...extra });
}

const platformError = (error: string) => ({
  code: 'slack_webapi_platform_error',
  data: expect.objectContaining({ ok: false, error }) as unknown,
});

async function newChannel(name: string, isPrivate = false): Promise<string> {
  const res = await slack.conversations.create({ name, is_private: isPrivate });
  return res.channel?.id ?? '';
}

beforeEach(async () => {
  await boot();
});
afterEach(async () => {
  await emu.close();
});

describe('auth', () => {
  it('answers auth.test with the bot identity', async () => {
    const res = await slack.auth.test();
    expect(res).toMatchObject({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0TEST', is_enterprise_install: false });
  });

  it('refuses a wrong token with invalid_auth', async () => {
    await expect(clientFor('xoxb-wrong').auth.test()).rejects.toMatchObject(platformError('invalid_auth'));
  });

  it('refuses a call without a token with not_authed', async () => {
    await expect(clientFor(undefined).auth.test()).rejects.toMatchObject(platformError('not_authed'));
  });

  it('answers an unknown method with unknown_method', async () => {
    await expect(slack.apiCall('nope.nothing')).rejects.toMatchObject(platformError('unknown_method'));
  });
});

describe('scopes', () => {
  const without = (...missing: string[]) => MANIFEST_SCOPES.filter((s) => !missing.includes(s));

  it('grants the scopes manifest.yml asks for unless told otherwise, and lists them on every answer', async () => {
    const ok = await slack.auth.test();
    expect(ok.response_metadata?.scopes).toEqual([...MANIFEST_SCOPES]);
    const refused = await slack.conversations
      .history({ channel: 'C0NOWHERE' })
      .catch((e: { data: { response_metadata?: unknown } }) => e.data);
    expect(refused).toMatchObject({ error: 'channel_not_found', response_metadata: { scopes: [...MANIFEST_SCOPES] } });
  });

  it('names the scopes a method accepts in x-accepted-oauth-scopes', async () => {
    const id = await newChannel('inc-scopes-accepted');
    const res = await slack.conversations.setTopic({ channel: id, topic: 'x' });
    expect(res.response_metadata?.acceptedScopes).toEqual(['channels:manage', 'channels:write.topic']);
  });

  it('answers missing_scope with what was needed and what the token has, as Slack does', async () => {
    const id = await newChannel('inc-scopes-pin');
    const ts = (await slack.chat.postMessage({ channel: id, text: 'pin me' })).ts ?? '';
    emu.grantScopes(without('pins:write'));
    const err = await slack.pins.add({ channel: id, timestamp: ts }).catch((e: { data: Record<string, unknown> }) => e.data);
    expect(err).toMatchObject({ ok: false, error: 'missing_scope', needed: 'pins:write', provided: without('pins:write').join(',') });
    expect(err.response_metadata).toMatchObject({ scopes: without('pins:write') });
    expect(emu.pins).toEqual([]);
  });

  it('asks each method for its own scope, not one for a whole family', async () => {
    const id = await newChannel('inc-scopes-family');
    emu.grantScopes(['chat:write', 'channels:manage']);
    await expect(slack.chat.postMessage({ channel: id, text: 'still allowed' })).resolves.toMatchObject({ ok: true });
    await expect(slack.conversations.history({ channel: id })).rejects.toMatchObject(platformError('missing_scope'));
    await expect(slack.users.info({ user: 'U0ALICE' })).rejects.toMatchObject(platformError('missing_scope'));
  });

  it('asks conversation methods for the scope of the conversation’s kind', async () => {
    const open = await newChannel('inc-scopes-public');
    const closed = await newChannel('inc-scopes-private', true);
    emu.grantScopes(without('groups:history', 'groups:write'));
    await expect(slack.conversations.history({ channel: open })).resolves.toMatchObject({ ok: true });
    await expect(slack.conversations.history({ channel: closed })).rejects.toMatchObject({
      data: { error: 'missing_scope', needed: 'groups:history' },
    });
    await expect(slack.conversations.create({ name: 'inc-scopes-public-2' })).resolves.toMatchObject({ ok: true });
    await expect(slack.conversations.create({ name: 'inc-scopes-private-2', is_private: true })).rejects.toMatchObject({
      data: { error: 'missing_scope', needed: 'groups:write' },
    });
  });

  it('accepts any one of the scopes Slack lists for a method', async () => {
    const id = await newChannel('inc-scopes-topic');
    emu.grantScopes(['channels:write.topic']);
    await expect(slack.conversations.setTopic({ channel: id, topic: 'by the narrower scope' })).resolves.toMatchObject({ ok: true });
  });

  it('asks conversations.list for the read scope of each type asked for', async () => {
    emu.grantScopes(without('groups:read'));
    await expect(slack.conversations.list({ types: 'public_channel' })).resolves.toMatchObject({ ok: true });
    await expect(slack.conversations.list({ types: 'public_channel,private_channel' })).rejects.toMatchObject({
      data: { error: 'missing_scope', needed: 'groups:read' },
    });
  });

  it('sends an event only to an app granted its scope, by the channel’s kind for membership events', () => {
    const closed = emu.addChannel({ name: 'closed', is_private: true }).id;
    expect(emu.eventWithheld({ type: 'pin_added', channel_id: 'C1' })).toBeUndefined();
    emu.grantScopes(without('pins:read', 'groups:read'));
    expect(emu.eventWithheld({ type: 'pin_added', channel_id: 'C1' })).toBe('Slack sends pin_added only to an app granted pins:read');
    expect(emu.eventWithheld({ type: 'member_joined_channel', channel: closed })).toBe(
      'Slack sends member_joined_channel only to an app granted groups:read',
    );
    expect(emu.eventWithheld({ type: 'reaction_added' })).toBeUndefined();
  });

  it('answers not_in_channel to a post in a public channel the bot has not joined, unless it has chat:write.public', async () => {
    const id = emu.addChannel({ name: 'elsewhere' }).id;
    emu.grantScopes(without('chat:write.public'));
    await expect(slack.chat.postMessage({ channel: id, text: 'x' })).rejects.toMatchObject(platformError('not_in_channel'));
    emu.grantScopes(MANIFEST_SCOPES);
    await expect(slack.chat.postMessage({ channel: id, text: 'x' })).resolves.toMatchObject({ ok: true });
  });
});

describe('conversations.create', () => {
  it('creates a channel in Slack’s shape with the bot as creator and member', async () => {
    const res = await slack.conversations.create({ name: 'inc-42-db-down' });
    expect(res.channel).toMatchObject({
      name: 'inc-42-db-down',
      is_channel: true,
      is_group: false,
      is_im: false,
      is_private: false,
      is_archived: false,
      is_member: true,
      creator: 'UBOT',
      topic: { value: '' },
      purpose: { value: '' },
      num_members: 1,
    });
    expect(res.channel?.id).toMatch(/^C[A-Z0-9]+$/);
    expect(emu.channelByName('inc-42-db-down')?.members.has('UBOT')).toBe(true);
  });

  it('creates a private channel when is_private is true', async () => {
    const res = await slack.conversations.create({ name: 'inc-secret', is_private: true });
    expect(res.channel).toMatchObject({ is_private: true, is_channel: true });
  });

  it('refuses a channel name with uppercase letters with invalid_name_specials', async () => {
    await expect(slack.conversations.create({ name: 'Inc-42' })).rejects.toMatchObject(platformError('invalid_name_specials'));
  });

  it('refuses a channel name with spaces or punctuation with invalid_name_specials', async () => {
    await expect(slack.conversations.create({ name: 'inc 42' })).rejects.toMatchObject(platformError('invalid_name_specials'));
    await expect(slack.conversations.create({ name: 'inc.42!' })).rejects.toMatchObject(platformError('invalid_name_specials'));
  });

  it('refuses a channel name longer than 80 characters with invalid_name_maxlength', async () => {
    await expect(slack.conversations.create({ name: 'a'.repeat(81) })).rejects.toMatchObject(platformError('invalid_name_maxlength'));
    await expect(slack.conversations.create({ name: 'a'.repeat(80) })).resolves.toMatchObject({ ok: true });
  });

  it('refuses an empty name with invalid_name_required', async () => {
    await expect(slack.conversations.create({ name: '' })).rejects.toMatchObject(platformError('invalid_name_required'));
  });

  it('refuses a name already taken, even by an archived channel, with name_taken', async () => {
    await newChannel('inc-1');
    await expect(slack.conversations.create({ name: 'inc-1' })).rejects.toMatchObject(platformError('name_taken'));
    emu.addChannel({ name: 'old-incident', is_archived: true });
    await expect(slack.conversations.create({ name: 'old-incident' })).rejects.toMatchObject(platformError('name_taken'));
  });
});

describe('conversations.invite and membership', () => {
  it('adds users and answers already_in_channel when all are members', async () => {
    const id = await newChannel('inc-2');
    await slack.conversations.invite({ channel: id, users: 'U0ALICE,U0BOB' });
    expect([...(emu.channels.get(id)?.members ?? [])]).toEqual(['UBOT', 'U0ALICE', 'U0BOB']);
    await expect(slack.conversations.invite({ channel: id, users: 'U0ALICE' })).rejects.toMatchObject(platformError('already_in_channel'));
  });

  it('refuses an unknown channel with channel_not_found and inviting itself with cant_invite_self', async () => {
    await expect(slack.conversations.invite({ channel: 'C0NOPE', users: 'U0ALICE' })).rejects.toMatchObject(
      platformError('channel_not_found'),
    );
    const id = await newChannel('inc-3');
    await expect(slack.conversations.invite({ channel: id, users: 'UBOT' })).rejects.toMatchObject(platformError('cant_invite_self'));
  });

  it('refuses an unknown user with user_not_found when users are strict', async () => {
    await emu.close();
    await boot({ strictUsers: true, users: [{ id: 'U0ALICE', name: 'alice' }] });
    const id = await newChannel('inc-4');
    await expect(slack.conversations.invite({ channel: id, users: 'U0GHOST' })).rejects.toMatchObject(platformError('user_not_found'));
    await expect(slack.conversations.invite({ channel: id, users: 'U0ALICE' })).resolves.toMatchObject({ ok: true });
  });

  it('refuses inviting into a public channel the bot is not in with not_in_channel', async () => {
    const general = emu.addChannel({ name: 'general' });
    await expect(slack.conversations.invite({ channel: general.id, users: 'U0ALICE' })).rejects.toMatchObject(
      platformError('not_in_channel'),
    );
  });
});

describe('chat', () => {
  it('posts with increasing ts and records parsed blocks and metadata', async () => {
    const id = await newChannel('inc-5');
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*SEV1* database down' } }];
    const first = await slack.chat.postMessage({
      channel: id,
      text: 'fallback',
      blocks,
      metadata: { event_type: 'incident', event_payload: { id: 5 } },
    });
    const second = await slack.chat.postMessage({ channel: id, text: 'second' });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(first.message).toMatchObject({ type: 'message', user: 'UBOT', bot_id: 'BBOT', blocks, metadata: { event_type: 'incident' } });
    const call = emu.okCallsOf('chat.postMessage')[0];
    expect(call?.args.blocks).toEqual(blocks);
    expect(call?.args.token).toBeUndefined();
    expect(emu.messagesIn(id).map((m) => emu.textOf(m))).toEqual(['fallback\n*SEV1* database down', 'second']);
  });

  it('refuses an unknown channel with channel_not_found', async () => {
    await expect(slack.chat.postMessage({ channel: 'C0NOPE', text: 'hi' })).rejects.toMatchObject(platformError('channel_not_found'));
  });

  it('hides a private channel the bot is not in with channel_not_found', async () => {
    const secret = emu.addChannel({ name: 'secret', is_private: true, members: new Set(['U0ALICE']) });
    await expect(slack.chat.postMessage({ channel: secret.id, text: 'hi' })).rejects.toMatchObject(platformError('channel_not_found'));
  });

  it('posts into a public channel the bot is not in (chat:write.public)', async () => {
    const general = emu.addChannel({ name: 'general' });
    await expect(slack.chat.postMessage({ channel: general.id, text: 'hi' })).resolves.toMatchObject({ ok: true, channel: general.id });
  });

  it('refuses posting to an archived channel with is_archived', async () => {
    const id = await newChannel('inc-6');
    await slack.conversations.archive({ channel: id });
    await expect(slack.chat.postMessage({ channel: id, text: 'hi' })).rejects.toMatchObject(platformError('is_archived'));
    await expect(slack.conversations.archive({ channel: id })).rejects.toMatchObject(platformError('already_archived'));
  });

  it('refuses a message without text or blocks with no_text and more than 50 blocks with invalid_blocks', async () => {
    const id = await newChannel('inc-7');
    await expect(slack.chat.postMessage({ channel: id, text: '' })).rejects.toMatchObject(platformError('no_text'));
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    await expect(slack.chat.postMessage({ channel: id, text: 'x', blocks })).rejects.toMatchObject(platformError('invalid_blocks'));
  });

  it('refuses options and confirm dialogs outside Block Kit limits with invalid_blocks naming each', async () => {
    const id = await newChannel('inc-7b');
    const opt = (text: string, value = 'v') => ({ text: { type: 'plain_text', text }, value });
    const blocks = [
      {
        type: 'actions',
        elements: [
          { type: 'static_select', action_id: 'a', options: [opt('x'.repeat(76)), opt('ok', 'v'.repeat(151))] },
          { type: 'static_select', action_id: 'b', options: [] },
          { type: 'static_select', action_id: 'c', options: Array.from({ length: 101 }, (_, i) => opt(`o${i}`, `v${i}`)) },
          { type: 'overflow', action_id: 'd', options: [{ text: { type: 'mrkdwn', text: '*x*' }, value: 'x' }] },
          {
            type: 'button',
            action_id: 'e',
            text: { type: 'plain_text', text: 'Resolve' },
            confirm: {
              title: { type: 'plain_text', text: 'Sure?' },
              text: { type: 'mrkdwn', text: 'It *resolves*.' },
              confirm: { type: 'plain_text', text: 'y'.repeat(31) },
              deny: { type: 'plain_text', text: 'No' },
            },
          },
        ],
      },
    ];
    const err: unknown = await slack.chat.postMessage({ channel: id, text: 'x', blocks }).catch((e: unknown) => e);
    expect(err).toMatchObject(platformError('invalid_blocks'));
    expect((err as { data: { errors: string[] } }).data.errors).toEqual([
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]',
      'must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/1/value]',
      'must provide an array of at least 1 items [json-pointer:/blocks/0/elements/1/options]',
      'must provide an array of no more than 100 items [json-pointer:/blocks/0/elements/2/options]',
      'must be a plain_text object [json-pointer:/blocks/0/elements/3/options/0/text/type]',
      'must be a plain_text object [json-pointer:/blocks/0/elements/4/confirm/text/type]',
      'must be less than 31 characters [json-pointer:/blocks/0/elements/4/confirm/confirm/text]',
    ]);
  });

  it('refuses metadata whose event_type is not snake_case with invalid_metadata_schema', async () => {
    const id = await newChannel('inc-7c');
    for (const event_type of ['Incident-Summary', '9lives', 'incident summary']) {
      await expect(slack.chat.postMessage({ channel: id, text: 'x', metadata: { event_type, event_payload: {} } })).rejects.toMatchObject(
        platformError('invalid_metadata_schema'),
      );
    }
    await expect(
      slack.chat.postMessage({ channel: id, text: 'x', metadata: { event_type: 'firewatch_outbox', event_payload: { outbox_id: 1 } } }),
    ).resolves.toMatchObject({ ok: true });
  });

  it('answers chat.update and chat.postEphemeral text over 4,000 characters with msg_too_long, and cuts a post at 40,000', async () => {
    const id = await newChannel('inc-7d');
    const posted = await slack.chat.postMessage({ channel: id, text: 'p'.repeat(40_001) });
    expect(emu.messagesIn(id)[0]?.text).toHaveLength(40_000);
    await expect(slack.chat.update({ channel: id, ts: posted.ts ?? '', text: 'u'.repeat(4001) })).rejects.toMatchObject(
      platformError('msg_too_long'),
    );
    await expect(slack.chat.update({ channel: id, ts: posted.ts ?? '', text: 'u'.repeat(4000) })).resolves.toMatchObject({ ok: true });
    await expect(slack.chat.postEphemeral({ channel: id, user: 'UBOT', text: 'e'.repeat(4001) })).rejects.toMatchObject(
      platformError('msg_too_long'),
    );
  });

  it('posts to a user id into the IM with that user', async () => {
    const res = await slack.chat.postMessage({ channel: 'U0ALICE', text: 'you are on call' });
    expect(res.channel).toMatch(/^D/);
    const opened = await slack.conversations.open({ users: 'U0ALICE' });
    expect(opened.channel?.id).toBe(res.channel);
  });

  it('updates a message, counting edits, and answers message_not_found for an unknown ts', async () => {
    const id = await newChannel('inc-8');
    const posted = await slack.chat.postMessage({ channel: id, text: 'investigating' });
    await slack.chat.update({ channel: id, ts: posted.ts ?? '', text: 'resolved' });
    expect(emu.messagesIn(id)[0]).toMatchObject({ text: 'resolved', edited: 1 });
    await expect(slack.chat.update({ channel: id, ts: '1.000001', text: 'x' })).rejects.toMatchObject(platformError('message_not_found'));
  });

  it('refuses updating someone else’s message with cant_update_message', async () => {
    const id = await newChannel('inc-9');
    emu.messages.push({ channel: id, ts: '1700000000.000001', text: 'human', blocks: [], user: 'U0ALICE', edited: 0 });
    await expect(slack.chat.update({ channel: id, ts: '1700000000.000001', text: 'x' })).rejects.toMatchObject(
      platformError('cant_update_message'),
    );
  });

  it('records ephemeral messages and refuses users outside the channel with user_not_in_channel', async () => {
    const id = await newChannel('inc-10');
    await slack.conversations.invite({ channel: id, users: 'U0ALICE' });
    await slack.chat.postEphemeral({ channel: id, user: 'U0ALICE', text: 'only you' });
    expect(emu.ephemerals).toMatchObject([{ channel: id, user: 'U0ALICE', text: 'only you' }]);
    await expect(slack.chat.postEphemeral({ channel: id, user: 'U0BOB', text: 'x' })).rejects.toMatchObject(
      platformError('user_not_in_channel'),
    );
  });

  it('builds permalinks and answers message_not_found for a missing message', async () => {
    const id = await newChannel('inc-11');
    const posted = await slack.chat.postMessage({ channel: id, text: 'hi' });
    const link = await slack.chat.getPermalink({ channel: id, message_ts: posted.ts ?? '' });
    expect(link.permalink).toBe(`https://firewatch-test.slack.com/archives/${id}/p${(posted.ts ?? '').replace('.', '')}`);
    await expect(slack.chat.getPermalink({ channel: id, message_ts: '1.000001' })).rejects.toMatchObject(
      platformError('message_not_found'),
    );
  });
});

describe('history, pins, reactions, bookmarks', () => {
  it('pages history newest first and keeps thread replies out of it', async () => {
    const id = await newChannel('inc-12');
    const tss: string[] = [];
    for (const text of ['one', 'two', 'three']) tss.push((await slack.chat.postMessage({ channel: id, text })).ts ?? '');
    await slack.chat.postMessage({ channel: id, text: 'reply', thread_ts: tss[0] });
    const page1 = await slack.conversations.history({ channel: id, limit: 2 });
    expect(page1.messages?.map((m) => m.text)).toEqual(['three', 'two']);
    expect(page1.has_more).toBe(true);
    const page2 = await slack.conversations.history({ channel: id, limit: 2, cursor: page1.response_metadata?.next_cursor });
    expect(page2.messages?.map((m) => m.text)).toEqual(['one']);
    expect(page2.messages?.[0]).toMatchObject({ reply_count: 1, thread_ts: tss[0] });
    const replies = await slack.conversations.replies({ channel: id, ts: tss[0] ?? '' });
    expect(replies.messages?.map((m) => m.text)).toEqual(['one', 'reply']);
  });

  it('pins once and answers already_pinned the second time', async () => {
    const id = await newChannel('inc-13');
    const posted = await slack.chat.postMessage({ channel: id, text: 'summary' });
    await slack.pins.add({ channel: id, timestamp: posted.ts ?? '' });
    await expect(slack.pins.add({ channel: id, timestamp: posted.ts ?? '' })).rejects.toMatchObject(platformError('already_pinned'));
    expect(emu.pins).toMatchObject([{ channel: id, ts: posted.ts }]);
    await expect(slack.pins.add({ channel: id, timestamp: '1.000001' })).rejects.toMatchObject(platformError('message_not_found'));
  });

  it('reacts once and answers already_reacted, then no_reaction after removal', async () => {
    emu.grantScopes([...MANIFEST_SCOPES, 'reactions:write']);
    const id = await newChannel('inc-14');
    const ts = (await slack.chat.postMessage({ channel: id, text: 'ack?' })).ts ?? '';
    await slack.reactions.add({ channel: id, timestamp: ts, name: 'eyes' });
    await expect(slack.reactions.add({ channel: id, timestamp: ts, name: 'eyes' })).rejects.toMatchObject(platformError('already_reacted'));
    await slack.reactions.remove({ channel: id, timestamp: ts, name: 'eyes' });
    await expect(slack.reactions.remove({ channel: id, timestamp: ts, name: 'eyes' })).rejects.toMatchObject(platformError('no_reaction'));
  });

  it('adds a link bookmark in Slack’s shape', async () => {
    emu.grantScopes([...MANIFEST_SCOPES, 'bookmarks:write']);
    const id = await newChannel('inc-15');
    const res = await slack.bookmarks.add({ channel_id: id, title: 'Runbook', type: 'link', link: 'https://runbooks.example/db' });
    expect(res.bookmark).toMatchObject({ channel_id: id, title: 'Runbook', link: 'https://runbooks.example/db', type: 'link' });
    expect(emu.bookmarks).toHaveLength(1);
  });

  it('sets a topic and refuses one over 250 characters with too_long', async () => {
    const id = await newChannel('inc-16');
    const res = await slack.conversations.setTopic({ channel: id, topic: 'SEV1 | IC: alice' });
    expect(res.channel).toMatchObject({ topic: { value: 'SEV1 | IC: alice', creator: 'UBOT' } });
    await expect(slack.conversations.setTopic({ channel: id, topic: 'x'.repeat(251) })).rejects.toMatchObject(platformError('too_long'));
  });

  it('lists channels with cursor pagination and hides private channels the bot is not in', async () => {
    for (const n of ['a1', 'a2', 'a3']) await newChannel(n);
    emu.addChannel({ name: 'hidden', is_private: true });
    const names: string[] = [];
    for await (const page of slack.paginate('conversations.list', { types: 'public_channel,private_channel', limit: 2 })) {
      for (const c of (page as { channels?: Array<{ name?: string }> }).channels ?? []) names.push(c.name ?? '');
    }
    expect(names).toEqual(['a1', 'a2', 'a3']);
  });
});

describe('a real workspace: membership, the Messages tab and admin settings', () => {
  it('refuses history and replies in a public channel the bot has not joined with not_in_channel, and serves them once it joins', async () => {
    const general = emu.addChannel({ name: 'general' });
    const { ts } = await slack.chat.postMessage({ channel: general.id, text: 'announced' });
    await expect(slack.conversations.history({ channel: general.id })).rejects.toMatchObject(platformError('not_in_channel'));
    await expect(slack.conversations.replies({ channel: general.id, ts: ts ?? '' })).rejects.toMatchObject(platformError('not_in_channel'));
    await slack.conversations.join({ channel: general.id });
    expect((await slack.conversations.history({ channel: general.id })).messages?.map((m) => m.text)).toEqual(['announced']);
    expect((await slack.conversations.replies({ channel: general.id, ts: ts ?? '' })).messages?.map((m) => m.text)).toEqual(['announced']);
  });

  it('refuses posting into a public channel the bot has not joined with not_in_channel when it lacks chat:write.public', async () => {
    await emu.close();
    await boot({ scopes: ['chat:write', 'channels:join'] });
    const general = emu.addChannel({ name: 'general' });
    await expect(slack.chat.postMessage({ channel: general.id, text: 'hi' })).rejects.toMatchObject(platformError('not_in_channel'));
    await slack.conversations.join({ channel: general.id });
    await expect(slack.chat.postMessage({ channel: general.id, text: 'hi' })).resolves.toMatchObject({ ok: true });
  });

  it('joins a public channel, answers already_in_channel as a warning, and refuses a private one with method_not_supported_for_channel_type', async () => {
    const general = emu.addChannel({ name: 'general' });
    expect((await slack.conversations.join({ channel: general.id })).channel).toMatchObject({ id: general.id, is_member: true });
    expect(await slack.conversations.join({ channel: general.id })).toMatchObject({ ok: true, warning: 'already_in_channel' });
    const secret = emu.addChannel({ name: 'secret', is_private: true, members: new Set(['U0ALICE']) });
    await expect(slack.conversations.join({ channel: secret.id })).rejects.toMatchObject(
      platformError('method_not_supported_for_channel_type'),
    );
  });

  it('refuses every DM with messages_tab_disabled while the app’s Messages tab is off, and still posts in channels', async () => {
    await emu.close();
    await boot({ messagesTabEnabled: false });
    await expect(slack.chat.postMessage({ channel: 'U0ALICE', text: 'you are paged' })).rejects.toMatchObject(
      platformError('messages_tab_disabled'),
    );
    const im = await slack.conversations.open({ users: 'U0ALICE' });
    await expect(slack.chat.postMessage({ channel: im.channel?.id ?? '', text: 'you are paged' })).rejects.toMatchObject(
      platformError('messages_tab_disabled'),
    );
    const id = await newChannel('inc-tab');
    await expect(slack.chat.postMessage({ channel: id, text: 'hi' })).resolves.toMatchObject({ ok: true });
    emu.messagesTabEnabled = true;
    await expect(slack.chat.postMessage({ channel: 'U0ALICE', text: 'you are paged' })).resolves.toMatchObject({ ok: true });
  });

  it('refuses conversations.create with restricted_action in a workspace that lets no app create channels', async () => {
    await emu.close();
    await boot({ appsMayCreateChannels: false });
    await expect(slack.conversations.create({ name: 'inc-locked' })).rejects.toMatchObject(platformError('restricted_action'));
    expect(emu.channels.size).toBe(0);
  });

  it('refuses a pin beyond the channel’s limit with too_many_pins', async () => {
    await emu.close();
    await boot({ maxPinsPerChannel: 1 });
    const id = await newChannel('inc-pins');
    const first = await slack.chat.postMessage({ channel: id, text: 'one' });
    const second = await slack.chat.postMessage({ channel: id, text: 'two' });
    await slack.pins.add({ channel: id, timestamp: first.ts ?? '' });
    await expect(slack.pins.add({ channel: id, timestamp: second.ts ?? '' })).rejects.toMatchObject(platformError('too_many_pins'));
  });

  it('ends history paging with has_more false and an empty next_cursor', async () => {
    const id = await newChannel('inc-paging');
    for (const text of ['one', 'two', 'three']) await slack.chat.postMessage({ channel: id, text });
    const first = await slack.conversations.history({ channel: id, limit: 2 });
    expect(first).toMatchObject({ has_more: true, response_metadata: { next_cursor: expect.stringMatching(/.+/) as unknown } });
    const last = await slack.conversations.history({ channel: id, limit: 2, cursor: first.response_metadata?.next_cursor });
    expect(last).toMatchObject({ has_more: false, response_metadata: { next_cursor: '' } });
    await expect(slack.conversations.history({ channel: id, cursor: 'bm9wZQ==' })).rejects.toMatchObject(platformError('invalid_cursor'));
  });
});

describe('views', () => {
  const modal: ModalView = { type: 'modal', title: { type: 'plain_text', text: 'Declare incident' }, blocks: [] };

  it('opens a modal with a fresh trigger and records it', async () => {
    const res = await slack.views.open({ trigger_id: emu.triggerId(), view: modal });
    expect(res.view).toMatchObject({ type: 'modal', title: modal.title, state: { values: {} }, bot_id: 'BBOT', previous_view_id: null });
    expect(res.view?.id).toMatch(/^V/);
    expect(res.view?.root_view_id).toBe(res.view?.id);
    expect(emu.views).toMatchObject([{ id: res.view?.id, view: modal }]);
  });

  it('refuses a missing trigger_id with invalid_arguments', async () => {
    await expect(slack.apiCall('views.open', { view: modal })).rejects.toMatchObject(platformError('invalid_arguments'));
  });

  it('refuses an unknown trigger_id with invalid_trigger_id', async () => {
    await expect(slack.views.open({ trigger_id: '123.456.deadbeef', view: modal })).rejects.toMatchObject(
      platformError('invalid_trigger_id'),
    );
  });

  it('refuses a trigger_id older than its lifetime with expired_trigger_id', async () => {
    await emu.close();
    await boot({ triggerTtlMs: 50 });
    const trigger = emu.triggerId();
    await sleep(80);
    await expect(slack.views.open({ trigger_id: trigger, view: modal })).rejects.toMatchObject(platformError('expired_trigger_id'));
  });

  it('refuses a trigger_id used once already with exchanged_trigger_id', async () => {
    const trigger = emu.triggerId();
    await slack.views.open({ trigger_id: trigger, view: modal });
    await expect(slack.views.open({ trigger_id: trigger, view: modal })).rejects.toMatchObject(platformError('exchanged_trigger_id'));
  });

  it('refuses a title over 24 characters with invalid_arguments and an [ERROR] message', async () => {
    const view: ModalView = { ...modal, title: { type: 'plain_text', text: 'A title that is far too long' } };
    const err: unknown = await slack.views.open({ trigger_id: emu.triggerId(), view }).catch((e: unknown) => e);
    expect(err).toMatchObject(platformError('invalid_arguments'));
    const messages = (err as { data: { response_metadata: { messages: string[] } } }).data.response_metadata.messages;
    expect(messages).toEqual(['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]']);
  });

  it('refuses a modal with an empty select or a mrkdwn input label with invalid_arguments', async () => {
    const view = {
      ...modal,
      submit: { type: 'plain_text', text: 'Go' },
      blocks: [
        {
          type: 'input',
          block_id: 's',
          label: { type: 'plain_text', text: 'Status' },
          element: { type: 'static_select', action_id: 'v', options: [] },
        },
        {
          type: 'input',
          block_id: 'm',
          label: { type: 'mrkdwn', text: '*Message*' },
          element: { type: 'plain_text_input', action_id: 'v' },
        },
      ],
    } as ModalView;
    const err: unknown = await slack.views.open({ trigger_id: emu.triggerId(), view }).catch((e: unknown) => e);
    expect(err).toMatchObject(platformError('invalid_arguments'));
    expect((err as { data: { response_metadata: { messages: string[] } } }).data.response_metadata.messages).toEqual([
      '[ERROR] must provide an array of at least 1 items [json-pointer:/view/blocks/0/element/options]',
      '[ERROR] must be a plain_text object [json-pointer:/view/blocks/1/label/type]',
    ]);
  });

  it('updates with the current hash and answers hash_conflict for a stale one', async () => {
    const opened = await slack.views.open({ trigger_id: emu.triggerId(), view: modal });
    const id = opened.view?.id ?? '';
    const updated = await slack.views.update({ view_id: id, hash: opened.view?.hash, view: { ...modal, callback_id: 'v2' } });
    expect(updated.view?.hash).not.toBe(opened.view?.hash);
    await expect(slack.views.update({ view_id: id, hash: opened.view?.hash, view: modal })).rejects.toMatchObject(
      platformError('hash_conflict'),
    );
    await expect(slack.views.update({ view_id: 'V0NOPE', view: modal })).rejects.toMatchObject(platformError('not_found'));
  });

  it('pushes at most two views onto a modal, then push_limit_reached', async () => {
    const root = (await slack.views.open({ trigger_id: emu.triggerId(), view: modal })).view?.id ?? '';
    await slack.views.push({ trigger_id: emu.triggerId({ viewId: root }), view: modal });
    await slack.views.push({ trigger_id: emu.triggerId({ viewId: root }), view: modal });
    await expect(slack.views.push({ trigger_id: emu.triggerId({ viewId: root }), view: modal })).rejects.toMatchObject(
      platformError('push_limit_reached'),
    );
  });
});

describe('faults', () => {
  it('surfaces a 429 fault as a rate-limited error with retryAfter 1', async () => {
    emu.fault('chat.postMessage', { kind: 'ratelimit' });
    const id = await newChannel('inc-20');
    await expect(slack.chat.postMessage({ channel: id, text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 1,
    });
    expect(emu.callsOf('chat.postMessage')[0]).toMatchObject({ status: 429, fault: 'ratelimit', ok: false });
    await expect(slack.chat.postMessage({ channel: id, text: 'x' })).resolves.toMatchObject({ ok: true }); // one fault per call
  });

  it('surfaces a 500 fault as an HTTP error', async () => {
    emu.fault('auth.test', { kind: 'http', status: 500 });
    await expect(slack.auth.test()).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });
  });

  it('surfaces a reset fault as a request error', async () => {
    emu.fault('auth.test', { kind: 'reset' });
    await expect(slack.auth.test()).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    expect(emu.callsOf('auth.test')[0]).toMatchObject({ fault: 'reset', status: 0 });
  });

  it('rejects a call hanging past the client timeout, and still performs it afterwards', async () => {
    emu.fault('conversations.create', { kind: 'hang', ms: 400 });
    await expect(clientFor(emu.botToken, { timeout: 200 }).conversations.create({ name: 'inc-late' })).rejects.toMatchObject({
      code: 'slack_webapi_request_error',
    });
    await emu.waitFor(() => emu.channelByName('inc-late'), 2000);
    expect(emu.callsOf('conversations.create')[0]).toMatchObject({ fault: 'hang', status: 200, ok: true });
  });

  it('answers a queued platform error fault with that error', async () => {
    emu.fault('auth.test', { kind: 'error', error: 'fatal_error' });
    await expect(slack.auth.test()).rejects.toMatchObject(platformError('fatal_error'));
  });

  it('answers a platform error fault with the detail Slack gives with it', async () => {
    emu.fault('canvases.create', { kind: 'error', error: 'canvas_creation_failed', detail: 'unsupported markdown: quote in list item' });
    await expect(slack.canvases.create({ title: 'Postmortem' })).rejects.toMatchObject({
      data: expect.objectContaining({ error: 'canvas_creation_failed', detail: 'unsupported markdown: quote in list item' }) as unknown,
    });
    await expect(slack.canvases.create({ title: 'Postmortem' })).resolves.toMatchObject({ ok: true });
  });

  it('performs a call whose answer is lost, while the client sees a request error', async () => {
    emu.fault('conversations.create', { kind: 'lost' });
    await expect(slack.conversations.create({ name: 'inc-lost' })).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    expect(emu.channelByName('inc-lost')).toBeDefined();
    expect(emu.callsOf('conversations.create')[0]).toMatchObject({ fault: 'lost', ok: true });
  });

  it('keeps a fault with arguments for the call that has them', async () => {
    const one = await newChannel('inc-where-1');
    const two = await newChannel('inc-where-2');
    emu.fault('chat.postMessage', { kind: 'error', error: 'fatal_error', where: { channel: two } });
    await expect(slack.chat.postMessage({ channel: one, text: 'fine' })).resolves.toMatchObject({ ok: true });
    await expect(slack.chat.postMessage({ channel: two, text: 'refused' })).rejects.toMatchObject(platformError('fatal_error'));
    await expect(slack.chat.postMessage({ channel: two, text: 'fine again' })).resolves.toMatchObject({ ok: true });
  });

  it('answers 503 to every call while down', async () => {
    emu.down = true;
    await expect(slack.auth.test()).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 503 });
    emu.down = false;
    await expect(slack.auth.test()).resolves.toMatchObject({ ok: true });
  });

  it('explains a waitFor timeout with the recent calls', async () => {
    await slack.auth.test();
    await expect(emu.waitFor(() => false, 60)).rejects.toThrow(/timed out after 60 ms.*auth\.test:ok/);
  });
});

describe('response_url', () => {
  it('records posts and refuses the sixth with 404 used_url', async () => {
    const url = emu.responseUrl();
    const post = (i: number) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `reply ${i}` }) });
    for (let i = 1; i <= 5; i++) {
      const res = await post(i);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('ok');
    }
    const sixth = await post(6);
    expect(sixth.status).toBe(404);
    expect(await sixth.text()).toBe('used_url');
    expect(emu.responses.map((r) => r.body.text)).toEqual(['reply 1', 'reply 2', 'reply 3', 'reply 4', 'reply 5']);
  });

  it("takes posts for Slack's 30 minutes, then refuses them with 404 expired_url", async () => {
    expect(emu.responseUrlTtlMs).toBe(30 * 60_000);
    await emu.close();
    await boot({ responseUrlTtlMs: 50 });
    const url = emu.responseUrl();
    const post = () =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi' }) });
    expect((await post()).status).toBe(200);
    await sleep(80);
    const late = await post();
    expect(late.status).toBe(404);
    expect(await late.text()).toBe('expired_url');
    expect(emu.responses).toHaveLength(1);
  });

  it('refuses urls it did not issue', async () => {
    const res = await fetch(emu.url.replace('/api/', '/respond/made-up'), { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(emu.responses).toHaveLength(0);
  });

  it('replaces the original message when the url came from it', async () => {
    const id = await newChannel('inc-30');
    const ts = (await slack.chat.postMessage({ channel: id, text: 'Acknowledge?' })).ts ?? '';
    await fetch(emu.responseUrl({ channel: id, ts, user: 'U0ALICE' }), {
      method: 'POST',
      body: JSON.stringify({ replace_original: true, text: 'Acknowledged by alice' }),
    });
    expect(emu.messagesIn(id)[0]).toMatchObject({ text: 'Acknowledged by alice', edited: 1 });
  });
});

describe('files', () => {
  it('uploads through getUploadURLExternal, the upload url and completeUploadExternal', async () => {
    const id = await newChannel('inc-40');
    await slack.filesUploadV2({
      channel_id: id,
      filename: 'timeline.md',
      title: 'Timeline',
      content: '# Timeline\n- 10:00 paged',
      initial_comment: 'Postmortem draft',
    });
    expect(emu.files).toHaveLength(1);
    expect(emu.files[0]).toMatchObject({ title: 'Timeline', filename: 'timeline.md', channel: id });
    expect(emu.files[0]?.content.toString('utf8')).toBe('# Timeline\n- 10:00 paged');
    expect(emu.messagesIn(id)).toMatchObject([{ text: 'Postmortem draft', files: [{ id: emu.files[0]?.id, title: 'Timeline' }] }]);
  });

  it('answers files.info for a completed upload, and file_not_found for one only ticketed', async () => {
    const id = await newChannel('inc-41');
    const { file_id } = await slack.files.getUploadURLExternal({ filename: 'pm.md', length: 3 });
    await expect(slack.files.info({ file: file_id ?? '' })).rejects.toMatchObject(platformError('file_not_found'));
    await slack.filesUploadV2({ channel_id: id, filename: 'pm.md', title: 'Postmortem', content: '# x' });
    const made = emu.files[0]?.id ?? '';
    await expect(slack.files.info({ file: made })).resolves.toMatchObject({
      file: { id: made, name: 'pm.md', title: 'Postmortem', channels: [id], permalink: expect.stringContaining(made) as unknown },
    });
    await expect(slack.files.info({ file: 'F0NOPE' })).rejects.toMatchObject(platformError('file_not_found'));
  });

  it('refuses completing a file never uploaded with file_not_found', async () => {
    const { file_id } = await slack.files.getUploadURLExternal({ filename: 'x.txt', length: 3 });
    await expect(slack.files.completeUploadExternal({ files: [{ id: file_id ?? '' }] })).rejects.toMatchObject(
      platformError('file_not_found'),
    );
  });
});

describe('users', () => {
  it('answers users.info with profile and time zone fields', async () => {
    await emu.close();
    await boot({
      users: [{ id: 'U0ALICE', name: 'alice', real_name: 'Alice A', tz: 'Europe/Paris', email: 'alice@example.com' }],
      scopes: [...MANIFEST_SCOPES, 'users:read.email'],
    });
    const res = await slack.users.info({ user: 'U0ALICE' });
    expect(res.user).toMatchObject({
      id: 'U0ALICE',
      name: 'alice',
      real_name: 'Alice A',
      tz: 'Europe/Paris',
      profile: { email: 'alice@example.com', display_name: 'alice' },
    });
    expect([3600, 7200]).toContain(res.user?.tz_offset);
    await expect(slack.users.lookupByEmail({ email: 'alice@example.com' })).resolves.toMatchObject({ user: { id: 'U0ALICE' } });
    await expect(slack.users.lookupByEmail({ email: 'nobody@example.com' })).rejects.toMatchObject(platformError('users_not_found'));
  });
});

describe("Slack's rate limits (rateLimits: true)", () => {
  const rateLimited = (retryAfter: number) => ({ code: 'slack_webapi_rate_limited_error', retryAfter });

  it('refuses a Tier 2 method past its burst with HTTP 429, Retry-After and ratelimited, and lets other methods through', async () => {
    await emu.close();
    await boot({ rateLimits: true });
    const created: string[] = [];
    for (let i = 0; i < 3; i++) created.push(await newChannel(`tier-two-${i}`));
    // 20 a minute: the next token comes in 3 s.
    await expect(slack.conversations.create({ name: 'tier-two-over' })).rejects.toMatchObject(rateLimited(3));
    const refused = emu.callsOf('conversations.create').at(-1)!;
    expect(refused).toMatchObject({ status: 429, error: 'ratelimited', response: { ok: false, error: 'ratelimited' } });
    expect(emu.channelByName('tier-two-over')).toBeUndefined();
    // Each method has its own bucket: a Tier 3 method is not held up.
    await expect(slack.conversations.info({ channel: created[0]! })).resolves.toMatchObject({ ok: true });
  });

  it('limits chat.postMessage per channel to about one a second, with a short burst', { timeout: 10_000 }, async () => {
    await emu.close();
    await boot({ rateLimits: true });
    const a = await newChannel('posts-a');
    const b = await newChannel('posts-b');
    for (let i = 0; i < 3; i++) await slack.chat.postMessage({ channel: a, text: `burst ${i}` });
    await expect(slack.chat.postMessage({ channel: a, text: 'over' })).rejects.toMatchObject(rateLimited(1));
    await expect(slack.chat.postMessage({ channel: b, text: 'other channel' })).resolves.toMatchObject({ ok: true });
    await sleep(1_050);
    await expect(slack.chat.postMessage({ channel: a, text: 'a second later' })).resolves.toMatchObject({ ok: true });
    expect(emu.messagesIn(a).map((m) => m.text)).toEqual(['burst 0', 'burst 1', 'burst 2', 'a second later']);
  });

  it('limits nothing by default', async () => {
    const id = await newChannel('unlimited');
    for (let i = 0; i < 25; i++) await slack.chat.postMessage({ channel: id, text: `m${i}` });
    for (let i = 0; i < 5; i++) await newChannel(`unlimited-${i}`);
    expect(emu.calls.every((c) => c.status === 200)).toBe(true);
  });
});

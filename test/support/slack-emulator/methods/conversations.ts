// conversations.*: channels and DMs, their members, topic and history.
import { type Args, fail, type Handler, type Json, nowSec, paginate, tsValue } from '../args.js';
import type { EmuChannel } from '../types.js';
import type { Workspace } from '../workspace.js';

const CHANNEL_NAME = /^[a-z0-9_-]+$/;

export function conversationsMethods(ws: Workspace): Record<string, Handler> {
  return {
    'conversations.create': (a) => {
      if (!ws.appsMayCreateChannels) fail('restricted_action');
      const name = validateName(ws, a.str('name'));
      const c = ws.addChannel({ name, is_private: a.bool('is_private'), creator: ws.botUserId, members: new Set([ws.botUserId]) });
      return { channel: channelJson(ws, c) };
    },

    'conversations.invite': (a) => {
      const c = ws.channelArg(a);
      const ids = a.list('users');
      if (ids.length === 0) fail('no_user');
      if (ids.length > 1000) fail('too_many_users');
      ws.requireNotIm(c);
      ws.requireActive(c);
      ws.requireMember(c);
      if (ids.includes(ws.botUserId)) fail('cant_invite_self');
      const unknown = ids.find((u) => !ws.userExists(u));
      if (unknown) fail('user_not_found', { errors: [{ user: unknown, ok: false, error: 'user_not_found' }] });
      if (ids.every((u) => c.members.has(u))) fail('already_in_channel');
      for (const u of ids) c.members.add(u);
      return { channel: channelJson(ws, c) };
    },

    'conversations.join': (a) => {
      // Only public channels can be joined; a private one needs an invitation from a member.
      const wanted = ws.channels.get(a.str('channel') ?? '');
      if (wanted?.is_private) fail('method_not_supported_for_channel_type');
      const c = ws.channelArg(a);
      ws.requireNotIm(c);
      ws.requireActive(c);
      if (ws.isMember(c))
        return { channel: channelJson(ws, c), warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } };
      c.members.add(ws.botUserId);
      return { channel: channelJson(ws, c) };
    },

    'conversations.leave': (a) => {
      const c = ws.channelArg(a);
      ws.requireNotIm(c);
      ws.requireActive(c);
      if (!ws.isMember(c)) return { ok: false, not_in_channel: true }; // documented: not an error code
      if (c.is_private && c.members.size === 1) fail('last_member');
      c.members.delete(ws.botUserId);
      return {};
    },

    'conversations.setTopic': (a) => setTopicOrPurpose(ws, a, 'topic'),

    'conversations.setPurpose': (a) => setTopicOrPurpose(ws, a, 'purpose'),

    'conversations.archive': (a) => {
      const c = ws.channelArg(a);
      ws.requireNotIm(c);
      if (c.is_archived) fail('already_archived');
      ws.requireMember(c);
      c.is_archived = true;
      return {};
    },

    'conversations.unarchive': (a) => {
      const c = ws.channelArg(a);
      ws.requireNotIm(c);
      if (!c.is_archived) fail('not_archived');
      c.is_archived = false;
      return {};
    },

    'conversations.rename': (a) => {
      const c = ws.channelArg(a);
      ws.requireNotIm(c);
      ws.requireActive(c);
      ws.requireMember(c);
      const name = validateName(ws, a.str('name'), c.id);
      if (name !== c.name) c.previous_names = [c.name, ...(c.previous_names ?? [])];
      c.name = name;
      return { channel: channelJson(ws, c) };
    },

    'conversations.info': (a) => ({ channel: channelJson(ws, ws.channelArg(a), a.bool('include_num_members')) }),

    'conversations.members': (a) => {
      const p = paginate([...ws.channelArg(a).members], a, 100, 1000);
      return { members: p.items, response_metadata: { next_cursor: p.next_cursor } };
    },

    'conversations.list': (a) => {
      const types = new Set(a.list('types').length ? a.list('types') : ['public_channel']);
      const excludeArchived = a.bool('exclude_archived');
      const all = [...ws.channels.values()].filter((c) => {
        if (excludeArchived && c.is_archived) return false;
        if (c.is_im) return types.has('im');
        if (c.is_mpim) return types.has('mpim') && ws.isMember(c);
        return c.is_private ? types.has('private_channel') && ws.isMember(c) : types.has('public_channel');
      });
      const p = paginate(all, a, 100, 1000);
      return { channels: p.items.map((c) => channelJson(ws, c)), response_metadata: { next_cursor: p.next_cursor } };
    },

    'conversations.history': (a) => {
      const c = ws.channels.get(a.str('channel') ?? '');
      if (!c) fail('channel_not_found');
      // A bot token reads only conversations it is in, public ones included.
      ws.requireMember(c);
      const within = tsWindow(a);
      const top = ws
        .messagesIn(c.id)
        .filter((m) => (!m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast) && within(m.ts))
        .reverse(); // newest first
      const p = paginate(top, a, 100, 999);
      return {
        messages: p.items.map((m) => ws.messageJson(m, a.bool('include_all_metadata'))),
        has_more: p.next_cursor !== '',
        pin_count: ws.pins.filter((x) => x.channel === c.id).length,
        response_metadata: { next_cursor: p.next_cursor },
      };
    },

    'conversations.replies': (a) => {
      const c = ws.channelArg(a);
      ws.requireMember(c);
      const m = ws.findMessage(c.id, a.str('ts') ?? '');
      if (!m) fail('thread_not_found');
      const root = m.thread_ts ?? m.ts;
      const within = tsWindow(a);
      const thread = ws.messagesIn(c.id).filter((r) => (r.ts === root || r.thread_ts === root) && within(r.ts));
      const p = paginate(thread, a, 1000, 1000);
      return {
        messages: p.items.map((r) => ws.messageJson(r, a.bool('include_all_metadata'))),
        has_more: p.next_cursor !== '',
        response_metadata: { next_cursor: p.next_cursor },
      };
    },

    'conversations.open': (a) => {
      const resume = a.str('channel');
      if (resume) {
        const c = ws.channels.get(resume);
        if (!c || !ws.canSee(c)) fail('channel_not_found');
        return { no_op: true, already_open: true, channel: a.bool('return_im') ? channelJson(ws, c) : { id: c.id } };
      }
      const users = a.list('users').filter((u) => u !== ws.botUserId);
      if (users.length === 0) fail('users_list_not_supplied');
      if (users.length > 8) fail('too_many_users');
      const unknown = users.find((u) => !ws.userExists(u));
      if (unknown) fail('user_not_found');
      const [only] = users;
      if (users.length === 1 && only) {
        const existed = [...ws.channels.values()].some((c) => c.is_im && c.user === only);
        const im = ws.openIm(only);
        return {
          ...(existed ? { no_op: true, already_open: true } : {}),
          channel: a.bool('return_im') ? channelJson(ws, im) : { id: im.id },
        };
      }
      const members = new Set([ws.botUserId, ...users]);
      const name = `mpdm-${[...members].map((u) => ws.users.get(u)?.name ?? u.toLowerCase()).join('--')}-1`;
      const mpim = ws.channelByName(name) ?? ws.addChannel({ name, is_private: true, is_mpim: true, members, creator: ws.botUserId });
      return { channel: { id: mpim.id } };
    },
  };
}

function channelJson(ws: Workspace, c: EmuChannel, withCount = true): Json {
  if (c.is_im) {
    return {
      id: c.id,
      created: c.created,
      is_im: true,
      is_org_shared: false,
      user: c.user,
      is_user_deleted: !!ws.users.get(c.user ?? '')?.deleted,
      priority: 0,
    };
  }
  return {
    id: c.id,
    name: c.name,
    is_channel: true,
    is_group: false,
    is_im: false,
    is_mpim: !!c.is_mpim,
    is_private: c.is_private,
    created: c.created,
    is_archived: c.is_archived,
    is_general: false,
    unlinked: 0,
    name_normalized: c.name,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: ws.teamId,
    parent_conversation: null,
    creator: c.creator,
    is_member: ws.isMember(c),
    topic: { value: c.topic, creator: c.topic_creator ?? '', last_set: c.topic_last_set ?? 0 },
    purpose: { value: c.purpose, creator: c.purpose_creator ?? '', last_set: c.purpose_last_set ?? 0 },
    previous_names: c.previous_names ?? [],
    ...(withCount ? { num_members: c.members.size } : {}),
  };
}

function validateName(ws: Workspace, name: string | undefined, exceptId?: string): string {
  if (!name) fail('invalid_name_required');
  if (name.length > 80) fail('invalid_name_maxlength');
  if (!CHANNEL_NAME.test(name)) fail('invalid_name_specials');
  if (/^[-_]+$/.test(name)) fail('invalid_name_punctuation');
  const existing = ws.channelByName(name);
  if (existing && existing.id !== exceptId) fail('name_taken');
  return name;
}

function setTopicOrPurpose(ws: Workspace, a: Args, field: 'topic' | 'purpose'): Json {
  const c = ws.channelArg(a);
  ws.requireNotIm(c);
  ws.requireActive(c);
  ws.requireMember(c);
  const value = a.str(field) ?? '';
  if (value.length > 250) fail('too_long');
  if (field === 'topic') Object.assign(c, { topic: value, topic_creator: ws.botUserId, topic_last_set: nowSec() });
  else Object.assign(c, { purpose: value, purpose_creator: ws.botUserId, purpose_last_set: nowSec() });
  return { channel: channelJson(ws, c) };
}

/** latest/oldest/inclusive as conversations.history and .replies read them. */
function tsWindow(a: Args): (ts: string) => boolean {
  const latest = a.str('latest');
  const oldest = a.str('oldest');
  const hi = latest ? tsValue(latest) : Number.POSITIVE_INFINITY;
  const lo = oldest ? tsValue(oldest) : 0;
  if (Number.isNaN(hi)) fail('invalid_ts_latest');
  if (Number.isNaN(lo)) fail('invalid_ts_oldest');
  const inclusive = a.bool('inclusive');
  return (ts) => {
    const v = tsValue(ts);
    return inclusive ? v >= lo && v <= hi : v > lo && v < hi;
  };
}

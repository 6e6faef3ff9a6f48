// chat.*: posting, editing and deleting messages, ephemerals and permalinks.
import { type Args, fail, type Handler, isObj, type Json } from '../args.js';
import { messageBlocks } from '../block-kit.js';
import type { Workspace } from '../workspace.js';

export function chatMethods(ws: Workspace): Record<string, Handler> {
  return {
    'chat.postMessage': (a) => {
      const c = ws.resolveTarget(a.str('channel'));
      // Posting in a public channel the bot has not joined is what chat:write.public grants.
      if (!c.is_im && !c.is_private && !ws.isMember(c) && !ws.scopes.has('chat:write.public')) fail('not_in_channel');
      ws.requireActive(c);
      if (c.is_im && !ws.messagesTabEnabled) fail('messages_tab_disabled');
      // A bot posts in a public channel it has not joined only with chat:write.public.
      if (!ws.isMember(c) && ws.scopes && !ws.scopes.has('chat:write.public')) fail('not_in_channel');
      const blocks = messageBlocks(a);
      const text = textArg(a, undefined) ?? '';
      if (!text && !blocks?.length && a.get('attachments') === undefined) fail('no_text');
      const metadata = metadataArg(a);
      const thread = a.str('thread_ts') || undefined;
      const m = ws.post({
        channel: c.id,
        ts: ws.nextTs(),
        text,
        blocks: blocks ?? [],
        user: ws.botUserId,
        bot_id: ws.botId,
        thread_ts: thread,
        metadata,
        edited: 0,
        reply_broadcast: thread ? a.bool('reply_broadcast') : undefined,
      });
      return { channel: c.id, ts: m.ts, message: ws.messageJson(m, true) };
    },

    'chat.update': (a) => {
      const c = ws.channelArg(a);
      if (c.is_archived) fail('is_inactive'); // chat.update's documented code for archived channels
      const m = ws.messageArg(c, a.str('ts'));
      if (m.user !== ws.botUserId) fail('cant_update_message');
      const blocks = messageBlocks(a);
      const text = textArg(a, TEXT_MAX);
      const metadata = metadataArg(a);
      if (!text && !blocks?.length && a.get('attachments') === undefined && metadata === undefined) fail('no_text');
      // Omitted blocks/metadata are kept, as Slack documents; an empty value removes them.
      if (text !== undefined) m.text = text;
      if (blocks !== undefined) m.blocks = blocks;
      if (metadata !== undefined) m.metadata = Object.keys(metadata).length ? metadata : undefined;
      m.edited += 1;
      m.edited_ts = ws.nextTs();
      return { channel: c.id, ts: m.ts, text: m.text, message: ws.messageJson(m, true) };
    },

    'chat.delete': (a) => {
      const c = ws.channelArg(a);
      const m = ws.messageArg(c, a.str('ts'));
      if (m.user !== ws.botUserId) fail('cant_delete_message');
      m.deleted = true;
      ws.pins = ws.pins.filter((p) => !(p.channel === c.id && p.ts === m.ts));
      return { channel: c.id, ts: m.ts };
    },

    'chat.postEphemeral': (a) => {
      const target = a.str('channel');
      const c = target ? (ws.channels.get(target) ?? ws.channelByName(target)) : undefined;
      if (!c) fail('channel_not_found');
      if (c.is_private && !c.is_im && !ws.isMember(c)) fail('not_in_channel');
      ws.requireActive(c);
      const user = a.str('user');
      if (!user) fail('user_not_found');
      if (!c.members.has(user)) fail('user_not_in_channel');
      const blocks = messageBlocks(a);
      const text = textArg(a, TEXT_MAX) ?? '';
      if (!text && !blocks?.length && a.get('attachments') === undefined) fail('no_text');
      const ts = ws.nextTs();
      ws.ephemerals.push({ channel: c.id, user, text, blocks: blocks ?? [], ts });
      return { message_ts: ts };
    },

    'chat.getPermalink': (a) => {
      const c = ws.channelArg(a);
      const m = ws.messageArg(c, a.str('message_ts'));
      const base = `https://${ws.teamDomain}.slack.com/archives/${c.id}/p${m.ts.replace('.', '')}`;
      const reply = m.thread_ts && m.thread_ts !== m.ts ? `?thread_ts=${m.thread_ts}&cid=${c.id}` : '';
      return { channel: c.id, permalink: base + reply };
    },
  };
}

function metadataArg(a: Args): Json | undefined {
  const raw = a.get('metadata');
  if (raw === undefined || raw === '') return undefined;
  if (!isObj(raw)) fail('invalid_metadata_format');
  if (Object.keys(raw).length === 0) return raw; // chat.update: an empty object removes metadata
  if (typeof raw.event_type !== 'string' || !EVENT_TYPE.test(raw.event_type) || !isObj(raw.event_payload)) fail('invalid_metadata_schema');
  return raw;
}

// Slack's metadata event types: snake_case, a lowercase letter first, then letters, digits and underscores.
const EVENT_TYPE = /^[a-z][a-z0-9_]*$/;
// chat.update and chat.postEphemeral refuse longer text with msg_too_long; chat.postMessage keeps the first 40,000.
const TEXT_MAX = 4000;
const POSTED_TEXT_MAX = 40_000;

function textArg(a: Args, max: number | undefined): string | undefined {
  const text = a.str('text');
  if (text === undefined) return undefined;
  if (max !== undefined && text.length > max) fail('msg_too_long');
  return text.slice(0, POSTED_TEXT_MAX);
}

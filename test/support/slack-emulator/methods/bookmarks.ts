// bookmarks.*: link bookmarks only.
import { fail, type Handler, invalidArguments, type Json, nowSec } from '../args.js';
import type { EmuBookmark } from '../types.js';
import type { Workspace } from '../workspace.js';

export function bookmarksMethods(ws: Workspace): Record<string, Handler> {
  return {
    'bookmarks.add': (a) => {
      const c = ws.channelArg(a, 'channel_id');
      ws.requireMember(c);
      ws.requireActive(c);
      const title = a.str('title');
      if (!title) invalidArguments(['[ERROR] missing required field: title']);
      const type = a.str('type');
      if (type !== 'link') fail('invalid_bookmark_type');
      const link = a.str('link') ?? '';
      if (!/^https?:\/\//.test(link)) fail('invalid_link');
      const emoji = a.str('emoji');
      const b: EmuBookmark = { id: ws.newId('Bk'), channel_id: c.id, title, link, type, emoji, date_created: nowSec() };
      ws.bookmarks.push(b);
      return { bookmark: bookmarkJson(ws, b) };
    },

    'bookmarks.list': (a) => {
      const c = ws.channelArg(a, 'channel_id');
      return { bookmarks: ws.bookmarks.filter((b) => b.channel_id === c.id).map((b) => bookmarkJson(ws, b)) };
    },
  };
}

function bookmarkJson(ws: Workspace, b: EmuBookmark): Json {
  return {
    id: b.id,
    channel_id: b.channel_id,
    title: b.title,
    link: b.link,
    emoji: b.emoji ?? null,
    icon_url: null,
    type: b.type,
    entity_id: null,
    date_created: b.date_created,
    date_updated: 0,
    rank: 'U',
    last_updated_by_user_id: ws.botUserId,
    last_updated_by_team_id: ws.teamId,
    shortcut_id: null,
    app_id: ws.appId,
  };
}

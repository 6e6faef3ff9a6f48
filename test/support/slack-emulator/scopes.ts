// Which bot scope each method needs, so an app missing one from manifest.yml fails as it would in Slack.
import type { Args } from './args.js';
import type { EmuChannel } from './types.js';

/** Methods called with the app-level token (xapp-…) instead of the bot token. */
export const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

/** The bot scope a call needs, as Slack's method reference lists it; conversation methods by the conversation's kind. */
export function scopeFor(method: string, a: Args, channels: ReadonlyMap<string, EmuChannel>): string | undefined {
  const byKind = (scopes: { public: string; private: string; im: string; mpim: string }): string => {
    const c = channels.get(a.str('channel') ?? '');
    // An unknown channel gets the public scope: the method itself then answers channel_not_found.
    if (!c) return scopes.public;
    return c.is_im ? scopes.im : c.is_mpim ? scopes.mpim : c.is_private ? scopes.private : scopes.public;
  };
  switch (method) {
    case 'chat.postMessage':
    case 'chat.update':
    case 'chat.delete':
    case 'chat.postEphemeral':
      return 'chat:write';
    case 'conversations.history':
    case 'conversations.replies':
      return byKind({ public: 'channels:history', private: 'groups:history', im: 'im:history', mpim: 'mpim:history' });
    case 'conversations.info':
    case 'conversations.members':
      return byKind({ public: 'channels:read', private: 'groups:read', im: 'im:read', mpim: 'mpim:read' });
    case 'conversations.list':
      return 'channels:read';
    case 'conversations.create':
      return a.bool('is_private') ? 'groups:write' : 'channels:manage';
    case 'conversations.invite':
    case 'conversations.setTopic':
    case 'conversations.setPurpose':
    case 'conversations.archive':
    case 'conversations.unarchive':
    case 'conversations.rename':
    case 'conversations.leave':
      return byKind({ public: 'channels:manage', private: 'groups:write', im: 'im:write', mpim: 'mpim:write' });
    case 'conversations.join':
      return 'channels:join';
    case 'conversations.open':
      return 'im:write';
    case 'pins.add':
    case 'pins.remove':
      return 'pins:write';
    case 'pins.list':
      return 'pins:read';
    case 'reactions.add':
    case 'reactions.remove':
      return 'reactions:write';
    case 'bookmarks.add':
      return 'bookmarks:write';
    case 'bookmarks.list':
      return 'bookmarks:read';
    case 'users.info':
    case 'users.list':
      return 'users:read';
    case 'users.lookupByEmail':
      return 'users:read.email';
    case 'usergroups.users.list':
      return 'usergroups:read';
    case 'files.getUploadURLExternal':
    case 'files.completeUploadExternal':
      return 'files:write';
    case 'files.info':
      return 'files:read';
    case 'canvases.create':
    case 'canvases.edit':
      return 'canvases:write';
    case 'team.info':
      return 'team:read';
    default:
      return undefined;
  }
}

// Which bot scopes each method needs, as Slack's method reference lists them (slack-ruby/slack-api-ref,
// docs.slack.dev/methods/*.json), so an app missing one from manifest.yml fails as it would in Slack.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Args } from './args.js';
import type { EmuChannel } from './types.js';

/** The bot scopes manifest.yml asks for: what an app installed from it is granted, the emulator's default. */
export const MANIFEST_SCOPES: readonly string[] = z
  .object({ oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }) })
  .parse(parse(readFileSync(new URL('../../../manifest.yml', import.meta.url), 'utf8'))).oauth_config.scopes.bot;

/** Methods called with the app-level token (xapp-…) instead of the bot token. */
export const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

/** One requirement of a call: any one of these scopes meets it. */
type AnyOf = readonly string[];

interface ByKind {
  public: AnyOf;
  private: AnyOf;
  im: AnyOf;
  mpim: AnyOf;
}

const HISTORY: ByKind = { public: ['channels:history'], private: ['groups:history'], im: ['im:history'], mpim: ['mpim:history'] };
const READ: ByKind = { public: ['channels:read'], private: ['groups:read'], im: ['im:read'], mpim: ['mpim:read'] };
const MANAGE: ByKind = { public: ['channels:manage'], private: ['groups:write'], im: ['im:write'], mpim: ['mpim:write'] };
const TOPIC: ByKind = {
  public: ['channels:manage', 'channels:write.topic'],
  private: ['groups:write', 'groups:write.topic'],
  im: ['im:write', 'im:write.topic'],
  mpim: ['mpim:write', 'mpim:write.topic'],
};
const INVITE: ByKind = {
  public: ['channels:manage', 'channels:write.invites'],
  private: ['groups:write', 'groups:write.invites'],
  im: ['im:write'],
  mpim: ['mpim:write'],
};

const LIST_TYPES: Record<string, AnyOf> = {
  public_channel: ['channels:read'],
  private_channel: ['groups:read'],
  im: ['im:read'],
  mpim: ['mpim:read'],
};

const FIXED: Record<string, AnyOf> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.delete': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'conversations.join': ['channels:join'],
  'pins.add': ['pins:write'],
  'pins.remove': ['pins:write'],
  'pins.list': ['pins:read'],
  'reactions.add': ['reactions:write'],
  'reactions.remove': ['reactions:write'],
  'reactions.get': ['reactions:read'],
  'bookmarks.add': ['bookmarks:write'],
  'bookmarks.edit': ['bookmarks:write'],
  'bookmarks.remove': ['bookmarks:write'],
  'bookmarks.list': ['bookmarks:read'],
  'users.info': ['users:read'],
  'users.list': ['users:read'],
  'users.lookupByEmail': ['users:read.email'],
  'usergroups.list': ['usergroups:read'],
  'usergroups.users.list': ['usergroups:read'],
  'usergroups.users.update': ['usergroups:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  'files.info': ['files:read'],
  'canvases.create': ['canvases:write'],
  'canvases.edit': ['canvases:write'],
  'team.info': ['team:read'],
};

const BY_KIND: Record<string, ByKind> = {
  'conversations.history': HISTORY,
  'conversations.replies': HISTORY,
  'conversations.info': READ,
  'conversations.members': READ,
  'conversations.archive': MANAGE,
  'conversations.unarchive': MANAGE,
  'conversations.rename': MANAGE,
  'conversations.leave': MANAGE,
  'conversations.invite': INVITE,
  'conversations.setTopic': TOPIC,
  'conversations.setPurpose': TOPIC,
};

/**
 * What a call needs: every requirement met, each by any one of its scopes; [] for a method that needs no
 * scope (auth.test, chat.getPermalink, views.*). Conversation methods need the scope of the conversation's
 * kind, conversations.list that of each type asked for.
 */
export function requiredScopes(method: string, a: Args, channels: ReadonlyMap<string, EmuChannel>): readonly AnyOf[] {
  const byKind = BY_KIND[method];
  if (byKind) {
    const c = channels.get(a.str('channel') ?? '');
    // An unknown channel gets the public scope: the method itself then answers channel_not_found.
    if (!c) return [byKind.public];
    return [c.is_im ? byKind.im : c.is_mpim ? byKind.mpim : c.is_private ? byKind.private : byKind.public];
  }
  switch (method) {
    case 'conversations.create':
      return [a.bool('is_private') ? ['groups:write'] : ['channels:manage']];
    case 'conversations.open':
      return [(a.str('users') ?? '').split(',').length > 1 ? ['mpim:write'] : ['im:write']];
    case 'conversations.list':
      return (a.str('types') ?? 'public_channel').split(',').map((t) => LIST_TYPES[t.trim()] ?? ['channels:read']);
  }
  const fixed = FIXED[method];
  return fixed ? [fixed] : [];
}

const EVENT_SCOPES: Record<string, AnyOf | ByKind> = {
  pin_added: ['pins:read'],
  pin_removed: ['pins:read'],
  reaction_added: ['reactions:read'],
  reaction_removed: ['reactions:read'],
  member_joined_channel: READ,
  member_left_channel: READ,
};

/** The scopes of which an app needs one to be sent an event, as Slack's event reference lists them; [] for none. */
export function eventScopes(event: Readonly<Record<string, unknown>>, channels: ReadonlyMap<string, EmuChannel>): AnyOf {
  const scopes = typeof event.type === 'string' ? EVENT_SCOPES[event.type] : undefined;
  if (!scopes) return [];
  if (Array.isArray(scopes)) return scopes;
  const byKind = scopes as ByKind;
  const c = typeof event.channel === 'string' ? channels.get(event.channel) : undefined;
  return !c ? byKind.public : c.is_im ? byKind.im : c.is_mpim ? byKind.mpim : c.is_private ? byKind.private : byKind.public;
}

/** The first requirement the granted scopes do not meet, if any. */
export function unmetScopes(required: readonly AnyOf[], granted: ReadonlySet<string>): AnyOf | undefined {
  return required.find((anyOf) => !anyOf.some((s) => granted.has(s)));
}

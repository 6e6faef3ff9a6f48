// The one table of Firewatch's bot scopes: what each scope manifest.yml asks for is for, and which scopes
// each Web API method Firewatch calls and each event it subscribes to need, as Slack's method and event
// reference lists them. test/unit/scopes.test.ts holds manifest.yml and the source to this table; the
// install self-check (install-check.ts) names what stops working when Slack did not grant a scope.

/** Each bot scope manifest.yml asks for, and what stops working in an install that lacks it. */
export const SCOPE_CONSEQUENCES = {
  commands: '/incident does not reach Firewatch',
  'chat:write': 'Firewatch cannot post or update any message: no announcement, summary, timeline line or DM',
  'chat:write.public': 'posts to public channels the bot has not joined (the announcements channel) fail',
  'channels:manage':
    'public incident channels cannot be created, responders are not invited, topics are not set and channels are not archived',
  'groups:write':
    'private incident channels cannot be created, responders are not invited, topics are not set and channels are not archived',
  'channels:read': 'joins and leaves of public incident channels are not tracked, and a taken channel name cannot be adopted',
  'groups:read': 'joins and leaves of private incident channels are not tracked, and a taken private channel name cannot be adopted',
  'channels:join': 'Firewatch cannot join public channels it posts in, so it cannot read them back before posting',
  'channels:history': 'Firewatch cannot read public channels back: a retried post may appear twice and 📌 does not reach the timeline',
  'groups:history': 'Firewatch cannot read private channels back: a retried post may appear twice and 📌 does not reach the timeline',
  'im:history': 'Firewatch cannot read its DMs back: a retried DM may arrive twice',
  'im:write': 'no DM reaches anyone: pages, role assignments and reminders fail',
  'users:read': "people's names cannot be looked up for channel topics",
  'pins:write': 'the incident summary is not pinned in its channel',
  'pins:read': "pinning with Slack's pin does not reach the timeline",
  'reactions:read': 'marking a message with 📌 does not reach the timeline',
  'files:write': 'postmortems are not uploaded to the incident channel',
  'files:read': 'a postmortem upload whose answer was lost cannot be found again, so a retry uploads it a second time',
  'canvases:write': 'postmortems are not written into the incident channel canvas',
  'bookmarks:write': "services' runbooks and workflows' bookmark actions are not added to incident channels",
  'usergroups:write': "schedules' Slack user groups (slack_user_group) are not kept equal to who is on call",
  'usergroups:read': 'a workflow cannot invite a Slack user group (invite: { user_group })',
  'bookmarks:read': 'a retried bookmark whose first answer was lost may be added twice',
} as const satisfies Record<string, string>;

export type BotScope = keyof typeof SCOPE_CONSEQUENCES;

/** The bot scopes manifest.yml asks for. */
export const REQUESTED_SCOPES = Object.keys(SCOPE_CONSEQUENCES) as readonly BotScope[];

/**
 * The scopes each Web API method Firewatch calls needs, for every kind of conversation Firewatch calls it
 * on (public and private incident channels, DMs); [] for a method that needs none. Where Slack accepts one
 * of several scopes, the one listed is the one manifest.yml asks for.
 */
export const METHOD_SCOPES: Readonly<Record<string, readonly BotScope[]>> = {
  'auth.test': [],
  'chat.getPermalink': [],
  'views.open': [],
  'views.push': [],
  'views.update': [],
  'views.publish': [],
  // Sign in with Slack: no bot scope. The first takes the app's client credentials, the second the signed-in
  // person's token, granted the user scopes openid/profile/email that manifest.yml asks for.
  'openid.connect.token': [],
  'openid.connect.userInfo': [],
  'usergroups.users.update': ['usergroups:write'],
  'usergroups.users.list': ['usergroups:read'],
  'bookmarks.add': ['bookmarks:write'],
  'bookmarks.list': ['bookmarks:read'],
  // chat:write.public lets it post in a public channel the bot has not joined, as the announcements channel may be.
  'chat.postMessage': ['chat:write', 'chat:write.public'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'conversations.create': ['channels:manage', 'groups:write'],
  'conversations.invite': ['channels:manage', 'groups:write'],
  'conversations.setTopic': ['channels:manage', 'groups:write'],
  'conversations.archive': ['channels:manage', 'groups:write'],
  'conversations.list': ['channels:read', 'groups:read'],
  'conversations.join': ['channels:join'],
  'conversations.history': ['channels:history', 'groups:history', 'im:history'],
  'conversations.replies': ['channels:history', 'groups:history', 'im:history'],
  'conversations.open': ['im:write'],
  'users.info': ['users:read'],
  'pins.add': ['pins:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  'files.info': ['files:read'],
  'canvases.create': ['canvases:write'],
  'canvases.edit': ['canvases:write'],
};

/** The scopes each event Firewatch subscribes to needs, for public and private incident channels. */
export const EVENT_SCOPES: Readonly<Record<string, readonly BotScope[]>> = {
  pin_added: ['pins:read'],
  pin_removed: ['pins:read'],
  reaction_added: ['reactions:read'],
  reaction_removed: ['reactions:read'],
  member_joined_channel: ['channels:read', 'groups:read'],
  member_left_channel: ['channels:read', 'groups:read'],
  app_home_opened: [],
};

/** Scopes a manifest feature rather than a method or event needs: the slash command. */
export const FEATURE_SCOPES: Readonly<Record<string, readonly BotScope[]>> = {
  '/incident': ['commands'],
};

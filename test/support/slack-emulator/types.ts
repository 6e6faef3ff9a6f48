// The records the emulator keeps and the options it starts with: the types tests see.
export interface EmuUser {
  id: string;
  name: string;
  real_name?: string;
  tz?: string;
  email?: string;
  is_bot?: boolean;
  deleted?: boolean;
}
export interface EmuChannel {
  id: string;
  name: string;
  is_private: boolean;
  is_im: boolean;
  user?: string /* for IMs */;
  members: Set<string>;
  topic: string;
  purpose: string;
  is_archived: boolean;
  creator: string;
  created: number;
  is_mpim?: boolean;
  topic_creator?: string;
  topic_last_set?: number;
  purpose_creator?: string;
  purpose_last_set?: number;
  previous_names?: string[];
}
export interface EmuMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  user: string;
  bot_id?: string;
  thread_ts?: string;
  metadata?: unknown;
  edited: number;
  deleted?: boolean;
  reply_broadcast?: boolean;
  edited_ts?: string;
  files?: Array<{ id: string; title: string }>;
}
export interface EmuView {
  id: string;
  hash: string;
  view: Record<string, unknown> /* the view as the bot sent it */;
  user?: string;
  root_view_id: string;
  previous_view_id?: string;
  /** The person closed it, or the app's answer to a submission did (an empty ack, `clear`). */
  closed?: boolean;
}
/** A user group (Slack's "subteam"): its handle is what people @-mention. */
export interface EmuUsergroup {
  id: string;
  handle: string;
  name: string;
  users: string[];
}
/** One views.publish that Slack accepted: the Home `user` saw from then on. */
export interface HomePublish {
  user: string;
  view: Record<string, unknown>;
  at: number;
}
export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  status: number;
  response: unknown;
  ok: boolean;
  error?: string;
  fault?: string;
  exception?: string; // an emulator bug while handling the call (answered as internal_error)
}
export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
  at: number;
}
export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string;
  blocks: unknown[];
  ts: string;
}
export interface EmuPin {
  channel: string;
  ts: string;
  created: number;
  created_by: string;
}
export interface EmuReaction {
  channel: string;
  ts: string;
  name: string;
  user: string;
}
export interface EmuBookmark {
  id: string;
  channel_id: string;
  title: string;
  link: string;
  type: string;
  emoji?: string;
  date_created: number;
}
/** A canvas the app made; `channel` is the channel it is a tab of. */
export interface EmuCanvas {
  id: string;
  title: string;
  markdown: string;
  channel?: string;
  edits: number;
}
export interface EmuFile {
  id: string;
  filename: string;
  title: string;
  length: number;
  content: Buffer;
  channel?: string;
  thread_ts?: string;
  initial_comment?: string;
}
/** Where a response_url came from, so replace_original / delete_original / in_channel act on it as in Slack. */
export interface ResponseSource {
  channel: string;
  ts?: string;
  user?: string;
}
export type Fault =
  /** HTTP 429; `retryAfter` is the Retry-After header (1 unless told), sent as given, and not at all when null. */
  (
    | { kind: 'ratelimit'; retryAfter?: number | string | null }
    | { kind: 'http'; status: number }
    /** A platform error; `detail` as Slack adds it to some (canvas_creation_failed, canvas_editing_failed…). */
    | { kind: 'error'; error: string; detail?: string }
    | { kind: 'reset' }
    /** Slack performs the call, then the connection drops before its answer arrives. */
    | { kind: 'lost' }
    | { kind: 'hang'; ms: number }
  ) & {
    /** Only for a call with these arguments (`{ channel: 'C…' }`); other calls of the method pass it by. */
    where?: Record<string, string>;
  };
export interface EmulatorOptions {
  botToken?: string;
  botUserId?: string;
  botId?: string;
  teamId?: string;
  users?: EmuUser[];
  channels?: Array<Partial<EmuChannel> & { name: string }>;
  triggerTtlMs?: number;
  /** When true only ids in `users` exist; otherwise any U…/W… id is a user. */
  strictUsers?: boolean;
  teamName?: string;
  teamDomain?: string;
  botName?: string;
  appId?: string;
  /** The app-level token (xapp-…) that apps.connections.open requires. */
  appToken?: string;
  /**
   * The bot token's granted scopes; manifest.yml's when not given. A method whose scope is missing answers
   * `missing_scope` as Slack does, and every answer to the bot token lists them in `x-oauth-scopes`.
   */
  scopes?: readonly string[];
  /**
   * When true, Slack's rate limits apply (rate-limits.ts): per method by tier, chat.postMessage per channel,
   * and a call over its limit answers HTTP 429 with Retry-After. Off by default, so tests run at full speed.
   */
  rateLimits?: boolean;
  /** How long a response_url takes posts: Slack's 30 minutes unless told. */
  responseUrlTtlMs?: number;
  /** The app's Messages tab; off, DMs from the app answer `messages_tab_disabled`. Default on. */
  messagesTabEnabled?: boolean;
  /** False: conversations.create answers `restricted_action`, as in a workspace that lets no app create channels. */
  appsMayCreateChannels?: boolean;
  /** How many pins a channel holds before pins.add answers `too_many_pins`. Default 100. */
  maxPinsPerChannel?: number;
  /** The app's Home tab; off, views.publish answers `not_enabled`. Default on. */
  homeTabEnabled?: boolean;
  /** False for a workspace on a plan without user groups (Slack's free plan): usergroups.* answer `paid_teams_only`. */
  userGroupsOnPlan?: boolean;
  /** User groups the workspace has from the start. */
  usergroups?: Array<{ id: string; handle: string; name?: string; users?: string[] }>;
}
export type SocketEnvelopeType = 'slash_commands' | 'interactive' | 'events_api';
export interface SocketEnvelopeOptions {
  /** events_api only: Slack's retry counter (0 on the first delivery). */
  retryAttempt?: number;
  /** Defaults as Slack sets it: true for slash commands and view submissions / options requests, else false. */
  acceptsResponsePayload?: boolean;
}
export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
  ackMs: number;
  /** No ack within Slack's 3 s: the person saw a timeout, and any later ack was dropped. */
  timedOut: boolean;
}

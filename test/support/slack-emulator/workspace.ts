// The emulated workspace: everything the methods read and change (users, conversations, messages, views,
// pins, files, canvases…), every call made, and the rules the method families share.
import { randomBytes } from 'node:crypto';
import { type Args, collectTexts, fail, isObj, type Json, nowSec } from './args.js';
import { eventScopes, MANIFEST_SCOPES } from './scopes.js';
import type {
  EmuBookmark,
  EmuCanvas,
  EmuChannel,
  EmuFile,
  EmuMessage,
  EmuPin,
  EmuReaction,
  EmulatorOptions,
  EmuUser,
  EmuUsergroup,
  EmuView,
  HomePublish,
  EphemeralMessage,
  RecordedCall,
  ResponseSource,
  ResponseUrlPost,
} from './types.js';

/**
 * One sequence for every emulator in the process, as Slack's ids are unique across a workspace's life: a
 * second emulator on the same database (a restart, the benchmarks' server phase) must not hand out a
 * channel id an earlier one gave to another incident.
 */
let idSeq = 0;

export class Workspace {
  readonly botToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly appId: string;
  readonly appToken: string;
  readonly teamName: string;
  readonly botName: string;
  readonly triggerTtlMs: number;
  /** The bot token's granted scopes: a call lacking its scope answers missing_scope. See grantScopes. */
  scopes: ReadonlySet<string>;
  readonly strictUsers: boolean;

  calls: RecordedCall[] = [];
  channels = new Map<string, EmuChannel>();
  messages: EmuMessage[] = [];
  ephemerals: EphemeralMessage[] = [];
  views: EmuView[] = [];
  responses: ResponseUrlPost[] = [];
  pins: EmuPin[] = [];
  reactions: EmuReaction[] = [];
  bookmarks: EmuBookmark[] = [];
  files: EmuFile[] = [];
  canvases = new Map<string, EmuCanvas>();
  /** False for a workspace whose plan or admins allow no canvases: canvases.* answer `canvas_disabled_user_team`. */
  canvasesAllowed = true;
  users = new Map<string, EmuUser>();
  /** The workspace's user groups by id (see addUsergroup); usergroups.* answer from here. */
  usergroups = new Map<string, EmuUsergroup>();
  /** False for a workspace on a plan without user groups: usergroups.* answer `paid_teams_only`. */
  userGroupsOnPlan: boolean;
  /** False where workspace settings let only admins change user groups: usergroups.users.update answers `permission_denied`. */
  userGroupsEditableByApps = true;
  /** The app's Home tab: when off, views.publish answers `not_enabled`. */
  homeTabEnabled: boolean;
  /** Every Home Slack accepted, in order (views.publish), for tests that count or read them. */
  homePublishes: HomePublish[] = [];
  /** When true every API call answers HTTP 503 (a Slack outage). */
  down = false;
  /** The app's Messages tab (App Home): when off, every DM from the app answers `messages_tab_disabled`. */
  messagesTabEnabled: boolean;
  /** False for a workspace whose admins let only some people (not apps) create channels: `restricted_action`. */
  appsMayCreateChannels: boolean;
  /** pins.add answers `too_many_pins` in a channel that has this many. */
  maxPinsPerChannel: number;

  readonly triggers = new Map<string, { issued: number; used: boolean; viewId?: string; user?: string }>();
  readonly responseUrls = new Map<string, { uses: number; issued: number; source?: ResponseSource }>();
  readonly responseUrlTtlMs: number;
  readonly uploads = new Map<string, { filename: string; length: number; content?: Buffer }>();
  /** Tickets handed out by apps.connections.open; each opens one WebSocket. */
  readonly socketTickets = new Map<string, { issued: number }>();
  private lastMicros = 0;

  constructor(
    opts: EmulatorOptions,
    readonly origin: string,
  ) {
    this.botToken = opts.botToken ?? 'xoxb-test-token';
    this.botUserId = opts.botUserId ?? 'UBOT';
    this.botId = opts.botId ?? 'BBOT';
    this.teamId = opts.teamId ?? 'T0TEST';
    this.teamName = opts.teamName ?? 'Firewatch Test';
    this.teamDomain = opts.teamDomain ?? 'firewatch-test';
    this.botName = opts.botName ?? 'firewatch';
    this.appId = opts.appId ?? 'A0FIREWATCH';
    this.appToken = opts.appToken ?? 'xapp-test-token';
    this.triggerTtlMs = opts.triggerTtlMs ?? 3000;
    this.responseUrlTtlMs = opts.responseUrlTtlMs ?? 30 * 60_000;
    this.scopes = new Set(opts.scopes ?? MANIFEST_SCOPES);
    this.strictUsers = opts.strictUsers ?? false;
    this.messagesTabEnabled = opts.messagesTabEnabled ?? true;
    this.appsMayCreateChannels = opts.appsMayCreateChannels ?? true;
    this.maxPinsPerChannel = opts.maxPinsPerChannel ?? 100;
    this.homeTabEnabled = opts.homeTabEnabled ?? true;
    this.userGroupsOnPlan = opts.userGroupsOnPlan ?? true;
    this.addUser({ id: this.botUserId, name: this.botName, real_name: 'Firewatch', is_bot: true });
    for (const u of opts.users ?? []) this.addUser(u);
    for (const c of opts.channels ?? []) this.addChannel(c);
    for (const g of opts.usergroups ?? []) this.addUsergroup(g);
  }

  /** What the app is granted from now on, as after a reinstall with another manifest. */
  grantScopes(scopes: readonly string[]): void {
    this.scopes = new Set(scopes);
  }

  /** Why Slack would not send this event to the app (it lacks the event's scope), or undefined when it would. */
  eventWithheld(event: Readonly<Record<string, unknown>>): string | undefined {
    const anyOf = eventScopes(event, this.channels);
    if (anyOf.length === 0 || anyOf.some((s) => this.scopes.has(s))) return undefined;
    return `Slack sends ${String(event.type)} only to an app granted ${anyOf.join(' or ')}`;
  }

  /** A fresh trigger_id; pass the view it came from so views.push stacks onto that modal. */
  triggerId(from: { viewId?: string; user?: string } = {}): string {
    const id = `${++idSeq}.${this.teamId.replace(/\D/g, '') || '1'}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { issued: Date.now(), used: false, ...from });
    return id;
  }

  /** A fresh response_url; with a source, replace_original/delete_original/in_channel/ephemeral act on it. */
  responseUrl(source?: ResponseSource): string {
    const id = `${++idSeq}${randomBytes(8).toString('hex')}`;
    this.responseUrls.set(id, { uses: 0, issued: Date.now(), source });
    return `${this.origin}/respond/${id}`;
  }

  /** A user group as a workspace admin makes one; `users` are its members now. */
  addUsergroup(g: { id: string; handle: string; name?: string; users?: string[] }): EmuUsergroup {
    const group: EmuUsergroup = { id: g.id, handle: g.handle, name: g.name ?? g.handle, users: [...(g.users ?? [])] };
    this.usergroups.set(group.id, group);
    return group;
  }

  addUser(u: EmuUser): void {
    this.users.set(u.id, { ...u });
  }

  addChannel(c: Partial<EmuChannel> & { name: string }): EmuChannel {
    const ch: EmuChannel = {
      ...c,
      id: c.id ?? this.newId(c.is_im ? 'D' : 'C', (id) => this.channels.has(id)),
      name: c.name,
      is_private: c.is_private ?? false,
      is_im: c.is_im ?? false,
      members: new Set(c.members ?? []),
      topic: c.topic ?? '',
      purpose: c.purpose ?? '',
      is_archived: c.is_archived ?? false,
      creator: c.creator ?? 'USLACKBOT',
      created: c.created ?? nowSec(),
    };
    if (ch.is_im && ch.user) ch.members.add(ch.user).add(this.botUserId);
    this.channels.set(ch.id, ch);
    return ch;
  }

  channelByName(name: string): EmuChannel | undefined {
    const n = name.replace(/^#/, '');
    for (const c of this.channels.values()) if (!c.is_im && c.name === n) return c;
    return undefined;
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  okCallsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.ok);
  }

  messagesIn(channel: string): EmuMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.deleted);
  }

  findMessage(channel: string, ts: string): EmuMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts && !m.deleted);
  }

  textOf(m: { text?: string; blocks?: unknown[] }): string {
    const out: string[] = m.text ? [m.text] : [];
    collectTexts(m.blocks ?? [], out);
    return out.join('\n');
  }

  newId(prefix: string, taken: (id: string) => boolean = () => false): string {
    let id: string;
    do id = `${prefix}0${(++idSeq).toString(36).toUpperCase().padStart(8, '0')}`;
    while (taken(id));
    return id;
  }

  /** Strictly increasing "<seconds>.<6 digits>" timestamps, close to the wall clock like Slack's. */
  nextTs(): string {
    this.lastMicros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    return `${Math.floor(this.lastMicros / 1e6)}.${String(this.lastMicros % 1e6).padStart(6, '0')}`;
  }

  isMember(c: EmuChannel): boolean {
    return c.members.has(this.botUserId);
  }

  // Slack hides private conversations the bot is not in: they answer channel_not_found.
  canSee(c: EmuChannel): boolean {
    return !c.is_private || this.isMember(c);
  }

  userExists(id: string): boolean {
    return this.users.has(id) || (!this.strictUsers && /^[UW][A-Z0-9]+$/.test(id));
  }

  channelArg(a: Args, key = 'channel'): EmuChannel {
    const id = a.str(key);
    const c = id ? this.channels.get(id) : undefined;
    if (!c || !this.canSee(c)) fail('channel_not_found');
    return c;
  }

  requireMember(c: EmuChannel): void {
    if (!this.isMember(c)) fail('not_in_channel');
  }

  requireActive(c: EmuChannel): void {
    if (c.is_archived) fail('is_archived');
  }

  requireNotIm(c: EmuChannel): void {
    if (c.is_im) fail('method_not_supported_for_channel_type');
  }

  messageArg(c: EmuChannel, ts: string | undefined): EmuMessage {
    const m = ts ? this.findMessage(c.id, ts) : undefined;
    if (!m) fail('message_not_found');
    return m;
  }

  /** chat.* targets: a conversation id, a user id (their IM with the bot) or a channel name. */
  resolveTarget(target: string | undefined): EmuChannel {
    if (!target) fail('channel_not_found');
    const c =
      this.channels.get(target) ??
      (/^[UW][A-Z0-9]+$/.test(target) && this.userExists(target) ? this.openIm(target) : this.channelByName(target));
    if (!c || !this.canSee(c)) fail('channel_not_found');
    return c;
  }

  openIm(user: string): EmuChannel {
    for (const c of this.channels.values()) if (c.is_im && c.user === user) return c;
    return this.addChannel({ name: user, is_im: true, is_private: true, user, creator: this.botUserId });
  }

  post(m: EmuMessage): EmuMessage {
    this.messages.push(m);
    return m;
  }

  messageJson(m: EmuMessage, withMetadata: boolean): Json {
    const out: Json = { type: 'message', text: m.text, user: m.user, ts: m.ts, team: this.teamId };
    if (m.bot_id) Object.assign(out, { bot_id: m.bot_id, app_id: this.appId });
    if (m.blocks.length) out.blocks = m.blocks;
    if (m.files) Object.assign(out, { files: m.files.map((f) => ({ id: f.id, title: f.title, name: f.title })), upload: false });
    if (m.edited) out.edited = { user: m.user, ts: m.edited_ts };
    if (withMetadata && m.metadata && isObj(m.metadata) && Object.keys(m.metadata).length) out.metadata = m.metadata;
    if (m.thread_ts && m.thread_ts !== m.ts) {
      out.thread_ts = m.thread_ts;
      if (m.reply_broadcast) out.subtype = 'thread_broadcast';
      return out;
    }
    const replies = this.messages.filter((r) => r.channel === m.channel && r.thread_ts === m.ts && r.ts !== m.ts && !r.deleted);
    if (replies.length) {
      const replyUsers = [...new Set(replies.map((r) => r.user))];
      Object.assign(out, {
        thread_ts: m.ts,
        reply_count: replies.length,
        reply_users_count: replyUsers.length,
        reply_users: replyUsers,
        latest_reply: replies.at(-1)?.ts,
      });
    }
    return out;
  }
}

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmuMessage, SlackEmulator } from './slack-emulator/index.js';
import { postSigned, TEAM_ID, type SignedResponse } from './slack-requests.js';

export interface SendEventOptions {
  /** Defaults to a fresh `Ev…` id; pass the same id again to act as Slack's retry of a delivery. */
  eventId?: string;
  /** Slack's retry counter: sent as `x-slack-retry-num` with `x-slack-retry-reason: http_timeout`. */
  retryNum?: number;
  /** The app's bot user, named in `authorizations`; `from`'s bot user, or the emulator's default, unless told. */
  botUserId?: string;
  /** The workspace sending it: as Slack, it sends only events the app is granted the scope of (else this throws). */
  from?: SlackEmulator;
  /** `application/json` unless told, e.g. with a `; charset=utf-8` parameter. */
  contentType?: string;
}

export interface SentEvent extends SignedResponse {
  eventId: string;
}

/** A fresh Events API event id, shaped like Slack's (`Ev` and upper-case letters and digits). */
export function newEventId(): string {
  return `Ev${randomBytes(8).toString('hex').toUpperCase()}`;
}

/** An Events API delivery as Slack sends it: the event_callback envelope around `event`, JSON, signed. */
export async function sendEvent(appUrl: string, event: Record<string, unknown>, options: SendEventOptions = {}): Promise<SentEvent> {
  const withheld = options.from?.eventWithheld(event);
  if (withheld) throw new Error(withheld);
  const eventId = options.eventId ?? newEventId();
  const body = JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: TEAM_ID,
    api_app_id: 'A0FIREWATCH',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: TEAM_ID,
        user_id: options.botUserId ?? options.from?.botUserId ?? 'UBOT',
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString('hex')}`,
  });
  const headers: Record<string, string> =
    options.retryNum === undefined ? {} : { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' };
  const response = await postSigned(appUrl, body, options.contentType ?? 'application/json', { headers });
  return { ...response, eventId };
}

/** A Slack event_ts ("seconds.micros") for now. */
export function eventTs(): string {
  const micros = Date.now() * 1000 + Math.floor(Math.random() * 1000);
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
}

/**
 * A message posted by a person (the emulator only posts as the bot): pushed straight into the emulator,
 * so conversations.history / replies and chat.getPermalink find it. `ts` defaults to one a minute ago.
 */
export function humanMessage(
  emu: SlackEmulator,
  channel: string,
  text: string,
  options: { user?: string; ts?: string; threadTs?: string } = {},
): EmuMessage {
  const message: EmuMessage = {
    channel,
    ts: options.ts ?? pastTs(60),
    text,
    blocks: [],
    user: options.user ?? 'U0BOB',
    edited: 0,
    ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
  };
  emu.messages.push(message);
  return message;
}

let tsCounter = 0;

/** A unique message ts `secondsAgo` seconds in the past, with a non-zero fraction. */
export function pastTs(secondsAgo: number): string {
  tsCounter = (tsCounter + 1) % 400;
  const seconds = Math.floor(Date.now() / 1000) - secondsAgo;
  return `${seconds}.${String(250_000 + tsCounter).padStart(6, '0')}`;
}

/** Polls `fn` until it returns a truthy value (awaited), or throws after `timeoutMs`. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Event shapes as Slack sends them. */
export const eventShapes = {
  reactionAdded: (p: { user: string; channel: string; ts: string; itemUser?: string; reaction?: string }) => ({
    type: 'reaction_added',
    user: p.user,
    reaction: p.reaction ?? 'pushpin',
    item_user: p.itemUser ?? 'U0BOB',
    item: { type: 'message', channel: p.channel, ts: p.ts },
    event_ts: eventTs(),
  }),
  reactionRemoved: (p: { user: string; channel: string; ts: string; itemUser?: string; reaction?: string }) => ({
    type: 'reaction_removed',
    user: p.user,
    reaction: p.reaction ?? 'pushpin',
    item_user: p.itemUser ?? 'U0BOB',
    item: { type: 'message', channel: p.channel, ts: p.ts },
    event_ts: eventTs(),
  }),
  pin: (kind: 'pin_added' | 'pin_removed', p: { user: string; message: EmuMessage; permalink: string }) => ({
    type: kind,
    user: p.user,
    channel_id: p.message.channel,
    item: {
      type: 'message',
      channel: p.message.channel,
      created: Math.floor(Date.now() / 1000),
      created_by: p.user,
      message: { type: 'message', user: p.message.user, text: p.message.text, ts: p.message.ts, permalink: p.permalink },
    },
    item_user: p.message.user,
    event_ts: eventTs(),
    ...(kind === 'pin_removed' ? { has_pins: false } : {}),
  }),
  /** `channelType` is 'C' for a public channel, 'G' for a private one. */
  memberJoined: (p: { user: string; channel: string; inviter?: string; channelType?: 'C' | 'G' }) => ({
    type: 'member_joined_channel',
    user: p.user,
    channel: p.channel,
    channel_type: p.channelType ?? 'C',
    team: TEAM_ID,
    ...(p.inviter ? { inviter: p.inviter } : {}),
    event_ts: eventTs(),
  }),
  /** Someone opened the app's Home (`tab: 'home'`) or Messages tab; `view` is their Home as last published, if any. */
  appHomeOpened: (p: { user: string; tab?: 'home' | 'messages'; view?: Record<string, unknown> }) => ({
    type: 'app_home_opened',
    user: p.user,
    channel: `D${p.user.slice(1)}`,
    tab: p.tab ?? 'home',
    ...(p.view ? { view: p.view } : {}),
    event_ts: eventTs(),
  }),
  memberLeft: (p: { user: string; channel: string; channelType?: 'C' | 'G' }) => ({
    type: 'member_left_channel',
    user: p.user,
    channel: p.channel,
    channel_type: p.channelType ?? 'C',
    team: TEAM_ID,
    event_ts: eventTs(),
  }),
};

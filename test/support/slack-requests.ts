import { createHmac } from 'node:crypto';
import type { SlackEmulator } from './slack-emulator/index.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEAM_ID = 'T0TEST';

export interface SignedResponse {
  status: number;
  text: string;
  json: unknown;
  ms: number;
}

/** Slack's v0 signature: HMAC-SHA256 over `v0:{timestamp}:{body}` with the signing secret. */
/** A body read as JSON when it is JSON; an HTML error page or plain text is undefined. */
export function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function signature(body: string, timestamp: number, secret = SIGNING_SECRET): Record<string, string> {
  const digest = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${digest}` };
}

export interface PostOptions {
  secret?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  headers?: Record<string, string>;
}

export async function postSigned(appUrl: string, body: string, contentType: string, options: PostOptions = {}): Promise<SignedResponse> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const started = performance.now();
  const res = await fetch(`${appUrl}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...signature(body, timestamp, options.secret), ...options.headers },
    body,
  });
  const text = await res.text();
  const json = jsonOrUndefined(text);
  return { status: res.status, text, json, ms: performance.now() - started };
}

export interface SlashOptions {
  user?: string;
  channel?: string;
  channelName?: string;
  triggerId?: string;
  responseUrl?: string;
  /** `application/x-www-form-urlencoded` unless told, e.g. with a `; charset=utf-8` parameter. */
  contentType?: string;
}

/** A slash command as Slack sends it: form-encoded fields, signed. */
export function slashCommand(appUrl: string, emu: SlackEmulator, text: string, options: SlashOptions = {}): Promise<SignedResponse> {
  const user = options.user ?? 'U0ALICE';
  const channel = options.channel ?? 'C0GENERAL';
  const body = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: TEAM_ID,
    team_domain: 'acme',
    channel_id: channel,
    channel_name: options.channelName ?? 'general',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/incident',
    text,
    api_app_id: 'A0FIREWATCH',
    is_enterprise_install: 'false',
    response_url: options.responseUrl ?? emu.responseUrl({ channel, user }),
    trigger_id: options.triggerId ?? emu.triggerId({ user }),
  }).toString();
  return postSigned(appUrl, body, options.contentType ?? 'application/x-www-form-urlencoded');
}

/** An interactivity request: one form field `payload` holding JSON. */
export function interaction(appUrl: string, payload: Record<string, unknown>, options: PostOptions = {}): Promise<SignedResponse> {
  return postSigned(
    appUrl,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    'application/x-www-form-urlencoded',
    options,
  );
}

const userObject = (user: string) => ({ id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM_ID });

/** Submits a modal that the app opened, with `values` as Slack's view.state.values. */
export function submitView(
  appUrl: string,
  emu: SlackEmulator,
  view: Record<string, unknown>,
  values: Record<string, Record<string, unknown>>,
  user = 'U0ALICE',
): Promise<SignedResponse> {
  return interaction(appUrl, viewSubmissionPayload(emu, view, values, user));
}

/** The `view_submission` payload Slack sends when `user` submits `view` filled in with `values`. */
export function viewSubmissionPayload(
  emu: SlackEmulator,
  view: Record<string, unknown>,
  values: Record<string, Record<string, unknown>>,
  user = 'U0ALICE',
): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: TEAM_ID, domain: 'acme' },
    user: userObject(user),
    api_app_id: 'A0FIREWATCH',
    token: 'deprecated-verification-token',
    trigger_id: emu.triggerId({ user }),
    view: { id: 'V0SUBMITTED', team_id: TEAM_ID, hash: 'h', ...view, state: { values } },
    response_urls: [],
  };
}

/** Clicks a button in a message the app posted; pass responseUrl to find the app's answer to this click. */
export function clickButton(
  appUrl: string,
  emu: SlackEmulator,
  message: { channel: string; ts: string; blocks: unknown[]; text?: string },
  actionId: string,
  user = 'U0ALICE',
  responseUrl = emu.responseUrl({ channel: message.channel, user }),
): Promise<SignedResponse> {
  return interaction(appUrl, buttonClickPayload(emu, message, actionId, user, responseUrl));
}

/** The `block_actions` payload Slack sends when `user` clicks the button `actionId` in `message`. */
export function buttonClickPayload(
  emu: SlackEmulator,
  message: { channel: string; ts: string; blocks: unknown[]; text?: string },
  actionId: string,
  user = 'U0ALICE',
  responseUrl = emu.responseUrl({ channel: message.channel, user }),
): Record<string, unknown> {
  type Element = { type?: string; action_id?: string; value?: string; text?: unknown };
  type Block = { block_id?: string; elements?: Element[]; accessory?: Element };
  const blocks = message.blocks as Block[];
  const block = blocks.find((b) => [...(b.elements ?? []), b.accessory].some((e) => e?.action_id === actionId));
  const button = [...(block?.elements ?? []), block?.accessory].find((e) => e?.action_id === actionId);
  if (!block || !button) throw new Error(`no button ${actionId} in message ${message.ts}`);
  return {
    type: 'block_actions',
    team: { id: TEAM_ID, domain: 'acme' },
    user: userObject(user),
    api_app_id: 'A0FIREWATCH',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: emu.triggerId({ user }),
    channel: { id: message.channel, name: 'channel' },
    message: { type: 'message', ts: message.ts, text: message.text ?? '', blocks: message.blocks, user: emu.botUserId, bot_id: emu.botId },
    response_url: responseUrl,
    state: { values: {} },
    actions: [
      {
        action_id: actionId,
        block_id: block.block_id ?? 'b',
        text: button.text,
        value: button.value,
        type: 'button',
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** What a person saw in the ack of a request: its text and blocks, or the raw body. */
export function ackText(r: { json: unknown; text: string }): string {
  const json = r.json as { text?: string; blocks?: unknown[] } | undefined;
  return json ? `${json.text ?? ''} ${JSON.stringify(json.blocks ?? [])}` : r.text;
}

/** The incident number named in a text such as "Declaring INC-12 …". */
export function incidentNumberIn(text: string): number {
  const match = /INC-(\d+)/.exec(text);
  if (!match) throw new Error(`no INC-<n> in "${text}"`);
  return Number(match[1]);
}

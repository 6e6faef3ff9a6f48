/**
 * Helpers for the hostile-input and security suites: signed requests with a hard per-request timeout,
 * envelope builders that accept any value (not just well-formed ones), fast-check arbitraries for the
 * nasty strings people and broken senders produce, a log-capturing app, and a scanner for Slack markup
 * that would ping people.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { pino } from 'pino';
import type { Config } from '../../src/config/load.js';
import { loadEnv } from '../../src/config/env.js';
import type { Database, Db } from '../../src/db/client.js';
import { startFirewatch, type Firewatch } from '../../src/firewatch.js';
import type { SlackEmulator } from './slack-emulator/index.js';
import { jsonOrUndefined, signature, SIGNING_SECRET, TEAM_ID, type SignedResponse } from './slack-requests.js';

/** Every request of these suites must be answered within this time: a hang is a failure, not a slow test. */
export const REQUEST_TIMEOUT_MS = 5_000;

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';
/** The body limit of /slack/events and the webhooks; bigger bodies get 413. */
export const BODY_LIMIT = 1024 * 1024;

/** Whether a body is within BODY_LIMIT as the server counts it: in UTF-8 bytes, not UTF-16 code units. */
export function withinBodyLimit(body: string): boolean {
  return Buffer.byteLength(body, 'utf8') <= BODY_LIMIT;
}

// ---- requests ---------------------------------------------------------------------------------

export interface RawOptions {
  secret?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  /** Replaces the computed signature headers entirely (e.g. a stale signature, or none: `{}`). */
  signatureHeaders?: Record<string, string>;
  headers?: Record<string, string>;
  method?: string;
  timeoutMs?: number;
}

async function answer(res: Response, started: number): Promise<SignedResponse> {
  const text = await res.text();
  const json = jsonOrUndefined(text);
  return { status: res.status, text, json, ms: performance.now() - started };
}

/** POST /slack/events, signed (unless told otherwise), failing after REQUEST_TIMEOUT_MS. */
export async function slackPost(appUrl: string, body: string, contentType: string, options: RawOptions = {}): Promise<SignedResponse> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signed = options.signatureHeaders ?? signature(body, timestamp, options.secret ?? SIGNING_SECRET);
  const started = performance.now();
  const res = await fetch(`${appUrl}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...signed, ...options.headers },
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS),
  });
  return answer(res, started);
}

/** Any HTTP request to the app (webhooks, the postmortem endpoint), failing after REQUEST_TIMEOUT_MS. */
export async function httpRequest(
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<SignedResponse> {
  const started = performance.now();
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: init.body }),
    signal: AbortSignal.timeout(init.timeoutMs ?? REQUEST_TIMEOUT_MS),
  });
  return answer(res, started);
}

/**
 * A request over node:http with an agent of the caller's (default: a fresh connection, closed after), so a
 * connection the server leaves in a bad state (e.g. after refusing an oversized body) is not reused by the
 * pool every other request of the file shares.
 */
export function nodeRequest(
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string>; agent?: http.Agent | false; timeoutMs?: number } = {},
): Promise<SignedResponse> {
  const started = performance.now();
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: init.method ?? (body ? 'POST' : 'GET'),
        agent: init.agent ?? false,
        headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        timeout: init.timeoutMs ?? REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json, ms: performance.now() - started });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${init.timeoutMs ?? REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', (err) => reject(new Error(`${err.message} after ${Math.round(performance.now() - started)} ms`)));
    req.end(body);
  });
}

/** A slash command body: Slack's fields, with overrides; an override of `undefined` drops the field. */
export function slashBody(emu: SlackEmulator, fields: Record<string, string | string[] | undefined> = {}): string {
  const user = typeof fields.user_id === 'string' ? fields.user_id : 'U0ALICE';
  const channel = typeof fields.channel_id === 'string' ? fields.channel_id : 'C0GENERAL';
  const base: Record<string, string | string[] | undefined> = {
    token: 'deprecated-verification-token',
    team_id: TEAM_ID,
    team_domain: 'acme',
    channel_id: channel,
    channel_name: 'general',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/incident',
    text: 'help',
    api_app_id: 'A0FIREWATCH',
    is_enterprise_install: 'false',
    response_url: emu.responseUrl({ channel, user }),
    trigger_id: emu.triggerId({ user }),
    ...fields,
  };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  }
  return params.toString();
}

export function slash(
  appUrl: string,
  emu: SlackEmulator,
  text: string,
  options: { user?: string; channel?: string; triggerId?: string; responseUrl?: string } = {},
): Promise<SignedResponse> {
  const user = options.user ?? 'U0ALICE';
  const channel = options.channel ?? 'C0GENERAL';
  return slackPost(
    appUrl,
    slashBody(emu, {
      text,
      user_id: user,
      channel_id: channel,
      response_url: options.responseUrl ?? emu.responseUrl({ channel, user }),
      trigger_id: options.triggerId ?? emu.triggerId({ user }),
    }),
    FORM,
  );
}

/** The form body of an interactivity request: one `payload` field holding whatever JSON is given. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

const userObject = (user: string) => ({ id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM_ID });

/** A block_actions payload for one button, carrying any value (a string or not). */
export function blockActionsPayload(
  emu: SlackEmulator,
  p: { actionId: string; value: unknown; user?: string; channel?: string; blockId?: string },
): Record<string, unknown> {
  const user = p.user ?? 'U0ALICE';
  const channel = p.channel ?? 'C0GENERAL';
  const ts = `${Math.floor(Date.now() / 1000)}.000100`;
  return {
    type: 'block_actions',
    team: { id: TEAM_ID, domain: 'acme' },
    user: userObject(user),
    api_app_id: 'A0FIREWATCH',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
    trigger_id: emu.triggerId({ user }),
    channel: { id: channel, name: 'channel' },
    message: { type: 'message', ts, text: '', blocks: [], user: emu.botUserId, bot_id: emu.botId },
    response_url: emu.responseUrl({ channel, user }),
    state: { values: {} },
    actions: [
      {
        action_id: p.actionId,
        block_id: p.blockId ?? 'b',
        text: { type: 'plain_text', text: 'x' },
        value: p.value,
        type: 'button',
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** A view_submission payload with any state values and private_metadata. */
export function viewSubmissionPayload(
  emu: SlackEmulator,
  p: { callbackId: string; values: unknown; privateMetadata: unknown; user?: string },
): Record<string, unknown> {
  const user = p.user ?? 'U0ALICE';
  return {
    type: 'view_submission',
    team: { id: TEAM_ID, domain: 'acme' },
    user: userObject(user),
    api_app_id: 'A0FIREWATCH',
    token: 'deprecated-verification-token',
    trigger_id: emu.triggerId({ user }),
    view: {
      id: 'V0HOSTILE',
      team_id: TEAM_ID,
      type: 'modal',
      callback_id: p.callbackId,
      hash: 'h',
      private_metadata: p.privateMetadata,
      blocks: [],
      title: { type: 'plain_text', text: 'Form' },
      state: { values: p.values },
    },
    response_urls: [],
  };
}

/** An Events API delivery around any `event` value, as JSON. */
export function eventBody(event: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: TEAM_ID,
    api_app_id: 'A0FIREWATCH',
    event,
    type: 'event_callback',
    event_id: `Ev${randomBytes(8).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: TEAM_ID, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    ...extra,
  });
}

export { ackText } from './slack-requests.js';

// ---- a Firewatch whose log lines can be inspected ---------------------------------------------

export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

/** Firewatch in this process (as test/support/app.ts starts it) with its warn+ log lines kept in `logs`. */
export async function startLoggedApp(
  emu: SlackEmulator,
  database: Database,
  config: Config,
  extraEnv: Record<string, string> = {},
): Promise<{ app: Firewatch; logs: LogLine[] }> {
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          logs.push(JSON.parse(line) as LogLine);
        } catch {
          logs.push({ level: 60, msg: line });
        }
      }
      done();
    },
  });
  const logger = pino({ level: 'warn', base: { app: 'firewatch' } }, sink);
  const env = loadEnv({
    SLACK_BOT_TOKEN: emu.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: emu.url,
    PORT: '0',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  });
  const app = await startFirewatch({ env, config, logger, database, outboxLeaseMs: 5_000 });
  return { app, logs };
}

/** Log lines that mean an error escaped a handler: Bolt's unhandled listener errors and the HTTP server's 500s. */
export function escapedErrors(logs: LogLine[], from = 0): string[] {
  const escaped = /unhandled error in a Slack listener|request handler failed|An unhandled error occurred/;
  return logs
    .slice(from)
    .filter((l) => escaped.test(String(l.msg ?? '')))
    .map((l) => `${String(l.msg)}: ${JSON.stringify((l.err as { message?: unknown } | undefined)?.message ?? l.err ?? '').slice(0, 300)}`);
}

// ---- database snapshots -----------------------------------------------------------------------

export const WATCHED_TABLES = [
  'incidents',
  'timeline_events',
  'outbox',
  'incident_members',
  'incident_roles',
  'followups',
  'message_pins',
  'subscriptions',
  'pages',
  'alerts',
  'alert_groups',
  'postmortems',
  'postmortem_answers',
] as const;

/** Row counts of the tables a request could write to. */
export async function rowCounts(db: Db, tables: readonly string[] = WATCHED_TABLES): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) {
    const rows = (await db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as
      { rows?: Array<{ n: number }> } | Array<{ n: number }>;
    const list = Array.isArray(rows) ? rows : (rows.rows ?? []);
    out[table] = Number(list[0]?.n ?? 0);
  }
  return out;
}

// ---- hostile strings --------------------------------------------------------------------------

/** Slack markup that notifies people when it reaches a mrkdwn field unescaped. */
export const PINGS = ['<!channel>', '<!here>', '<!everyone>', '<@U0BOB>', '<!subteam^S123>', '<#C123|x>'] as const;

export const CONTROL_CHARS = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).concat([
  '\u007f',
  '\u2028',
  '\u2029',
  '\u200b',
  '\ufeff',
  '\u202e',
]);

export const big = (n = 100_000, unit = 'x') => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

/** Fixed nasty strings every fuzzed field gets besides the random ones. */
export const NASTY: readonly string[] = [
  '',
  ' ',
  '\u0000',
  `title with a nul \u0000 in it`,
  CONTROL_CHARS.join(''),
  '\r\n\t\v\f',
  ...PINGS,
  PINGS.join(' '),
  '*bold* _it_ ~strike~ `code` ```block``` > quote <https://evil.example|click> &amp; &lt;',
  "'; DROP TABLE incidents; --",
  "1' OR '1'='1",
  '%00%0d%0a',
  '${process.exit(1)}',
  '__proto__',
  '{"incidentId":1}',
  'INC-0',
  'INC-999999999',
  '🔥'.repeat(300),
  '\ud800 lone surrogate',
  big(100_000),
  big(100_000, '<!channel> '),
];

const controlString = fc.string({ unit: fc.constantFrom(...CONTROL_CHARS), maxLength: 40 });
const markupPiece = fc.constantFrom(...PINGS, '*', '_', '~', '`', '>', '<', '&', '<https://x.example|y>', ':fire:', '\n');

/** Random text a person or a broken client might send. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 2, arbitrary: controlString },
  { weight: 3, arbitrary: fc.array(fc.oneof(markupPiece, fc.string({ maxLength: 8 })), { maxLength: 12 }).map((parts) => parts.join(' ')) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 3_000, max: 100_000 }), fc.constantFrom('x', 'é', '🔥', '<!here>', '\u0001'))
      .map(([n, unit]) => big(n, unit)),
  },
);

/** Button values: non-numeric, huge, negative, SQL-ish, shaped like the real ones, not strings at all. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.integer().map(String),
  fc.constantFrom(
    '-1',
    '0',
    '1e309',
    'NaN',
    'Infinity',
    '0x10',
    '9007199254740993',
    '2147483648',
    '99999999999999999999:investigating',
    '-5:resolved',
    '1:',
    ':',
    '1:2:3',
  ),
  fc
    .tuple(fc.integer({ min: -5, max: 3_000_000_000 }), fc.constantFrom('investigating', 'triage', 'resolved', 'zzz', ''))
    .map(([n, s]) => `${n}:${s}`),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}:${b}`),
  fc.constantFrom(null, 12, true, [], {}, ['1'], { id: 1 }),
);

// ---- markup scanning --------------------------------------------------------------------------

export interface PostedMessage {
  where: string;
  message: { text?: unknown; blocks?: unknown; mrkdwn?: unknown; [key: string]: unknown };
}

/** The text fields Slack parses as mrkdwn: the top-level text (unless mrkdwn is false) and every mrkdwn object. */
export function mrkdwnTexts(message: PostedMessage['message']): string[] {
  const out: string[] = [];
  if (typeof message.text === 'string' && message.mrkdwn !== false) out.push(message.text);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Record<string, unknown>;
    if ((obj.type === 'mrkdwn' || obj.type === 'markdown') && typeof obj.text === 'string') out.push(obj.text);
    if (obj.type === 'plain_text') return;
    for (const value of Object.values(obj)) walk(value);
  };
  walk(message.blocks);
  return out;
}

/** Messages Firewatch sent to Slack from call number `fromCall` on (posts, edits, ephemerals, DMs, topics). */
export function postedMessages(emu: SlackEmulator, fromCall = 0): PostedMessage[] {
  const out: PostedMessage[] = [];
  for (const call of emu.calls.slice(fromCall)) {
    const args = call.args;
    if (['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'chat.scheduleMessage'].includes(call.method)) {
      out.push({ where: `${call.method} to ${String(args.channel)}`, message: args });
    } else if (call.method === 'conversations.setTopic' || call.method === 'conversations.setPurpose') {
      out.push({ where: `${call.method} of ${String(args.channel)}`, message: { text: String(args.topic ?? args.purpose ?? '') } });
    } else if (call.method === 'files.completeUploadExternal' && typeof args.initial_comment === 'string') {
      out.push({ where: `${call.method} comment`, message: { text: args.initial_comment } });
    }
  }
  return out;
}

/** Each mrkdwn field holding a raw ping: where it was, which pings, and the text around the first (deduplicated). */
export function rawPings(messages: PostedMessage[], pings: readonly string[] = PINGS): string[] {
  const found = new Set<string>();
  for (const { where, message } of messages) {
    const top = typeof message.text === 'string' ? message.text : undefined;
    for (const text of mrkdwnTexts(message)) {
      const raw = pings.filter((p) => text.includes(p));
      if (raw.length === 0) continue;
      const at = text.indexOf(raw[0]!);
      const field = text === top ? 'top-level text' : 'mrkdwn block text';
      found.add(`${where}, ${field}: raw ${raw.join(' ')} in "${text.slice(Math.max(0, at - 50), at + 70).replace(/\n/g, '\\n')}"`);
    }
  }
  return [...found];
}

// ---- assorted ---------------------------------------------------------------------------------

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `fn` returns something truthy, or throws after `timeoutMs`. */
export async function until<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

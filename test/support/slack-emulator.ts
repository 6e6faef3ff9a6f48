// A Slack Web API emulator for end-to-end tests: answers like slack.com/api (argument names, response
// shapes, error codes, Block Kit limits), records every call, and injects faults on demand. It also
// speaks Socket Mode: apps.connections.open hands out a WebSocket URL on this same server, which
// greets with `hello` and carries envelopes the test sends (see sendSocketEnvelope).
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

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
  | { kind: 'ratelimit'; retryAfter?: number }
  | { kind: 'http'; status: number }
  | { kind: 'error'; error: string }
  | { kind: 'reset' }
  | { kind: 'hang'; ms: number };
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
   * The bot token's scopes. When given, a method whose scope is missing answers `missing_scope` as Slack
   * does; test/support/app.ts passes the scopes manifest.yml asks for.
   */
  scopes?: readonly string[];
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
}

type Json = Record<string, unknown>;
type Handler = (a: Args) => Json;

const MESSAGE_BLOCKS_MAX = 50;
const VIEW_BLOCKS_MAX = 100;
const VIEW_MAX_BYTES = 250 * 1024;
const RESPONSE_URL_USES = 5;
// Arguments the SDK sends as JSON strings in form bodies.
const STRUCTURED_ARGS = [
  'blocks',
  'attachments',
  'view',
  'metadata',
  'files',
  'unfurls',
  'user_auth_blocks',
  'document_content',
  'changes',
];
const BLOCK_TYPES = new Set([
  'actions',
  'context',
  'context_actions',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'table',
  'video',
]);
const CHANNEL_NAME = /^[a-z0-9_-]+$/;
const EMOJI_NAME = /^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/;
/** Methods called with the app-level token (xapp-…) instead of the bot token. */
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

class ApiFailure extends Error {
  constructor(
    readonly code: string,
    readonly extra: Json = {},
  ) {
    super(code);
  }
}
function fail(code: string, extra?: Json): never {
  throw new ApiFailure(code, extra);
}
function invalidArguments(messages: string[]): never {
  fail('invalid_arguments', { response_metadata: { messages } });
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const nowSec = (): number => Math.floor(Date.now() / 1000);
const safeJson = (s: string): unknown => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
};
const textLength = (t: unknown): number => (isObj(t) && typeof t.text === 'string' ? t.text.length : 0);
const toBase64 = (s: string): string => Buffer.from(s).toString('base64');

/** Slack ts "1700000000.000123" as comparable microseconds; NaN when malformed. */
function tsValue(ts: string): number {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(ts);
  return m ? Number(m[1]) * 1e6 + Number((m[2] ?? '').padEnd(6, '0')) : Number.NaN;
}

/** Typed access to request arguments, which arrive as strings (form) or JSON values. */
class Args {
  constructor(readonly raw: Json) {}
  get(k: string): unknown {
    return this.raw[k];
  }
  str(k: string): string | undefined {
    const v = this.raw[k];
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  }
  bool(k: string): boolean {
    const v = this.raw[k];
    return v === true || v === 'true' || v === '1' || v === 1;
  }
  int(k: string, fallback: number): number {
    const n = Number(this.str(k) ?? Number.NaN);
    return Number.isFinite(n) ? Math.trunc(n) : fallback;
  }
  list(k: string): string[] {
    const v = this.raw[k];
    const items = Array.isArray(v) ? v.map(String) : (this.str(k) ?? '').split(',');
    return items.map((s) => s.trim()).filter(Boolean);
  }
}

/** Offset cursors, opaque base64 like Slack's. */
function paginate<T>(items: T[], a: Args, defaultLimit: number, maxLimit: number): { items: T[]; next_cursor: string } {
  let start = 0;
  const cursor = a.str('cursor');
  if (cursor) {
    const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    if (!m) fail('invalid_cursor');
    start = Number(m[1]);
  }
  const limit = Math.min(Math.max(a.int('limit', 0) || defaultLimit, 1), maxLimit);
  const end = start + limit;
  return { items: items.slice(start, end), next_cursor: end < items.length ? toBase64(`offset:${end}`) : '' };
}

/** Block Kit checks, reported as Slack's "[ERROR] … [json-pointer:…]" messages. */
function blockErrors(blocks: unknown[], base: string, max: number): string[] {
  const errs: string[] = [];
  const e = (msg: string, ptr: string): void => {
    errs.push(`[ERROR] ${msg} [json-pointer:${ptr}]`);
  };
  const limit = (t: unknown, max: number, ptr: string): void => {
    if (!isObj(t)) return;
    const len = textLength(t);
    if (len === 0) e('must be more than 0 characters', `${ptr}/text`);
    if (len > max) e(`must be less than ${max + 1} characters`, `${ptr}/text`);
  };
  const element = (el: unknown, ptr: string): void => {
    if (!isObj(el)) return;
    if (typeof el.action_id === 'string' && el.action_id.length > 255) e('must be less than 256 characters', `${ptr}/action_id`);
    if (el.type === 'button') {
      limit(el.text, 75, `${ptr}/text`);
      if (typeof el.value === 'string' && el.value.length > 2000) e('must be less than 2001 characters', `${ptr}/value`);
    }
    if (Array.isArray(el.options) && el.options.length > 100) e('must provide an array of no more than 100 items', `${ptr}/options`);
  };
  if (blocks.length > max) e(`no more than ${max} items allowed`, base);
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => {
    const p = `${base}/${i}`;
    if (!isObj(b) || typeof b.type !== 'string') {
      e('missing required field: type', p);
      return;
    }
    if (!BLOCK_TYPES.has(b.type)) {
      e(`unsupported type: ${b.type}`, `${p}/type`);
      return;
    }
    if (typeof b.block_id === 'string') {
      if (blockIds.has(b.block_id)) e(`non-unique block_id: ${b.block_id}`, `${p}/block_id`);
      if (b.block_id.length > 255) e('must be less than 256 characters', `${p}/block_id`);
      blockIds.add(b.block_id);
    }
    switch (b.type) {
      case 'header':
        if (!isObj(b.text)) e('missing required field: text', p);
        else if (b.text.type !== 'plain_text') e('must be a plain_text object', `${p}/text/type`);
        limit(b.text, 150, `${p}/text`);
        break;
      case 'section':
        if (b.text === undefined && b.fields === undefined) e('must provide either text or fields', p);
        limit(b.text, 3000, `${p}/text`);
        if (Array.isArray(b.fields)) {
          if (b.fields.length > 10) e('must provide an array of no more than 10 items', `${p}/fields`);
          b.fields.forEach((f, j) => {
            limit(f, 2000, `${p}/fields/${j}`);
          });
        }
        element(b.accessory, `${p}/accessory`);
        break;
      case 'actions': {
        const els: unknown[] = Array.isArray(b.elements) ? b.elements : [];
        if (els.length === 0) e('must provide an array of at least 1 items', `${p}/elements`);
        if (els.length > 25) e('must provide an array of no more than 25 items', `${p}/elements`);
        const actionIds = new Set<string>();
        els.forEach((el, j) => {
          element(el, `${p}/elements/${j}`);
          if (isObj(el) && typeof el.action_id === 'string') {
            if (actionIds.has(el.action_id)) e(`non-unique action_id: ${el.action_id}`, `${p}/elements/${j}/action_id`);
            actionIds.add(el.action_id);
          }
        });
        break;
      }
      case 'context':
        if (Array.isArray(b.elements) && b.elements.length > 10) e('must provide an array of no more than 10 items', `${p}/elements`);
        break;
      case 'input':
        if (!isObj(b.label)) e('missing required field: label', p);
        if (textLength(b.label) > 2000) e('must be less than 2001 characters', `${p}/label/text`);
        if (!isObj(b.element)) e('missing required field: element', p);
        element(b.element, `${p}/element`);
        break;
    }
  });
  return errs;
}

function multipartParts(body: Buffer, contentType: string): Array<{ name: string; filename?: string; data: Buffer }> {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return [];
  const delim = Buffer.from(`--${boundary}`);
  const parts: Array<{ name: string; filename?: string; data: Buffer }> = [];
  let start = body.indexOf(delim);
  while (start !== -1) {
    const next = body.indexOf(delim, start + delim.length);
    if (next === -1) break;
    const part = body.subarray(start + delim.length + 2, next - 2); // drop the CRLFs around each part
    const sep = part.indexOf('\r\n\r\n');
    if (sep !== -1) {
      const head = part.subarray(0, sep).toString('utf8');
      const name = /(?:^|;)\s*name="([^"]*)"/im.exec(head)?.[1];
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      if (name !== undefined) parts.push({ name, filename, data: Buffer.from(part.subarray(sep + 4)) });
    }
    start = next;
  }
  return parts;
}

function parseArgs(contentType: string, body: Buffer, query: URLSearchParams): Json {
  const args: Json = {};
  const ct = contentType.toLowerCase();
  if (ct.startsWith('application/json')) {
    const j = safeJson(body.toString('utf8'));
    if (isObj(j)) Object.assign(args, j);
  } else if (ct.startsWith('multipart/form-data')) {
    for (const p of multipartParts(body, contentType)) if (p.filename === undefined) args[p.name] = p.data.toString('utf8');
  } else {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) args[k] = v;
  }
  for (const [k, v] of query) if (!Object.hasOwn(args, k)) args[k] = v;
  for (const k of STRUCTURED_ARGS) {
    const v = args[k];
    if (typeof v === 'string') {
      const parsed = safeJson(v);
      if (parsed !== undefined) args[k] = parsed; // unparseable stays a string, which the handlers reject like Slack
    }
  }
  return args;
}

function tzInfo(tz: string): { tz_label: string; tz_offset: number } {
  try {
    const part = (style: Intl.DateTimeFormatOptions['timeZoneName']): string =>
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style })
        .formatToParts(new Date())
        .find((p) => p.type === 'timeZoneName')?.value ?? '';
    const off = /GMT([+-])(\d{1,2}):?(\d{2})?/.exec(part('longOffset'));
    const offset = off ? (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 3600 + Number(off[3] ?? 0) * 60) : 0;
    return { tz_label: part('long'), tz_offset: offset };
  } catch {
    return { tz_label: 'Coordinated Universal Time', tz_offset: 0 };
  }
}

function collectTexts(node: unknown, out: string[]): void {
  if (Array.isArray(node)) for (const n of node) collectTexts(n, out);
  else if (isObj(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'text' && typeof v === 'string') out.push(v);
      else collectTexts(v, out);
    }
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

// ---- a minimal RFC 6455 WebSocket server (the `ws` package is not a dependency) ----------------

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const WS_MAX_MESSAGE = 16 * 1024 * 1024;
const SOCKET_ACK_TIMEOUT_MS = 10_000;

/** One server-side WebSocket: unmasked frames out, masked frames in, ping→pong, close handshake. */
class WsConnection {
  /** True once either side started closing: no more envelopes go out on it. */
  closing = false;
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;
  private readonly closedListeners: Array<() => void> = [];

  constructor(
    private readonly socket: Duplex,
    private readonly onText: (text: string) => void,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    socket.on('error', () => {
      socket.destroy();
    });
    socket.on('close', () => {
      this.closing = true;
      for (const l of this.closedListeners.splice(0)) l();
    });
  }

  get open(): boolean {
    return !this.closing && !this.socket.destroyed;
  }

  onClosed(listener: () => void): void {
    if (this.socket.destroyed) listener();
    else this.closedListeners.push(listener);
  }

  sendText(text: string): void {
    this.frame(0x1, Buffer.from(text, 'utf8'));
  }

  /** Starts the close handshake; the TCP connection goes after the peer answers or `graceMs`. */
  close(code = 1000, reason = '', graceMs = 1000): void {
    if (!this.closing) {
      this.closing = true;
      const body = Buffer.alloc(2 + Buffer.byteLength(reason));
      body.writeUInt16BE(code, 0);
      body.write(reason, 2, 'utf8');
      this.frame(0x8, body);
    }
    setTimeout(() => {
      this.socket.destroy();
    }, graceMs).unref();
  }

  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  feed(head: Buffer): void {
    if (head.length) this.onData(head);
  }

  private frame(opcode: number, payload: Buffer): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    const len = payload.length;
    const head = len < 126 ? Buffer.alloc(2) : len < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
    head[0] = 0x80 | opcode; // FIN: the server never fragments
    if (len < 126) head[1] = len;
    else if (len < 65_536) {
      head[1] = 126;
      head.writeUInt16BE(len, 2);
    } else {
      head[1] = 127;
      head.writeBigUInt64BE(BigInt(len), 2);
    }
    this.socket.write(Buffer.concat([head, payload]));
  }

  /** A protocol error from the peer: close with the given status, as RFC 6455 §7.1.7 asks. */
  private fail(code: number, reason: string): void {
    this.buffer = Buffer.alloc(0);
    this.close(code, reason, 100);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const b0 = b[0] ?? 0;
      const b1 = b[1] ?? 0;
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      const masked = (b1 & 0x80) !== 0;
      let len = b1 & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        const big = b.readBigUInt64BE(2);
        if (big > BigInt(WS_MAX_MESSAGE)) {
          this.fail(1009, 'message too big');
          return;
        }
        len = Number(big);
        offset = 10;
      }
      if ((b0 & 0x70) !== 0) {
        this.fail(1002, 'no extension was negotiated');
        return;
      }
      if (!masked) {
        this.fail(1002, 'client frames must be masked');
        return;
      }
      if (b.length < offset + 4 + len) return;
      const mask = b.subarray(offset, offset + 4);
      const payload = Buffer.from(b.subarray(offset + 4, offset + 4 + len));
      for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
      this.buffer = b.subarray(offset + 4 + len);
      this.onFrame(fin, opcode, payload);
      if (this.socket.destroyed) return;
    }
  }

  private onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case 0x0: // continuation
        if (!this.fragmentOpcode) {
          this.fail(1002, 'unexpected continuation frame');
          return;
        }
        this.fragments.push(payload);
        if (fin) this.deliver(this.fragmentOpcode, Buffer.concat(this.fragments.splice(0)));
        return;
      case 0x1:
      case 0x2:
        if (this.fragmentOpcode) {
          this.fail(1002, 'expected a continuation frame');
          return;
        }
        if (fin) this.deliver(opcode, payload);
        else {
          this.fragmentOpcode = opcode;
          this.fragments = [payload];
        }
        return;
      case 0x8: {
        // close: answer with the same status (unless we started it), then hang up
        const wasClosing = this.closing;
        this.closing = true;
        if (!wasClosing) this.frame(0x8, payload.subarray(0, 2));
        this.socket.end();
        return;
      }
      case 0x9: // ping
        this.frame(0xa, payload);
        return;
      case 0xa: // pong
        return;
      default:
        this.fail(1002, `unknown opcode ${opcode}`);
    }
  }

  private deliver(opcode: number, data: Buffer): void {
    this.fragmentOpcode = 0;
    if (opcode === 0x1) this.onText(data.toString('utf8'));
    // Slack ignores binary messages, and so do we.
  }
}

export class SlackEmulator {
  readonly url: string;
  readonly botToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly appId: string;
  readonly appToken: string;

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
  /** usergroups.users.list answers from here (unknown groups have no members). */
  usergroups = new Map<string, string[]>();
  /** When true every API call answers HTTP 503 (a Slack outage). */
  down = false;

  private readonly teamName: string;
  private readonly botName: string;
  private readonly triggerTtlMs: number;
  private readonly scopes: ReadonlySet<string> | undefined;
  private readonly strictUsers: boolean;
  private readonly origin: string;
  private seq = 0;
  private lastMicros = 0;
  private readonly faults = new Map<string, Fault[]>();
  private readonly triggers = new Map<string, { issued: number; used: boolean; viewId?: string; user?: string }>();
  private readonly responseUrls = new Map<string, { uses: number; source?: ResponseSource }>();
  private readonly uploads = new Map<string, { filename: string; length: number; content?: Buffer }>();
  private readonly hangs = new Set<AbortController>();
  /** Tickets handed out by apps.connections.open; each opens one WebSocket. */
  private readonly socketTickets = new Map<string, { issued: number }>();
  private readonly sockets: WsConnection[] = [];
  private readonly pendingAcks = new Map<
    string,
    { resolve: (ack: SocketAck) => void; reject: (e: Error) => void; sentAt: number; timer: NodeJS.Timeout }
  >();
  private readonly startedAt = new Date();

  static async start(opts: EmulatorOptions = {}): Promise<SlackEmulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const emu = new SlackEmulator(opts, server, (server.address() as AddressInfo).port);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void emu.onRequest(req, res);
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      emu.onUpgrade(req, socket, head);
    });
    return emu;
  }

  private constructor(
    opts: EmulatorOptions,
    private readonly server: Server,
    port: number,
  ) {
    this.origin = `http://127.0.0.1:${port}`;
    this.url = `${this.origin}/api/`;
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
    this.scopes = opts.scopes ? new Set(opts.scopes) : undefined;
    this.strictUsers = opts.strictUsers ?? false;
    this.addUser({ id: this.botUserId, name: this.botName, real_name: 'Firewatch', is_bot: true });
    for (const u of opts.users ?? []) this.addUser(u);
    for (const c of opts.channels ?? []) this.addChannel(c);
  }

  // ---- test-facing helpers ------------------------------------------------------------------

  fault(method: string, ...faults: Fault[]): void {
    const queue = this.faults.get(method) ?? [];
    queue.push(...faults);
    this.faults.set(method, queue); // method '*' matches any method without its own queued fault
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** A fresh trigger_id; pass the view it came from so views.push stacks onto that modal. */
  triggerId(from: { viewId?: string; user?: string } = {}): string {
    const id = `${++this.seq}.${this.teamId.replace(/\D/g, '') || '1'}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { issued: Date.now(), used: false, ...from });
    return id;
  }

  /** A fresh response_url; with a source, replace_original/delete_original/in_channel/ephemeral act on it. */
  responseUrl(source?: ResponseSource): string {
    const id = `${++this.seq}${randomBytes(8).toString('hex')}`;
    this.responseUrls.set(id, { uses: 0, source });
    return `${this.origin}/respond/${id}`;
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

  async waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
    const started = Date.now();
    let lastError: unknown;
    for (;;) {
      try {
        const v = fn();
        if (v) return v as T;
      } catch (e) {
        lastError = e;
      }
      if (Date.now() - started >= timeoutMs) break;
      await sleep(20);
    }
    const recent = this.calls
      .slice(-15)
      .map((c) => `${c.method}:${c.fault ?? (c.ok ? 'ok' : (c.error ?? c.status))}`)
      .join(', ');
    const why = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
    throw new Error(
      `waitFor timed out after ${timeoutMs} ms waiting for ${fn.toString().slice(0, 160)}${why}; recent calls: ${recent || 'none'}`,
    );
  }

  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.ephemerals.length = 0;
  }

  async close(): Promise<void> {
    for (const h of this.hangs) h.abort();
    for (const [id, p] of this.pendingAcks) {
      clearTimeout(p.timer);
      p.reject(new Error(`Socket Mode envelope ${id} was not acked before the emulator closed`));
    }
    this.pendingAcks.clear();
    // Upgraded sockets are no longer the HTTP server's to close: say goodbye, then cut them.
    for (const ws of this.sockets.splice(0)) {
      ws.close(1001, 'emulator closing', 0);
      ws.destroy();
    }
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  // ---- Socket Mode ----------------------------------------------------------------------------

  /** Open Socket Mode connections (those that got `hello` and are not closing). */
  socketConnections(): number {
    return this.openSockets().length;
  }

  /** Resolves once at least one Socket Mode connection is open. */
  async waitForSocket(timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (this.socketConnections() === 0) {
      if (Date.now() - started >= timeoutMs) {
        const opens = this.callsOf('apps.connections.open')
          .map((c) => (c.ok ? 'ok' : (c.error ?? c.status)))
          .join(', ');
        throw new Error(`no Socket Mode connection after ${timeoutMs} ms; apps.connections.open calls: ${opens || 'none'}`);
      }
      await sleep(20);
    }
  }

  /**
   * Delivers an envelope to the newest open connection, as Slack does, and resolves with the app's ack
   * (`{ envelope_id, payload }`); rejects after 10 s without one, or when the connection closes first.
   */
  sendSocketEnvelope(type: SocketEnvelopeType, payload: Record<string, unknown>, options: SocketEnvelopeOptions = {}): Promise<SocketAck> {
    const ws = this.openSockets().at(-1);
    if (!ws) return Promise.reject(new Error('no open Socket Mode connection to deliver to'));
    const envelopeId = randomUUID();
    const respondable =
      type === 'slash_commands' || (type === 'interactive' && ['view_submission', 'block_suggestion'].includes(String(payload.type)));
    const envelope: Json = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: options.acceptsResponsePayload ?? respondable,
      // Only Events API deliveries are retried, and only they carry the retry fields.
      ...(type === 'events_api' ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryAttempt ? 'timeout' : '' } : {}),
    };
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelopeId);
        reject(new Error(`Socket Mode envelope ${envelopeId} (${type}) was not acked within ${SOCKET_ACK_TIMEOUT_MS} ms`));
      }, SOCKET_ACK_TIMEOUT_MS);
      this.pendingAcks.set(envelopeId, { resolve, reject, sentAt: performance.now(), timer });
      ws.onClosed(() => {
        const p = this.pendingAcks.get(envelopeId);
        if (!p) return;
        clearTimeout(p.timer);
        this.pendingAcks.delete(envelopeId);
        p.reject(new Error(`the Socket Mode connection closed before envelope ${envelopeId} (${type}) was acked`));
      });
      ws.sendText(JSON.stringify(envelope));
    });
  }

  private openSockets(): WsConnection[] {
    return this.sockets.filter((s) => s.open);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, text: string): void => {
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
      );
    };
    socket.on('error', () => {
      socket.destroy();
    });
    const url = new URL(req.url ?? '/', this.origin);
    if (url.pathname !== '/socket') {
      refuse(404, 'not_found');
      return;
    }
    if (this.down) {
      refuse(503, 'Service Unavailable');
      return;
    }
    const ticket = url.searchParams.get('ticket') ?? '';
    if (!this.socketTickets.delete(ticket)) {
      refuse(401, 'invalid_ticket');
      return;
    } // tickets are single use
    const key = req.headers['sec-websocket-key'];
    if (
      req.headers.upgrade?.toLowerCase() !== 'websocket' ||
      req.headers['sec-websocket-version'] !== '13' ||
      typeof key !== 'string' ||
      !key
    ) {
      refuse(400, 'bad websocket handshake');
      return;
    }
    const accept = createHash('sha1')
      .update(key + WS_GUID)
      .digest('base64');
    // No Sec-WebSocket-Extensions in the answer: permessage-deflate is declined, so frames stay plain.
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    (socket as Socket).setNoDelay?.(true);
    const ws = new WsConnection(socket, (text) => {
      this.onSocketMessage(text);
    });
    this.sockets.push(ws);
    ws.onClosed(() => {
      const i = this.sockets.indexOf(ws);
      if (i !== -1) this.sockets.splice(i, 1);
    });
    ws.sendText(
      JSON.stringify({
        type: 'hello',
        num_connections: this.socketConnections(),
        debug_info: {
          host: 'emulator',
          started: this.startedAt.toISOString().replace('T', ' ').slice(0, 23),
          build_number: 1,
          approximate_connection_time: 18060,
        },
        connection_info: { app_id: this.appId },
      }),
    );
    ws.feed(head);
  }

  /** What the app sends on the socket: acks `{ envelope_id, payload }`; anything else is ignored, like Slack. */
  private onSocketMessage(text: string): void {
    const msg = safeJson(text);
    if (!isObj(msg) || typeof msg.envelope_id !== 'string') return;
    const p = this.pendingAcks.get(msg.envelope_id);
    if (!p) return; // a late or duplicate ack
    clearTimeout(p.timer);
    this.pendingAcks.delete(msg.envelope_id);
    p.resolve({
      envelope_id: msg.envelope_id,
      ...(msg.payload !== undefined ? { payload: msg.payload } : {}),
      ackMs: performance.now() - p.sentAt,
    });
  }

  // ---- HTTP plumbing ------------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', this.origin);
      const path = url.pathname;
      if (path.startsWith('/api/')) await this.onApi(path.slice('/api/'.length), url, req, body, res);
      else if (path.startsWith('/upload/')) this.onUpload(path.slice('/upload/'.length), req, body, res);
      else if (path.startsWith('/respond/')) this.onRespond(path.slice('/respond/'.length), body, res);
      else sendText(res, 404, 'not_found');
    } catch (e) {
      sendText(res, 500, e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
  }

  private async onApi(method: string, url: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const args = parseArgs(req.headers['content-type'] ?? '', body, url.searchParams);
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;
    const call: RecordedCall = { method, args, at: Date.now(), status: 0, response: undefined, ok: false };
    this.calls.push(call);

    if (this.down) {
      call.fault = 'down';
      this.answerText(call, res, 503, 'Service Unavailable');
      return;
    }
    const fault = this.takeFault(method);
    if (fault) call.fault = fault.kind;
    switch (fault?.kind) {
      case 'ratelimit':
        this.answer(call, res, { ok: false, error: 'ratelimited' }, 429, { 'retry-after': String(fault.retryAfter ?? 1) });
        return;
      case 'http':
        this.answerText(call, res, fault.status, `${fault.status} ${STATUS_CODES[fault.status] ?? 'Error'}`);
        return;
      case 'error':
        this.answer(call, res, { ok: false, error: fault.error });
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang': {
        // Slack still performs the call after the client gave up; close() abandons it.
        const ac = new AbortController();
        this.hangs.add(ac);
        try {
          await sleep(fault.ms, undefined, { signal: ac.signal });
        } catch {
          return;
        } finally {
          this.hangs.delete(ac);
        }
        break;
      }
    }
    this.answer(call, res, this.dispatch(method, new Args(args), token, call));
  }

  private takeFault(method: string): Fault | undefined {
    const own = this.faults.get(method);
    if (own?.length) return own.shift();
    return this.faults.get('*')?.shift();
  }

  private dispatch(method: string, a: Args, token: string | undefined, call: RecordedCall): Json {
    const handler = this.handlers.get(method);
    if (!handler) return { ok: false, error: 'unknown_method' };
    if (!token) return { ok: false, error: 'not_authed' };
    // apps.connections.open takes only the app-level token; every other method only the bot token.
    if (APP_TOKEN_METHODS.has(method)) {
      if (token !== this.appToken) return { ok: false, error: 'invalid_auth' };
    } else if (token !== this.botToken) {
      return { ok: false, error: token === this.appToken ? 'not_allowed_token_type' : 'invalid_auth' };
    }
    const needed = this.scopes && this.scopeFor(method, a);
    if (needed && !this.scopes?.has(needed))
      return { ok: false, error: 'missing_scope', needed, provided: [...(this.scopes ?? [])].join(',') };
    try {
      return { ok: true, ...handler(a) };
    } catch (e) {
      if (e instanceof ApiFailure) return { ok: false, error: e.code, ...e.extra };
      call.exception = e instanceof Error ? (e.stack ?? e.message) : String(e);
      return { ok: false, error: 'internal_error' };
    }
  }

  /** The bot scope a call needs, as Slack's method reference lists it; conversation methods by the conversation's kind. */
  private scopeFor(method: string, a: Args): string | undefined {
    const byKind = (scopes: { public: string; private: string; im: string; mpim: string }): string => {
      const c = this.channels.get(a.str('channel') ?? '');
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
      case 'canvases.create':
      case 'canvases.edit':
        return 'canvases:write';
      case 'team.info':
        return 'team:read';
      default:
        return undefined;
    }
  }

  private answer(call: RecordedCall, res: ServerResponse, body: Json, status = 200, headers: Record<string, string> = {}): void {
    call.status = status;
    call.response = body;
    call.ok = body.ok === true;
    if (typeof body.error === 'string') call.error = body.error;
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  private answerText(call: RecordedCall, res: ServerResponse, status: number, text: string): void {
    call.status = status;
    call.response = text;
    sendText(res, status, text);
  }

  private onUpload(id: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const upload = this.uploads.get(id);
    if (!upload) {
      sendText(res, 404, 'file_not_found');
      return;
    }
    const ct = req.headers['content-type'] ?? '';
    // The SDK posts the bytes as multipart/form-data; other clients post them raw.
    const parts = ct.toLowerCase().startsWith('multipart/form-data') ? multipartParts(body, ct) : [];
    upload.content = (parts.find((p) => p.filename !== undefined) ?? parts[0])?.data ?? body;
    sendText(res, 200, `OK - ${upload.content.length}`);
  }

  private onRespond(id: string, body: Buffer, res: ServerResponse): void {
    const url = this.responseUrls.get(id);
    if (!url) {
      sendText(res, 404, 'no_service');
      return;
    }
    if (url.uses >= RESPONSE_URL_USES) {
      sendText(res, 404, 'used_url');
      return;
    }
    const payload = safeJson(body.toString('utf8'));
    if (!isObj(payload)) {
      sendText(res, 400, 'invalid_payload');
      return;
    }
    url.uses += 1;
    this.responses.push({ id, body: payload, at: Date.now() });
    if (url.source) this.applyResponse(url.source, payload);
    sendText(res, 200, 'ok');
  }

  private applyResponse(src: ResponseSource, p: Json): void {
    const blocks = Array.isArray(p.blocks) ? (p.blocks as unknown[]) : undefined;
    const text = typeof p.text === 'string' ? p.text : undefined;
    const original = src.ts ? this.findMessage(src.channel, src.ts) : undefined;
    if (p.delete_original === true && original) {
      original.deleted = true;
    } else if (p.replace_original === true && original) {
      original.text = text ?? '';
      original.blocks = blocks ?? [];
      original.edited += 1;
      original.edited_ts = this.nextTs();
    } else if (p.response_type === 'in_channel') {
      const thread = typeof p.thread_ts === 'string' ? p.thread_ts : undefined;
      this.post({
        channel: src.channel,
        ts: this.nextTs(),
        text: text ?? '',
        blocks: blocks ?? [],
        user: this.botUserId,
        bot_id: this.botId,
        thread_ts: thread,
        edited: 0,
      });
    } else if (src.user) {
      this.ephemerals.push({ channel: src.channel, user: src.user, text: text ?? '', blocks: blocks ?? [], ts: this.nextTs() });
    }
  }

  // ---- shared rules ---------------------------------------------------------------------------

  private newId(prefix: string, taken: (id: string) => boolean = () => false): string {
    let id: string;
    do id = `${prefix}0${(++this.seq).toString(36).toUpperCase().padStart(8, '0')}`;
    while (taken(id));
    return id;
  }

  /** Strictly increasing "<seconds>.<6 digits>" timestamps, close to the wall clock like Slack's. */
  private nextTs(): string {
    this.lastMicros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    return `${Math.floor(this.lastMicros / 1e6)}.${String(this.lastMicros % 1e6).padStart(6, '0')}`;
  }

  private isMember(c: EmuChannel): boolean {
    return c.members.has(this.botUserId);
  }
  // Slack hides private conversations the bot is not in: they answer channel_not_found.
  private canSee(c: EmuChannel): boolean {
    return !c.is_private || this.isMember(c);
  }
  private userExists(id: string): boolean {
    return this.users.has(id) || (!this.strictUsers && /^[UW][A-Z0-9]+$/.test(id));
  }

  private channelArg(a: Args, key = 'channel'): EmuChannel {
    const id = a.str(key);
    const c = id ? this.channels.get(id) : undefined;
    if (!c || !this.canSee(c)) fail('channel_not_found');
    return c;
  }
  private requireMember(c: EmuChannel): void {
    if (!this.isMember(c)) fail('not_in_channel');
  }
  private requireActive(c: EmuChannel): void {
    if (c.is_archived) fail('is_archived');
  }
  private requireNotIm(c: EmuChannel): void {
    if (c.is_im) fail('method_not_supported_for_channel_type');
  }

  private messageArg(c: EmuChannel, ts: string | undefined): EmuMessage {
    const m = ts ? this.findMessage(c.id, ts) : undefined;
    if (!m) fail('message_not_found');
    return m;
  }

  private validateName(name: string | undefined, exceptId?: string): string {
    if (!name) fail('invalid_name_required');
    if (name.length > 80) fail('invalid_name_maxlength');
    if (!CHANNEL_NAME.test(name)) fail('invalid_name_specials');
    if (/^[-_]+$/.test(name)) fail('invalid_name_punctuation');
    const existing = this.channelByName(name);
    if (existing && existing.id !== exceptId) fail('name_taken');
    return name;
  }

  /** chat.* targets: a conversation id, a user id (their IM with the bot) or a channel name. */
  private resolveTarget(target: string | undefined): EmuChannel {
    if (!target) fail('channel_not_found');
    const c =
      this.channels.get(target) ??
      (/^[UW][A-Z0-9]+$/.test(target) && this.userExists(target) ? this.openIm(target) : this.channelByName(target));
    if (!c || !this.canSee(c)) fail('channel_not_found');
    return c;
  }

  private openIm(user: string): EmuChannel {
    for (const c of this.channels.values()) if (c.is_im && c.user === user) return c;
    return this.addChannel({ name: user, is_im: true, is_private: true, user, creator: this.botUserId });
  }

  /** The blocks argument: absent, or an array within Block Kit limits (errors as chat.* reports them). */
  private messageBlocks(a: Args): unknown[] | undefined {
    const raw = a.get('blocks');
    if (raw === undefined || raw === '') return undefined;
    if (!Array.isArray(raw)) fail('invalid_blocks_format');
    const blocks: unknown[] = raw;
    const errors = blockErrors(blocks, '/blocks', MESSAGE_BLOCKS_MAX);
    if (errors.length)
      fail('invalid_blocks', { errors: errors.map((m) => m.replace(/^\[ERROR\] /, '')), response_metadata: { messages: errors } });
    return blocks;
  }

  private metadataArg(a: Args): Json | undefined {
    const raw = a.get('metadata');
    if (raw === undefined || raw === '') return undefined;
    if (!isObj(raw)) fail('invalid_metadata_format');
    if (Object.keys(raw).length === 0) return raw; // chat.update: an empty object removes metadata
    if (typeof raw.event_type !== 'string' || !isObj(raw.event_payload)) fail('invalid_metadata_schema');
    return raw;
  }

  private post(m: EmuMessage): EmuMessage {
    this.messages.push(m);
    return m;
  }

  private messageJson(m: EmuMessage, withMetadata: boolean): Json {
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

  private channelJson(c: EmuChannel, withCount = true): Json {
    if (c.is_im) {
      return {
        id: c.id,
        created: c.created,
        is_im: true,
        is_org_shared: false,
        user: c.user,
        is_user_deleted: !!this.users.get(c.user ?? '')?.deleted,
        priority: 0,
      };
    }
    return {
      id: c.id,
      name: c.name,
      is_channel: true,
      is_group: false,
      is_im: false,
      is_mpim: !!c.is_mpim,
      is_private: c.is_private,
      created: c.created,
      is_archived: c.is_archived,
      is_general: false,
      unlinked: 0,
      name_normalized: c.name,
      is_shared: false,
      is_ext_shared: false,
      is_org_shared: false,
      is_pending_ext_shared: false,
      pending_shared: [],
      context_team_id: this.teamId,
      parent_conversation: null,
      creator: c.creator,
      is_member: this.isMember(c),
      topic: { value: c.topic, creator: c.topic_creator ?? '', last_set: c.topic_last_set ?? 0 },
      purpose: { value: c.purpose, creator: c.purpose_creator ?? '', last_set: c.purpose_last_set ?? 0 },
      previous_names: c.previous_names ?? [],
      ...(withCount ? { num_members: c.members.size } : {}),
    };
  }

  private userJson(u: EmuUser): Json {
    const tz = u.tz ?? 'UTC';
    const realName = u.real_name ?? u.name;
    const image = `https://secure.gravatar.com/avatar/${u.id}.jpg`;
    return {
      id: u.id,
      team_id: this.teamId,
      name: u.name,
      deleted: !!u.deleted,
      color: '9f69e7',
      real_name: realName,
      tz,
      ...tzInfo(tz),
      profile: {
        real_name: realName,
        real_name_normalized: realName,
        display_name: u.name,
        display_name_normalized: u.name,
        ...(u.email ? { email: u.email } : {}),
        ...(u.is_bot ? { bot_id: this.botId } : {}),
        image_24: image,
        image_48: image,
        image_72: image,
        team: this.teamId,
      },
      is_admin: false,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: !!u.is_bot,
      is_app_user: false,
      updated: nowSec(),
    };
  }

  private userArg(a: Args, key: string): EmuUser {
    const id = a.str(key);
    if (!id) fail('user_not_found');
    const known = this.users.get(id);
    if (known) return known;
    if (!this.userExists(id)) fail('user_not_found');
    return { id, name: id.toLowerCase(), real_name: `User ${id}` };
  }

  // ---- views ----------------------------------------------------------------------------------

  private exchangeTrigger(a: Args): { viewId?: string; user?: string; used: boolean } {
    const id = a.str('trigger_id');
    if (!id) invalidArguments(['[ERROR] missing required field: trigger_id']);
    const t = this.triggers.get(id);
    if (!t) fail('invalid_trigger_id');
    if (t.used) fail('exchanged_trigger_id');
    if (Date.now() - t.issued > this.triggerTtlMs) fail('expired_trigger_id');
    return t;
  }

  private viewArg(a: Args, types: string[]): Json {
    const v = a.get('view');
    if (v === undefined) invalidArguments(['[ERROR] missing required field: view']);
    if (!isObj(v)) invalidArguments(['[ERROR] failed to match all allowed schemas [json-pointer:/view]']);
    if (Buffer.byteLength(JSON.stringify(v)) > VIEW_MAX_BYTES) fail('view_too_large');
    const errs: string[] = [];
    const e = (msg: string, ptr: string): void => {
      errs.push(`[ERROR] ${msg} [json-pointer:/view${ptr}]`);
    };
    const plain = (t: unknown, name: string, required: boolean): void => {
      if (t === undefined) {
        if (required) e(`missing required field: ${name}`, '');
        return;
      }
      if (!isObj(t) || t.type !== 'plain_text') e('must be a plain_text object', `/${name}`);
      const len = textLength(t);
      if (len === 0) e('must be more than 0 characters', `/${name}/text`);
      if (len > 24) e('must be less than 25 characters', `/${name}/text`);
    };
    if (typeof v.type !== 'string' || !types.includes(v.type)) e(`must be one of: ${types.join(', ')}`, '/type');
    if (v.type === 'modal') {
      plain(v.title, 'title', true);
      plain(v.submit, 'submit', false);
      plain(v.close, 'close', false);
    }
    if (!Array.isArray(v.blocks)) e('missing required field: blocks', '');
    else {
      const blocks: unknown[] = v.blocks;
      errs.push(...blockErrors(blocks, '/view/blocks', VIEW_BLOCKS_MAX));
      if (v.type === 'modal' && v.submit === undefined && blocks.some((b) => isObj(b) && b.type === 'input')) {
        e('must provide a submit property when using input blocks', '');
      }
    }
    if (v.private_metadata !== undefined && (typeof v.private_metadata !== 'string' || v.private_metadata.length > 3000)) {
      e('must be less than 3001 characters', '/private_metadata');
    }
    for (const k of ['callback_id', 'external_id']) {
      const s = v[k];
      if (typeof s === 'string' && s.length > 255) e('must be less than 256 characters', `/${k}`);
    }
    if (errs.length) invalidArguments(errs);
    return v;
  }

  private newHash(): string {
    return `${nowSec()}.${randomBytes(4).toString('hex')}`;
  }

  private checkExternalId(v: Json, selfId?: string): void {
    if (typeof v.external_id !== 'string' || v.external_id === '') return;
    if (this.views.some((x) => x.id !== selfId && x.view.external_id === v.external_id)) fail('duplicate_external_id');
  }

  private viewJson(r: EmuView): Json {
    const v = r.view;
    return {
      id: r.id,
      team_id: this.teamId,
      type: v.type,
      ...(v.title !== undefined ? { title: v.title } : {}),
      ...(v.submit !== undefined ? { submit: v.submit } : {}),
      ...(v.close !== undefined ? { close: v.close } : {}),
      blocks: v.blocks,
      private_metadata: v.private_metadata ?? '',
      callback_id: v.callback_id ?? '',
      external_id: v.external_id ?? '',
      state: { values: {} },
      hash: r.hash,
      clear_on_close: v.clear_on_close === true,
      notify_on_close: v.notify_on_close === true,
      root_view_id: r.root_view_id,
      previous_view_id: r.previous_view_id ?? null,
      app_id: this.appId,
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
    };
  }

  private addView(view: Json, user: string | undefined, root?: string, previous?: string): EmuView {
    const id = this.newId('V', (x) => this.views.some((r) => r.id === x));
    const r: EmuView = { id, hash: this.newHash(), view, user, root_view_id: root ?? id, previous_view_id: previous };
    this.views.push(r);
    return r;
  }

  // ---- method table -----------------------------------------------------------------------------

  private readonly handlers = new Map<string, Handler>(
    Object.entries({
      'auth.test': () => ({
        url: `https://${this.teamDomain}.slack.com/`,
        team: this.teamName,
        user: this.botName,
        team_id: this.teamId,
        user_id: this.botUserId,
        bot_id: this.botId,
        is_enterprise_install: false,
      }),

      'apps.connections.open': () => {
        const ticket = randomUUID();
        this.socketTickets.set(ticket, { issued: Date.now() });
        return { url: `${this.origin.replace(/^http/, 'ws')}/socket?ticket=${ticket}` };
      },

      'team.info': () => ({
        team: {
          id: this.teamId,
          name: this.teamName,
          url: `https://${this.teamDomain}.slack.com/`,
          domain: this.teamDomain,
          email_domain: '',
          icon: { image_default: true },
          is_verified: false,
        },
      }),

      'conversations.create': (a) => {
        const name = this.validateName(a.str('name'));
        const c = this.addChannel({ name, is_private: a.bool('is_private'), creator: this.botUserId, members: new Set([this.botUserId]) });
        return { channel: this.channelJson(c) };
      },

      'conversations.invite': (a) => {
        const c = this.channelArg(a);
        const ids = a.list('users');
        if (ids.length === 0) fail('no_user');
        if (ids.length > 1000) fail('too_many_users');
        this.requireNotIm(c);
        this.requireActive(c);
        this.requireMember(c);
        if (ids.includes(this.botUserId)) fail('cant_invite_self');
        const unknown = ids.find((u) => !this.userExists(u));
        if (unknown) fail('user_not_found', { errors: [{ user: unknown, ok: false, error: 'user_not_found' }] });
        if (ids.every((u) => c.members.has(u))) fail('already_in_channel');
        for (const u of ids) c.members.add(u);
        return { channel: this.channelJson(c) };
      },

      'conversations.join': (a) => {
        const c = this.channelArg(a);
        this.requireNotIm(c);
        this.requireActive(c);
        if (this.isMember(c))
          return { channel: this.channelJson(c), warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } };
        c.members.add(this.botUserId);
        return { channel: this.channelJson(c) };
      },

      'conversations.leave': (a) => {
        const c = this.channelArg(a);
        this.requireNotIm(c);
        this.requireActive(c);
        if (!this.isMember(c)) return { ok: false, not_in_channel: true }; // documented: not an error code
        if (c.is_private && c.members.size === 1) fail('last_member');
        c.members.delete(this.botUserId);
        return {};
      },

      'conversations.setTopic': (a) => this.setTopicOrPurpose(a, 'topic'),
      'conversations.setPurpose': (a) => this.setTopicOrPurpose(a, 'purpose'),

      'conversations.archive': (a) => {
        const c = this.channelArg(a);
        this.requireNotIm(c);
        if (c.is_archived) fail('already_archived');
        this.requireMember(c);
        c.is_archived = true;
        return {};
      },

      'conversations.unarchive': (a) => {
        const c = this.channelArg(a);
        this.requireNotIm(c);
        if (!c.is_archived) fail('not_archived');
        c.is_archived = false;
        return {};
      },

      'conversations.rename': (a) => {
        const c = this.channelArg(a);
        this.requireNotIm(c);
        this.requireActive(c);
        this.requireMember(c);
        const name = this.validateName(a.str('name'), c.id);
        if (name !== c.name) c.previous_names = [c.name, ...(c.previous_names ?? [])];
        c.name = name;
        return { channel: this.channelJson(c) };
      },

      'conversations.info': (a) => ({ channel: this.channelJson(this.channelArg(a), a.bool('include_num_members')) }),

      'conversations.members': (a) => {
        const p = paginate([...this.channelArg(a).members], a, 100, 1000);
        return { members: p.items, response_metadata: { next_cursor: p.next_cursor } };
      },

      'conversations.list': (a) => {
        const types = new Set(a.list('types').length ? a.list('types') : ['public_channel']);
        const excludeArchived = a.bool('exclude_archived');
        const all = [...this.channels.values()].filter((c) => {
          if (excludeArchived && c.is_archived) return false;
          if (c.is_im) return types.has('im');
          if (c.is_mpim) return types.has('mpim') && this.isMember(c);
          return c.is_private ? types.has('private_channel') && this.isMember(c) : types.has('public_channel');
        });
        const p = paginate(all, a, 100, 1000);
        return { channels: p.items.map((c) => this.channelJson(c)), response_metadata: { next_cursor: p.next_cursor } };
      },

      'conversations.history': (a) => {
        const c = this.channels.get(a.str('channel') ?? '');
        if (!c) fail('channel_not_found');
        if (!this.canSee(c)) fail('not_in_channel');
        const within = this.tsWindow(a);
        const top = this.messagesIn(c.id)
          .filter((m) => (!m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast) && within(m.ts))
          .reverse(); // newest first
        const p = paginate(top, a, 100, 999);
        return {
          messages: p.items.map((m) => this.messageJson(m, a.bool('include_all_metadata'))),
          has_more: p.next_cursor !== '',
          pin_count: this.pins.filter((x) => x.channel === c.id).length,
          response_metadata: { next_cursor: p.next_cursor },
        };
      },

      'conversations.replies': (a) => {
        const c = this.channelArg(a);
        const m = this.findMessage(c.id, a.str('ts') ?? '');
        if (!m) fail('thread_not_found');
        const root = m.thread_ts ?? m.ts;
        const within = this.tsWindow(a);
        const thread = this.messagesIn(c.id).filter((r) => (r.ts === root || r.thread_ts === root) && within(r.ts));
        const p = paginate(thread, a, 1000, 1000);
        return {
          messages: p.items.map((r) => this.messageJson(r, a.bool('include_all_metadata'))),
          has_more: p.next_cursor !== '',
          response_metadata: { next_cursor: p.next_cursor },
        };
      },

      'conversations.open': (a) => {
        const resume = a.str('channel');
        if (resume) {
          const c = this.channels.get(resume);
          if (!c || !this.canSee(c)) fail('channel_not_found');
          return { no_op: true, already_open: true, channel: a.bool('return_im') ? this.channelJson(c) : { id: c.id } };
        }
        const users = a.list('users').filter((u) => u !== this.botUserId);
        if (users.length === 0) fail('users_list_not_supplied');
        if (users.length > 8) fail('too_many_users');
        const unknown = users.find((u) => !this.userExists(u));
        if (unknown) fail('user_not_found');
        const [only] = users;
        if (users.length === 1 && only) {
          const existed = [...this.channels.values()].some((c) => c.is_im && c.user === only);
          const im = this.openIm(only);
          return {
            ...(existed ? { no_op: true, already_open: true } : {}),
            channel: a.bool('return_im') ? this.channelJson(im) : { id: im.id },
          };
        }
        const members = new Set([this.botUserId, ...users]);
        const name = `mpdm-${[...members].map((u) => this.users.get(u)?.name ?? u.toLowerCase()).join('--')}-1`;
        const mpim =
          this.channelByName(name) ?? this.addChannel({ name, is_private: true, is_mpim: true, members, creator: this.botUserId });
        return { channel: { id: mpim.id } };
      },

      'chat.postMessage': (a) => {
        const c = this.resolveTarget(a.str('channel'));
        this.requireActive(c);
        const blocks = this.messageBlocks(a);
        const text = a.str('text') ?? '';
        if (!text && !blocks?.length && a.get('attachments') === undefined) fail('no_text');
        const metadata = this.metadataArg(a);
        const thread = a.str('thread_ts') || undefined;
        const m = this.post({
          channel: c.id,
          ts: this.nextTs(),
          text,
          blocks: blocks ?? [],
          user: this.botUserId,
          bot_id: this.botId,
          thread_ts: thread,
          metadata,
          edited: 0,
          reply_broadcast: thread ? a.bool('reply_broadcast') : undefined,
        });
        return { channel: c.id, ts: m.ts, message: this.messageJson(m, true) };
      },

      'chat.update': (a) => {
        const c = this.channelArg(a);
        if (c.is_archived) fail('is_inactive'); // chat.update's documented code for archived channels
        const m = this.messageArg(c, a.str('ts'));
        if (m.user !== this.botUserId) fail('cant_update_message');
        const blocks = this.messageBlocks(a);
        const text = a.str('text');
        const metadata = this.metadataArg(a);
        if (!text && !blocks?.length && a.get('attachments') === undefined && metadata === undefined) fail('no_text');
        // Omitted blocks/metadata are kept, as Slack documents; an empty value removes them.
        if (text !== undefined) m.text = text;
        if (blocks !== undefined) m.blocks = blocks;
        if (metadata !== undefined) m.metadata = Object.keys(metadata).length ? metadata : undefined;
        m.edited += 1;
        m.edited_ts = this.nextTs();
        return { channel: c.id, ts: m.ts, text: m.text, message: this.messageJson(m, true) };
      },

      'chat.delete': (a) => {
        const c = this.channelArg(a);
        const m = this.messageArg(c, a.str('ts'));
        if (m.user !== this.botUserId) fail('cant_delete_message');
        m.deleted = true;
        this.pins = this.pins.filter((p) => !(p.channel === c.id && p.ts === m.ts));
        return { channel: c.id, ts: m.ts };
      },

      'chat.postEphemeral': (a) => {
        const target = a.str('channel');
        const c = target ? (this.channels.get(target) ?? this.channelByName(target)) : undefined;
        if (!c) fail('channel_not_found');
        if (c.is_private && !c.is_im && !this.isMember(c)) fail('not_in_channel');
        this.requireActive(c);
        const user = a.str('user');
        if (!user) fail('user_not_found');
        if (!c.members.has(user)) fail('user_not_in_channel');
        const blocks = this.messageBlocks(a);
        const text = a.str('text') ?? '';
        if (!text && !blocks?.length && a.get('attachments') === undefined) fail('no_text');
        const ts = this.nextTs();
        this.ephemerals.push({ channel: c.id, user, text, blocks: blocks ?? [], ts });
        return { message_ts: ts };
      },

      'chat.getPermalink': (a) => {
        const c = this.channelArg(a);
        const m = this.messageArg(c, a.str('message_ts'));
        const base = `https://${this.teamDomain}.slack.com/archives/${c.id}/p${m.ts.replace('.', '')}`;
        const reply = m.thread_ts && m.thread_ts !== m.ts ? `?thread_ts=${m.thread_ts}&cid=${c.id}` : '';
        return { channel: c.id, permalink: base + reply };
      },

      'pins.add': (a) => {
        const c = this.channelArg(a);
        const ts = a.str('timestamp');
        if (!ts) fail('no_item_specified');
        this.requireMember(c);
        this.requireActive(c);
        this.messageArg(c, ts);
        if (this.pins.some((p) => p.channel === c.id && p.ts === ts)) fail('already_pinned');
        this.pins.push({ channel: c.id, ts, created: nowSec(), created_by: this.botUserId });
        return {};
      },

      'pins.remove': (a) => {
        const c = this.channelArg(a);
        const ts = a.str('timestamp');
        if (!ts) fail('no_item_specified');
        const i = this.pins.findIndex((p) => p.channel === c.id && p.ts === ts);
        if (i === -1) fail('no_pin');
        this.pins.splice(i, 1);
        return {};
      },

      'pins.list': (a) => {
        const c = this.channelArg(a);
        const items = this.pins
          .filter((p) => p.channel === c.id)
          .flatMap((p) => {
            const m = this.findMessage(c.id, p.ts);
            return m
              ? [{ type: 'message', created: p.created, created_by: p.created_by, channel: c.id, message: this.messageJson(m, false) }]
              : [];
          });
        return { items };
      },

      'reactions.add': (a) => {
        const { c, ts, name } = this.reactionArgs(a);
        this.requireActive(c);
        if (this.reactions.some((r) => r.channel === c.id && r.ts === ts && r.name === name && r.user === this.botUserId))
          fail('already_reacted');
        this.reactions.push({ channel: c.id, ts, name, user: this.botUserId });
        return {};
      },

      'reactions.remove': (a) => {
        const { c, ts, name } = this.reactionArgs(a);
        const i = this.reactions.findIndex((r) => r.channel === c.id && r.ts === ts && r.name === name && r.user === this.botUserId);
        if (i === -1) fail('no_reaction');
        this.reactions.splice(i, 1);
        return {};
      },

      'bookmarks.add': (a) => {
        const c = this.channelArg(a, 'channel_id');
        const title = a.str('title');
        if (!title) invalidArguments(['[ERROR] missing required field: title']);
        const type = a.str('type');
        if (type !== 'link') fail('invalid_bookmark_type');
        const link = a.str('link') ?? '';
        if (!/^https?:\/\//.test(link)) fail('invalid_link');
        const emoji = a.str('emoji');
        const b: EmuBookmark = { id: this.newId('Bk'), channel_id: c.id, title, link, type, emoji, date_created: nowSec() };
        this.bookmarks.push(b);
        return { bookmark: this.bookmarkJson(b) };
      },

      'bookmarks.list': (a) => {
        const c = this.channelArg(a, 'channel_id');
        return { bookmarks: this.bookmarks.filter((b) => b.channel_id === c.id).map((b) => this.bookmarkJson(b)) };
      },

      'views.open': (a) => {
        const t = this.exchangeTrigger(a);
        const view = this.viewArg(a, ['modal']);
        this.checkExternalId(view);
        t.used = true;
        return { view: this.viewJson(this.addView(view, t.user)) };
      },

      'views.push': (a) => {
        const t = this.exchangeTrigger(a);
        const view = this.viewArg(a, ['modal']);
        // The trigger's own view when known, else the modal opened last.
        const from = this.views.find((r) => r.id === t.viewId) ?? this.views.filter((r) => r.view.type === 'modal').at(-1);
        if (!from) fail('not_found');
        const stack = this.views.filter((r) => r.root_view_id === from.root_view_id);
        if (stack.length >= 3) fail('push_limit_reached');
        this.checkExternalId(view);
        t.used = true;
        return { view: this.viewJson(this.addView(view, from.user ?? t.user, from.root_view_id, stack.at(-1)?.id)) };
      },

      'views.update': (a) => {
        const id = a.str('view_id');
        const ext = a.str('external_id');
        if (!id && !ext) invalidArguments(['[ERROR] missing required field: view_id']);
        const r = this.views.find((x) => (id ? x.id === id : x.view.external_id === ext));
        if (!r) fail('not_found');
        const view = this.viewArg(a, ['modal', 'home']);
        const hash = a.str('hash');
        if (hash && hash !== r.hash) fail('hash_conflict');
        this.checkExternalId(view, r.id);
        r.view = view;
        r.hash = this.newHash();
        return { view: this.viewJson(r) };
      },

      'views.publish': (a) => {
        const user = a.str('user_id');
        if (!user) invalidArguments(['[ERROR] missing required field: user_id']);
        if (!this.userExists(user)) fail('user_not_found');
        const view = this.viewArg(a, ['home']);
        const existing = this.views.find((r) => r.user === user && r.view.type === 'home');
        const hash = a.str('hash');
        if (hash && existing && hash !== existing.hash) fail('hash_conflict');
        if (!existing) return { view: this.viewJson(this.addView(view, user)) };
        existing.view = view;
        existing.hash = this.newHash();
        return { view: this.viewJson(existing) };
      },

      'users.info': (a) => ({ user: this.userJson(this.userArg(a, 'user')) }),

      'users.lookupByEmail': (a) => {
        const email = (a.str('email') ?? '').toLowerCase();
        const u = [...this.users.values()].find((x) => x.email?.toLowerCase() === email && email !== '');
        if (!u) fail('users_not_found');
        return { user: this.userJson(u) };
      },

      'users.list': (a) => {
        const p = paginate([...this.users.values()], a, 200, 1000);
        return { members: p.items.map((u) => this.userJson(u)), cache_ts: nowSec(), response_metadata: { next_cursor: p.next_cursor } };
      },

      'usergroups.users.list': (a) => ({ users: this.usergroups.get(a.str('usergroup') ?? '') ?? [] }),

      'files.getUploadURLExternal': (a) => {
        const filename = a.str('filename');
        const length = a.int('length', 0);
        if (!filename) invalidArguments(['[ERROR] missing required field: filename']);
        if (length < 1) invalidArguments(['[ERROR] missing required field: length']);
        const id = this.newId('F', (x) => this.uploads.has(x) || this.files.some((f) => f.id === x));
        this.uploads.set(id, { filename, length });
        return { upload_url: `${this.origin}/upload/${id}`, file_id: id };
      },

      'files.completeUploadExternal': (a) => {
        const raw = a.get('files');
        const list: unknown[] = Array.isArray(raw) ? raw : [];
        const entries = list.filter(isObj);
        if (entries.length === 0 || entries.length !== list.length) invalidArguments(['[ERROR] missing required field: files']);
        const done = entries.map((f) => {
          const id = typeof f.id === 'string' ? f.id : '';
          const upload = this.uploads.get(id);
          if (!upload?.content) fail('file_not_found');
          return { id, title: typeof f.title === 'string' ? f.title : upload.filename, upload, content: upload.content };
        });
        const channelId = a.str('channel_id');
        const c = channelId ? this.channels.get(channelId) : undefined;
        if (channelId && (!c || !this.canSee(c))) fail('invalid_channel');
        const thread = a.str('thread_ts') || undefined;
        const comment = a.str('initial_comment');
        for (const f of done) {
          this.uploads.delete(f.id);
          this.files.push({
            id: f.id,
            filename: f.upload.filename,
            title: f.title,
            length: f.content.length,
            content: f.content,
            channel: c?.id,
            thread_ts: thread,
            initial_comment: comment,
          });
        }
        if (c) {
          this.post({
            channel: c.id,
            ts: this.nextTs(),
            text: comment ?? '',
            blocks: [],
            user: this.botUserId,
            bot_id: this.botId,
            thread_ts: thread,
            edited: 0,
            files: done.map((f) => ({ id: f.id, title: f.title })),
          });
        }
        return { files: done.map((f) => ({ id: f.id, title: f.title })) };
      },

      'canvases.create': (a) => {
        if (!this.canvasesAllowed) fail('canvas_disabled_user_team');
        const markdown = this.documentContent(a.get('document_content'));
        const channelId = a.str('channel_id');
        const c = channelId ? this.channels.get(channelId) : undefined;
        if (channelId && (!c || !this.canSee(c))) fail('channel_not_found');
        const id = this.newId('F', (x) => this.canvases.has(x) || this.files.some((f) => f.id === x));
        this.canvases.set(id, { id, title: a.str('title') ?? '', markdown: markdown ?? '', channel: c?.id, edits: 0 });
        return { canvas_id: id };
      },

      'canvases.edit': (a) => {
        if (!this.canvasesAllowed) fail('canvas_disabled_user_team');
        const id = a.str('canvas_id');
        if (!id) invalidArguments(['[ERROR] missing required field: canvas_id']);
        const raw = a.get('changes');
        const changes = Array.isArray(raw) ? raw.filter(isObj) : [];
        if (changes.length === 0 || !Array.isArray(raw) || changes.length !== raw.length)
          invalidArguments(['[ERROR] missing required field: changes']);
        const canvas = this.canvases.get(id);
        if (!canvas) fail('canvas_not_found');
        for (const change of changes) {
          const markdown = this.documentContent(change.document_content) ?? '';
          switch (change.operation) {
            // Without a section_id a replace takes the whole document.
            case 'replace':
              if (change.section_id !== undefined) fail('canvas_editing_failed');
              canvas.markdown = markdown;
              break;
            case 'insert_at_start':
              canvas.markdown = `${markdown}\n${canvas.markdown}`;
              break;
            case 'insert_at_end':
              canvas.markdown = `${canvas.markdown}\n${markdown}`;
              break;
            case 'rename': {
              const title = isObj(change.title_content) ? change.title_content.markdown : undefined;
              if (typeof title !== 'string') invalidArguments(['[ERROR] missing required field: title_content']);
              canvas.title = title;
              break;
            }
            default:
              invalidArguments([`[ERROR] unsupported operation: ${String(change.operation)}`]);
          }
        }
        canvas.edits++;
        return {};
      },
    } satisfies Record<string, Handler>),
  );

  /** A canvas's `document_content`: `{ type: 'markdown', markdown }`, at most 1 MiB of it; undefined when absent. */
  private documentContent(raw: unknown): string | undefined {
    if (raw === undefined) return undefined;
    if (!isObj(raw) || raw.type !== 'markdown' || typeof raw.markdown !== 'string')
      invalidArguments(['[ERROR] document_content must be {"type": "markdown", "markdown": "…"}']);
    if (raw.markdown.length > 1_048_576) invalidArguments(['[ERROR] document_content.markdown is over 1,048,576 characters']);
    return raw.markdown;
  }

  private setTopicOrPurpose(a: Args, field: 'topic' | 'purpose'): Json {
    const c = this.channelArg(a);
    this.requireNotIm(c);
    this.requireActive(c);
    this.requireMember(c);
    const value = a.str(field) ?? '';
    if (value.length > 250) fail('too_long');
    if (field === 'topic') Object.assign(c, { topic: value, topic_creator: this.botUserId, topic_last_set: nowSec() });
    else Object.assign(c, { purpose: value, purpose_creator: this.botUserId, purpose_last_set: nowSec() });
    return { channel: this.channelJson(c) };
  }

  /** latest/oldest/inclusive as conversations.history and .replies read them. */
  private tsWindow(a: Args): (ts: string) => boolean {
    const latest = a.str('latest');
    const oldest = a.str('oldest');
    const hi = latest ? tsValue(latest) : Number.POSITIVE_INFINITY;
    const lo = oldest ? tsValue(oldest) : 0;
    if (Number.isNaN(hi)) fail('invalid_ts_latest');
    if (Number.isNaN(lo)) fail('invalid_ts_oldest');
    const inclusive = a.bool('inclusive');
    return (ts) => {
      const v = tsValue(ts);
      return inclusive ? v >= lo && v <= hi : v > lo && v < hi;
    };
  }

  private reactionArgs(a: Args): { c: EmuChannel; ts: string; name: string } {
    const c = this.channelArg(a);
    const ts = a.str('timestamp');
    if (!ts) fail('no_item_specified');
    const name = a.str('name') ?? '';
    if (!EMOJI_NAME.test(name)) fail('invalid_name');
    this.messageArg(c, ts);
    return { c, ts, name };
  }

  private bookmarkJson(b: EmuBookmark): Json {
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
      last_updated_by_user_id: this.botUserId,
      last_updated_by_team_id: this.teamId,
      shortcut_id: null,
      app_id: this.appId,
    };
  }
}

// The emulator's HTTP side: Web API dispatch (tokens, scopes, injected faults), response_url posts and file
// uploads, on one local port that also serves Socket Mode.
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiFailure, Args, type Handler, isObj, type Json, multipartParts, parseArgs, safeJson } from './args.js';
import { appsMethods } from './methods/apps.js';
import { authMethods } from './methods/auth.js';
import { bookmarksMethods } from './methods/bookmarks.js';
import { canvasesMethods } from './methods/canvases.js';
import { chatMethods } from './methods/chat.js';
import { conversationsMethods } from './methods/conversations.js';
import { filesMethods } from './methods/files.js';
import { pinsMethods } from './methods/pins.js';
import { reactionsMethods } from './methods/reactions.js';
import { teamMethods } from './methods/team.js';
import { usergroupsMethods } from './methods/usergroups.js';
import { usersMethods } from './methods/users.js';
import { viewsMethods } from './methods/views.js';
import { HomeView } from './home.js';
import { OpenIdProvider } from './openid.js';
import { ModalView } from './modals.js';
import { APP_TOKEN_METHODS, requiredScopes, unmetScopes } from './scopes.js';
import { ChannelView, DmView } from './assertions.js';
import { RateLimiter } from './rate-limits.js';
import { SocketModeServer } from './socket-mode.js';
import type {
  EmulatorOptions,
  Fault,
  RecordedCall,
  ResponseSource,
  SocketAck,
  SocketEnvelopeOptions,
  SocketEnvelopeType,
} from './types.js';
import { Workspace } from './workspace.js';

/** Slack: a response_url takes up to 5 posts within 30 minutes (Workspace.responseUrlTtlMs). */
const RESPONSE_URL_USES = 5;

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

export class SlackEmulator extends Workspace {
  readonly url: string;
  /** Where the app listens, once it does: buttons clicked through `channel(id)` and `dm(user)` post there. */
  appUrl: string | undefined;
  /** Sign in with Slack: the app's client credentials, the authorize page and the openid.connect.* methods. */
  readonly openid = new OpenIdProvider(this);

  private readonly faults = new Map<string, Fault[]>();
  private readonly hangs = new Set<AbortController>();
  private readonly socketMode = new SocketModeServer(this);
  private readonly rateLimiter: RateLimiter | undefined;
  private readonly handlers = new Map<string, Handler>(
    Object.entries({
      ...authMethods(this),
      ...appsMethods(this),
      ...teamMethods(this),
      ...conversationsMethods(this),
      ...chatMethods(this),
      ...pinsMethods(this),
      ...reactionsMethods(this),
      ...bookmarksMethods(this),
      ...viewsMethods(this),
      ...usersMethods(this),
      ...usergroupsMethods(this),
      ...filesMethods(this),
      ...canvasesMethods(this),
    }),
  );

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
      emu.socketMode.onUpgrade(req, socket, head);
    });
    return emu;
  }

  private constructor(
    opts: EmulatorOptions,
    private readonly server: Server,
    port: number,
  ) {
    super(opts, `http://127.0.0.1:${port}`);
    this.url = `${this.origin}/api/`;
    this.rateLimiter = opts.rateLimits ? new RateLimiter() : undefined;
  }

  // ---- test-facing helpers ------------------------------------------------------------------

  /** A channel as people in it see it: its messages and pins. */
  channel(id: string): ChannelView {
    return new ChannelView(this, id);
  }

  /** The bot's DM with `user`. */
  dm(user: string): DmView {
    return new DmView(this, user);
  }

  /** The App Home `user` sees now: the view last published for them, if any. */
  home(user: string): HomeView | undefined {
    const record = this.views.find((r) => r.user === user && r.view.type === 'home');
    return record && new HomeView(this, record);
  }

  /** How many times a Home was published for `user`. */
  homePublishesTo(user: string): number {
    return this.homePublishes.filter((p) => p.user === user).length;
  }

  /** The modal view `user` sees now (the top of their newest open stack), if any. */
  modal(user: string): ModalView | undefined {
    const top = this.views.filter((r) => r.user === user && r.view.type === 'modal' && !r.closed).at(-1);
    return top && new ModalView(this, top);
  }

  fault(method: string, ...faults: Fault[]): void {
    const queue = this.faults.get(method) ?? [];
    queue.push(...faults);
    this.faults.set(method, queue); // method '*' matches any method without its own queued fault
  }

  clearFaults(): void {
    this.faults.clear();
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
    this.socketMode.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  // ---- Socket Mode ----------------------------------------------------------------------------

  /** Open Socket Mode connections (those that got `hello` and are not closing). */
  socketConnections(): number {
    return this.socketMode.connections();
  }

  /** Socket Mode acks that came after Slack's 3 s, which Slack drops. */
  get lateSocketAcks(): ReadonlyArray<{ envelope_id: string; payload?: unknown }> {
    return this.socketMode.lateAcks;
  }

  /** Resolves once at least one Socket Mode connection is open. */
  waitForSocket(timeoutMs = 10_000): Promise<void> {
    return this.socketMode.waitForConnection(timeoutMs);
  }

  /**
   * Delivers an envelope to the newest open connection, as Slack does, and resolves with the app's ack
   * (`{ envelope_id, payload }`), or with `timedOut` when none came within Slack's 3 s; rejects when the
   * connection closes first.
   */
  sendSocketEnvelope(type: SocketEnvelopeType, payload: Record<string, unknown>, options: SocketEnvelopeOptions = {}): Promise<SocketAck> {
    return this.socketMode.sendEnvelope(type, payload, options);
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
      else if (path === '/openid/connect/authorize' || path === '/openid/connect/authorize/approve') this.openid.onAuthorize(url, res);
      else if (path === '/openid/connect/keys') this.openid.onKeys(res);
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
    const required = requiredScopes(method, new Args(args), this.channels);
    // Slack tells a token what it was granted, and what the method accepts, on every answer.
    const scopeHeaders: Record<string, string> =
      token === this.botToken ? { 'x-oauth-scopes': [...this.scopes].join(','), 'x-accepted-oauth-scopes': required.flat().join(',') } : {};

    if (this.down) {
      call.fault = 'down';
      this.answerText(call, res, 503, 'Service Unavailable');
      return;
    }
    const fault = this.takeFault(method, args);
    if (fault) call.fault = fault.kind;
    switch (fault?.kind) {
      case 'ratelimit':
        this.answer(call, res, { ok: false, error: 'ratelimited' }, 429, {
          ...scopeHeaders,
          ...(fault.retryAfter === null ? {} : { 'retry-after': String(fault.retryAfter ?? 1) }),
        });
        return;
      case 'http':
        this.answerText(call, res, fault.status, `${fault.status} ${STATUS_CODES[fault.status] ?? 'Error'}`);
        return;
      case 'error':
        this.answer(
          call,
          res,
          { ok: false, error: fault.error, ...(fault.detail === undefined ? {} : { detail: fault.detail }) },
          200,
          scopeHeaders,
        );
        return;
      case 'lost': {
        const body = this.dispatch(method, new Args(args), token, required, call);
        res.destroy();
        this.answer(call, res, body); // recorded as Slack performed it; the client hears nothing
        return;
      }
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
    const retryAfter = this.rateLimiter?.retryAfter(method, args) ?? 0;
    if (retryAfter > 0) {
      this.answer(call, res, { ok: false, error: 'ratelimited' }, 429, { ...scopeHeaders, 'retry-after': String(retryAfter) });
      return;
    }
    this.answer(call, res, this.dispatch(method, new Args(args), token, required, call), 200, scopeHeaders);
  }

  private takeFault(method: string, args: Record<string, unknown>): Fault | undefined {
    const applies = (f: Fault) => Object.entries(f.where ?? {}).every(([k, v]) => args[k] === v);
    for (const queue of [this.faults.get(method), this.faults.get('*')]) {
      const i = queue?.findIndex(applies) ?? -1;
      if (queue && i !== -1) return queue.splice(i, 1)[0];
    }
    return undefined;
  }

  private dispatch(
    method: string,
    a: Args,
    token: string | undefined,
    required: ReturnType<typeof requiredScopes>,
    call: RecordedCall,
  ): Json {
    const handler = this.handlers.get(method);
    const openid = this.openid.methods[method];
    if (openid) return this.run(() => openid(a, token), call);
    if (!handler) return { ok: false, error: 'unknown_method' };
    if (!token) return { ok: false, error: 'not_authed' };
    // apps.connections.open takes only the app-level token; every other method only the bot token.
    if (APP_TOKEN_METHODS.has(method)) {
      if (token !== this.appToken) return { ok: false, error: 'invalid_auth' };
    } else if (token !== this.botToken) {
      return { ok: false, error: token === this.appToken ? 'not_allowed_token_type' : 'invalid_auth' };
    }
    const unmet = APP_TOKEN_METHODS.has(method) ? undefined : unmetScopes(required, this.scopes);
    if (unmet) return { ok: false, error: 'missing_scope', needed: unmet.join(','), provided: [...this.scopes].join(',') };
    return this.run(() => handler(a), call);
  }

  private run(handler: () => Json, call: RecordedCall): Json {
    try {
      return { ok: true, ...handler() };
    } catch (e) {
      if (e instanceof ApiFailure) return { ok: false, error: e.code, ...e.extra };
      call.exception = e instanceof Error ? (e.stack ?? e.message) : String(e);
      return { ok: false, error: 'internal_error' };
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
    if (Date.now() - url.issued > this.responseUrlTtlMs) {
      sendText(res, 404, 'expired_url');
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
}

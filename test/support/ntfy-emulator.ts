// An ntfy server as Firewatch's push notifications meet it: `POST /<topic>` with the message as the body and
// its options in headers (RFC 2047 encoded when not ASCII), a bearer token for protected topics, ntfy's
// error shapes, and action buttons a test can press. Checked against ntfy's server (server.go, actions.go,
// errors.go): header aliases, priorities, topic names and the rules for actions are ntfy's own.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalServer, readBody } from './local-server.js';

export interface NtfyAction {
  id: string;
  action: 'view' | 'broadcast' | 'http';
  label: string;
  clear: boolean;
  url?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface NtfyMessage {
  id: string;
  time: number;
  expires: number;
  event: 'message';
  topic: string;
  title?: string;
  message: string;
  priority?: number;
  tags?: string[];
  click?: string;
  actions?: NtfyAction[];
}

/** `lost`: ntfy takes the message (the phone rings) but its answer never arrives. */
export type NtfyFault = 'ratelimit' | 'error' | 'lost';

const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;
/** ntfy's default message-size-limit; a longer body becomes an attachment, which this server does not take. */
const MESSAGE_LIMIT = 4096;
const PRIORITIES: Record<string, number> = { 1: 1, min: 1, 2: 2, low: 2, 3: 3, default: 3, 4: 4, high: 4, 5: 5, max: 5, urgent: 5 };

class NtfyError extends Error {
  constructor(
    readonly code: number,
    readonly http: number,
    message: string,
    readonly link = '',
  ) {
    super(message);
  }
}

const invalidActions = (why: string) =>
  new NtfyError(40018, 400, `invalid request: actions invalid, ${why}`, 'https://ntfy.sh/docs/publish/#action-buttons');

/** Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`), as Go's mime.WordDecoder does for ntfy. */
export function decodeHeader(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[bBqQ]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, charset: string, encoding: string, text: string) => {
      if (!/^utf-?8$/i.test(charset)) return text;
      if (encoding.toLowerCase() === 'b') return Buffer.from(text, 'base64').toString('utf8');
      const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (__, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}

function param(req: IncomingMessage, url: URL, ...names: string[]): string {
  for (const name of names) {
    const value = req.headers[name];
    const text = decodeHeader(Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
    if (text) return text;
  }
  for (const name of names) {
    const value = url.searchParams.get(name)?.trim();
    if (value) return value;
  }
  return '';
}

/** The simple format: `http, Acknowledge, https://…, method=POST, clear=true; view, Open, https://…`. */
function parseSimpleActions(text: string): Array<Partial<NtfyAction>> {
  return text
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const action: Record<string, unknown> = {};
      const positional = ['action', 'label', 'url'];
      for (const raw of part.split(',').map((s) => s.trim())) {
        const keyed = /^([-.\w]+)\s*=\s*(.*)$/.exec(raw);
        const [key, value] = keyed ? [keyed[1]!, keyed[2]!] : [positional.shift() ?? 'extra', raw];
        const unquoted = value.replace(/^"(.*)"$/, '$1');
        if (key.startsWith('headers.')) action.headers = { ...(action.headers as object), [key.slice(8)]: unquoted };
        else action[key] = key === 'clear' ? unquoted === 'true' : unquoted;
      }
      return action as Partial<NtfyAction>;
    });
}

function parseActions(text: string): NtfyAction[] {
  let parsed: Array<Partial<NtfyAction>>;
  if (text.startsWith('[')) {
    try {
      parsed = JSON.parse(text) as Array<Partial<NtfyAction>>;
    } catch (err) {
      throw invalidActions(`JSON error: ${(err as Error).message}`);
    }
  } else {
    parsed = parseSimpleActions(text);
  }
  if (parsed.length > 3) throw invalidActions('only 3 actions allowed');
  return parsed.map((a) => {
    const action = String(a.action ?? '').toLowerCase();
    const method = String(a.method ?? (action === 'http' ? 'POST' : '')).toUpperCase();
    if (!['view', 'broadcast', 'http'].includes(action)) {
      throw invalidActions(`parameter 'action' cannot be '${action}', valid values are 'view', 'broadcast' and 'http'`);
    }
    if (!a.label) throw invalidActions("parameter 'label' is required");
    if (action !== 'broadcast' && !a.url) throw invalidActions(`parameter 'url' is required for action '${action}'`);
    if (action === 'http' && ['GET', 'HEAD'].includes(method) && a.body)
      throw invalidActions(`parameter 'body' cannot be set if method is ${method}`);
    return {
      id: randomBytes(5).toString('hex'),
      action: action as NtfyAction['action'],
      label: a.label,
      clear: a.clear === true,
      ...(a.url ? { url: a.url } : {}),
      ...(action === 'http' ? { method } : {}),
      ...(a.headers ? { headers: a.headers } : {}),
      ...(a.body ? { body: a.body } : {}),
    };
  });
}

export class NtfyEmulator {
  url = '';
  readonly messages: NtfyMessage[] = [];
  /** Every publish attempt, refused ones included, with the headers it came with. */
  readonly requests: Array<{ topic: string; headers: IncomingMessage['headers']; status: number; at: number }> = [];
  private readonly faults: NtfyFault[] = [];
  private readonly server = new LocalServer((req, res) => this.handle(req, res));

  /**
   * With a token, topics are protected: publishing needs `Authorization: Bearer <token>`. `denied` topics
   * are ones that token may not write to, as ntfy's access control says of them.
   */
  constructor(private readonly options: { token?: string; denied?: readonly string[] } = {}) {}

  async start(): Promise<this> {
    this.url = await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The next publishes fail with these, in order: `ratelimit` is ntfy's 429, `error` its 500. */
  failNext(...faults: NtfyFault[]): void {
    this.faults.push(...faults);
  }

  /** Forgets the faults still queued: ntfy is well again. */
  heal(): void {
    this.faults.length = 0;
  }

  messagesTo(topic: string): NtfyMessage[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  /** Presses an action button as the ntfy app does: an `http` action sends its request, from the phone. */
  async press(message: NtfyMessage, label: string): Promise<Response> {
    const action = message.actions?.find((a) => a.label === label);
    if (!action || action.action !== 'http' || !action.url) throw new Error(`no http action "${label}" on ntfy message ${message.id}`);
    return fetch(action.url, {
      method: action.method ?? 'POST',
      headers: action.headers ?? {},
      ...(action.body ? { body: action.body } : {}),
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const topic = url.pathname.slice(1);
    const body = await readBody(req);
    try {
      const polled = /^([-_A-Za-z0-9]{1,64})\/json$/.exec(topic);
      if (req.method === 'GET' && polled) return this.poll(res, polled[1]!, url, req.headers.authorization);
      // ntfy routes only paths that are a topic name; any other path is not found.
      if ((req.method !== 'POST' && req.method !== 'PUT') || !TOPIC.test(topic)) throw new NtfyError(40401, 404, 'page not found');
      this.authorise(req.headers.authorization);
      if (this.options.denied?.includes(topic))
        throw new NtfyError(40301, 403, 'forbidden', 'https://ntfy.sh/docs/publish/#authentication');
      const fault = this.faults.shift();
      if (fault === 'ratelimit')
        throw new NtfyError(42901, 429, 'limit reached: too many requests', 'https://ntfy.sh/docs/publish/#limitations');
      if (fault === 'error') throw new NtfyError(50001, 500, 'internal server error');
      const message = this.publish(req, url, topic, body);
      this.requests.push({ topic, headers: req.headers, status: 200, at: Date.now() });
      if (fault === 'lost') return void res.destroy();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(message)}\n`);
    } catch (err) {
      if (!(err instanceof NtfyError)) throw err;
      this.requests.push({ topic, headers: req.headers, status: err.http, at: Date.now() });
      res.writeHead(err.http, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ code: err.code, http: err.http, error: err.message, ...(err.link ? { link: err.link } : {}) })}\n`);
    }
  }

  /**
   * `GET /<topic>/json?poll=1&since=<unix seconds>`: the cached messages of a topic, one JSON object per
   * line, oldest first, as ntfy answers a poll (reading a protected topic needs the token too).
   */
  private poll(res: ServerResponse, topic: string, url: URL, authorization: string | undefined): void {
    if (url.searchParams.get('poll') !== '1') throw new NtfyError(40001, 400, 'invalid request: this server only answers polls');
    this.authorise(authorization);
    const since = Number(url.searchParams.get('since') ?? 0);
    const cached = this.messagesTo(topic).filter((m) => m.time >= since);
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    res.end(cached.map((m) => `${JSON.stringify(m)}\n`).join(''));
  }

  private authorise(header: string | undefined): void {
    if (!this.options.token) return;
    if (!header) throw new NtfyError(40301, 403, 'forbidden', 'https://ntfy.sh/docs/publish/#authentication');
    if (header !== `Bearer ${this.options.token}`)
      throw new NtfyError(40101, 401, 'unauthorized', 'https://ntfy.sh/docs/publish/#authentication');
  }

  private publish(req: IncomingMessage, url: URL, topic: string, body: Buffer): NtfyMessage {
    if (body.length > MESSAGE_LIMIT) {
      throw new NtfyError(41301, 413, 'attachment too large, or bandwidth limit reached', 'https://ntfy.sh/docs/publish/#limitations');
    }
    const text = body.toString('utf8');
    if (Buffer.from(text, 'utf8').compare(body) !== 0) throw new NtfyError(40011, 400, 'invalid request: message must be UTF-8 encoded');
    const priorityText = param(req, url, 'x-priority', 'priority', 'prio', 'p').toLowerCase();
    const priority = priorityText ? PRIORITIES[priorityText] : undefined;
    if (priorityText && priority === undefined) {
      throw new NtfyError(40007, 400, 'invalid priority parameter', 'https://ntfy.sh/docs/publish/#message-priority');
    }
    const title = param(req, url, 'x-title', 'title', 't');
    const click = param(req, url, 'x-click', 'click');
    const tags = param(req, url, 'x-tags', 'tags', 'tag', 'ta');
    const actions = param(req, url, 'x-actions', 'actions', 'action');
    const now = Math.floor(Date.now() / 1000);
    const message: NtfyMessage = {
      id: randomBytes(6).toString('base64url'),
      time: now,
      expires: now + 12 * 3600,
      event: 'message',
      topic,
      ...(title ? { title } : {}),
      message: text || 'triggered',
      ...(priority ? { priority } : {}),
      ...(tags ? { tags: tags.split(',').map((t) => t.trim()) } : {}),
      ...(click ? { click } : {}),
      ...(actions ? { actions: parseActions(actions) } : {}),
    };
    this.messages.push(message);
    return message;
  }
}

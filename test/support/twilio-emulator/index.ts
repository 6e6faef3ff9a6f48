// Twilio as Firewatch's SMS and voice pages meet it: the REST API with HTTP basic auth, and the webhooks
// Twilio makes back (status callbacks, the voice URL and its <Gather>, inbound SMS), each signed with
// X-Twilio-Signature as Twilio signs them. A test decides what the phone network does: delivered or not,
// answered with which digits, or not answered.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalServer, readBody } from '../local-server.js';
import {
  callJson,
  createCall,
  createMessage,
  messageJson,
  newSid,
  TwilioError,
  type CallStatus,
  type TwilioCall,
  type TwilioMessage,
} from './rest.js';
import { twilioSignature } from './signing.js';
import { readTwiml, type TwimlPlan } from './twiml.js';

export type { TwilioCall, TwilioMessage } from './rest.js';
export { twilioSignature } from './signing.js';

/** `lost`: Twilio takes the request (the SMS goes out, the call is placed) but its answer never arrives. */
export type TwilioFault = 'ratelimit' | 'error' | 'lost';

export interface Webhook {
  url: string;
  params: Record<string, string>;
  status: number;
  body: string;
}

export interface CallRecord extends TwilioCall {
  /** What the callee heard, one plan per TwiML document fetched. */
  heard: TwimlPlan[];
  /** The TwiML error the caller would have heard instead ("an application error has occurred"). */
  error?: string;
}

export class TwilioEmulator {
  readonly accountSid = newSid('AC');
  readonly authToken = randomUUID().replace(/-/g, '');
  /** The numbers the account owns, which it may send from. */
  readonly numbers = ['+15005550006'];
  url = '';
  readonly messages: TwilioMessage[] = [];
  readonly calls: CallRecord[] = [];
  /** Every request Twilio made to the app, with the app's answer. */
  readonly webhooks: Webhook[] = [];
  /** Numbers that texted STOP: Twilio refuses to message them (21610). */
  readonly optedOut = new Set<string>();
  /** Numbers that are not mobiles: Twilio refuses to text them (21614), though it can call them. */
  readonly landlines = new Set<string>();
  /** How long Twilio takes to answer a create after taking it: a process may die while it waits. */
  answerDelayMs = 0;
  /** Messages taken whose caller was gone before Twilio answered: sent, with nobody told their sid. */
  answersLost = 0;
  private readonly faults: TwilioFault[] = [];
  private readonly server = new LocalServer((req, res) => this.handle(req, res));

  async start(): Promise<this> {
    this.url = await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The TWILIO_* variables that point Firewatch at this account. */
  env(): Record<'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_FROM' | 'TWILIO_API_URL', string> {
    return {
      TWILIO_ACCOUNT_SID: this.accountSid,
      TWILIO_AUTH_TOKEN: this.authToken,
      TWILIO_FROM: this.numbers[0]!,
      TWILIO_API_URL: this.url,
    };
  }

  /** The next REST calls fail with these, in order: `ratelimit` is Twilio's 429 (20429), `error` a 500, `lost` no answer. */
  failNext(...faults: TwilioFault[]): void {
    this.faults.push(...faults);
  }

  messagesTo(number: string): TwilioMessage[] {
    return this.messages.filter((m) => m.to === number);
  }

  /** The network's answer for a message: `sent`, then delivered or not, each told to its StatusCallback. */
  async settle(sid: string, outcome: 'delivered' | 'undelivered' | 'failed', errorCode?: number): Promise<void> {
    const message = this.messages.find((m) => m.sid === sid);
    if (!message) throw new Error(`no message ${sid}`);
    for (const status of outcome === 'failed' ? (['failed'] as const) : (['sent', outcome] as const)) {
      message.status = status;
      if (status !== 'sent') message.errorCode = outcome === 'delivered' ? null : (errorCode ?? 30003);
      if (message.statusCallback) {
        await this.webhook(message.statusCallback, {
          AccountSid: this.accountSid,
          ApiVersion: '2010-04-01',
          From: message.from,
          MessageSid: message.sid,
          MessageStatus: status,
          SmsSid: message.sid,
          SmsStatus: status,
          To: message.to,
          ...(message.errorCode ? { ErrorCode: String(message.errorCode) } : {}),
        });
      }
    }
  }

  /**
   * The callee picks up: Twilio fetches the voice URL, reads its TwiML, and when it gathers digits and the
   * callee presses some, posts them to the Gather action. The call then completes.
   */
  async answer(sid: string, digits?: string): Promise<CallRecord> {
    const call = this.call(sid);
    await this.progress(call, 'ringing');
    await this.progress(call, 'in-progress');
    const plan = await this.fetchTwiml(call, call.url!, call.method, {});
    if (plan?.gather && digits !== undefined) await this.fetchTwiml(call, plan.gather.action, plan.gather.method, { Digits: digits });
    await this.progress(call, 'completed', { CallDuration: '12' });
    return call;
  }

  /** The call rings out, is busy, or fails: only its status callback says so. */
  async endUnanswered(sid: string, status: Extract<CallStatus, 'no-answer' | 'busy' | 'failed'>): Promise<void> {
    const call = this.call(sid);
    await this.progress(call, 'ringing');
    await this.progress(call, status);
  }

  /** Someone texts one of the account's numbers: Twilio posts the message to the app's SMS URL. */
  async receiveSms(url: string, from: string, body: string): Promise<Webhook> {
    const sid = newSid('SM');
    const to = this.numbers[0]!;
    if (/^\s*(stop|stopall|unsubscribe|cancel|end|quit)\s*$/i.test(body)) this.optedOut.add(from);
    // Twilio's opt-in words lift a STOP: messages to the sender go through again.
    if (/^\s*(start|yes|unstop)\s*$/i.test(body)) this.optedOut.delete(from);
    this.messages.push({
      sid,
      to,
      from,
      body,
      status: 'received',
      direction: 'inbound',
      statusCallback: undefined,
      errorCode: null,
      created: new Date(),
    });
    const params = {
      AccountSid: this.accountSid,
      ApiVersion: '2010-04-01',
      Body: body,
      From: from,
      MessageSid: sid,
      NumMedia: '0',
      NumSegments: '1',
      SmsMessageSid: sid,
      SmsSid: sid,
      SmsStatus: 'received',
      To: to,
    };
    return this.webhook(url, params);
  }

  /** Posts a webhook as Twilio does: form-encoded, signed over the URL and the sorted parameters. */
  async webhook(url: string, params: Record<string, string>, method = 'POST'): Promise<Webhook> {
    const target = method === 'GET' ? `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(params)}` : url;
    const signature = twilioSignature(this.authToken, target, method === 'GET' ? {} : params);
    const res = await fetch(target, {
      method,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
        'i-twilio-idempotency-token': randomUUID(),
      },
      ...(method === 'GET' ? {} : { body: new URLSearchParams(params).toString() }),
    });
    const hook = { url: target, params, status: res.status, body: await res.text() };
    this.webhooks.push(hook);
    return hook;
  }

  private call(sid: string): CallRecord {
    const call = this.calls.find((c) => c.sid === sid);
    if (!call) throw new Error(`no call ${sid}`);
    return call;
  }

  private callParams(call: CallRecord): Record<string, string> {
    return {
      AccountSid: this.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: call.sid,
      CallStatus: call.status,
      Called: call.to,
      Caller: call.from,
      Direction: 'outbound-api',
      From: call.from,
      To: call.to,
    };
  }

  private async fetchTwiml(call: CallRecord, url: string, method: string, extra: Record<string, string>): Promise<TwimlPlan | undefined> {
    const hook = await this.webhook(url, { ...this.callParams(call), ...extra }, method);
    try {
      if (hook.status !== 200) throw new Error(`11200 HTTP retrieval failure: ${hook.status}`);
      const plan = readTwiml(hook.body, url);
      call.heard.push(plan);
      return plan;
    } catch (err) {
      call.error = (err as Error).message;
      return undefined;
    }
  }

  /** Moves the call on; its StatusCallback hears of the events it asked for (only `completed` by default, as Twilio does). */
  private async progress(call: CallRecord, status: CallStatus, extra: Record<string, string> = {}): Promise<void> {
    call.status = status;
    const event =
      status === 'in-progress' ? 'answered' : ['no-answer', 'busy', 'failed', 'canceled'].includes(status) ? 'completed' : status;
    const wanted = call.statusCallbackEvents.length ? call.statusCallbackEvents : ['completed'];
    if (call.statusCallback && wanted.includes(event)) {
      await this.webhook(call.statusCallback, { ...this.callParams(call), CallbackSource: 'call-progress-events', ...extra });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = new URLSearchParams((await readBody(req)).toString('utf8'));
    const path = new URL(req.url ?? '/', this.url).pathname;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      const route = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)(?:\/([^/]+))?\.json$/.exec(path);
      if (!route) throw new TwilioError(20404, 404, `The requested resource ${path} was not found`);
      this.authenticate(req.headers.authorization);
      if (route[1] !== this.accountSid) throw new TwilioError(20404, 404, `The requested resource ${path} was not found`);
      const [kind, sid] = [route[2], route[3]];
      if (req.method === 'GET' && !sid) return send(200, this.list(kind as 'Messages' | 'Calls', new URL(req.url ?? '/', this.url)));
      const fault = this.faults.shift();
      if (fault === 'ratelimit') throw new TwilioError(20429, 429, 'Too Many Requests');
      if (fault === 'error') throw new TwilioError(20500, 500, 'Internal Server Error');
      const lose = fault === 'lost' ? () => void res.destroy() : undefined;
      if (req.method === 'GET' && sid) {
        const found = kind === 'Messages' ? this.messages.find((m) => m.sid === sid) : this.calls.find((c) => c.sid === sid);
        if (!found) throw new TwilioError(20404, 404, `The requested resource ${path} was not found`);
        return send(
          200,
          kind === 'Messages' ? messageJson(this.accountSid, found as TwilioMessage) : callJson(this.accountSid, found as CallRecord),
        );
      }
      if (req.method !== 'POST' || sid) throw new TwilioError(20004, 405, 'Method not allowed');
      if (kind === 'Messages') {
        const message = createMessage(params, this.numbers, this.optedOut, this.landlines);
        this.messages.push(message);
        if (this.answerDelayMs) {
          await new Promise((r) => setTimeout(r, this.answerDelayMs));
          if (req.socket.destroyed) this.answersLost += 1;
        }
        return lose ? lose() : send(201, messageJson(this.accountSid, message));
      }
      const call: CallRecord = { ...createCall(params, this.numbers), heard: [] };
      this.calls.push(call);
      return lose ? lose() : send(201, callJson(this.accountSid, call));
    } catch (err) {
      if (!(err instanceof TwilioError)) throw err;
      return send(err.status, err.toJSON());
    }
  }

  /** A list as Twilio reads it: filtered by To and From (and DateSent for messages), newest first, one page. */
  private list(kind: 'Messages' | 'Calls', url: URL) {
    const q = url.searchParams;
    const pageSize = Math.min(Math.max(Number(q.get('PageSize') ?? 50) || 50, 1), 1000);
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const items = (kind === 'Messages' ? this.messages : this.calls)
      .filter((item) => (!q.get('To') || item.to === q.get('To')) && (!q.get('From') || item.from === q.get('From')))
      .filter((item) => kind !== 'Messages' || !q.get('DateSent>') || day(item.created) >= q.get('DateSent>')!)
      .toSorted((a, b) => b.created.getTime() - a.created.getTime())
      .slice(0, pageSize);
    const uri = `${url.pathname}?${q}`;
    return {
      [kind === 'Messages' ? 'messages' : 'calls']: items.map((item) =>
        kind === 'Messages' ? messageJson(this.accountSid, item as TwilioMessage) : callJson(this.accountSid, item as CallRecord),
      ),
      end: Math.max(items.length - 1, 0),
      first_page_uri: uri,
      next_page_uri: null,
      page: 0,
      page_size: pageSize,
      previous_page_uri: null,
      start: 0,
      uri,
    };
  }

  private authenticate(header: string | undefined): void {
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (header !== expected) throw new TwilioError(20003, 401, 'Authenticate');
  }
}

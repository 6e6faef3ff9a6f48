// Twilio's REST API for SMS and voice pages, over fetch: form-encoded POSTs to Messages.json and Calls.json
// with HTTP basic auth. Its answers become a sid, or an error that says whether trying again can help.
import { z } from 'zod';
import type { Env } from '../config/env.js';

/** A page must not wait on a Twilio that stopped answering; the outbox tries again later. */
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Twilio refused or could not be reached. `transient`: a rate limit (429), Twilio's own failure (5xx), a
 * timeout or the network, so the same request may succeed later; otherwise the request itself is refused
 * (21211 an invalid number, 21610 the person texted STOP, 21614 not a mobile number, …) and retrying it
 * sends nothing.
 */
export class TwilioRequestError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    /** Twilio's error code, when it answered with one. */
    readonly code: number | undefined,
    /** The HTTP status, when Twilio answered at all. */
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'TwilioRequestError';
  }
}

const errorBody = z.object({ code: z.number().int().optional(), message: z.string().optional() });
const created = z.object({ sid: z.string().regex(/^(SM|MM|CA)[0-9a-fA-F]{32}$/) });

export interface SmsRequest {
  to: string;
  body: string;
  statusCallback?: string;
}

export interface CallRequest {
  to: string;
  /** Where Twilio fetches the call's TwiML when the callee answers. */
  url: string;
  statusCallback?: string;
}

/** A message or call as Twilio lists them, newest first: what a retry needs to recognise its own. */
export interface Sent {
  sid: string;
  /** An SMS's text; a call has none. */
  body?: string;
  created: Date;
}

export interface TwilioClient {
  /** Sends an SMS from TWILIO_FROM; answers the message's sid. */
  sendSms(request: SmsRequest): Promise<string>;
  /** Places a call from TWILIO_FROM; answers the call's sid. */
  placeCall(request: CallRequest): Promise<string>;
  /** The latest SMS or calls from TWILIO_FROM to a number, newest first. */
  listSent(resource: 'Messages' | 'Calls', to: string): Promise<Sent[]>;
}

/** Enough of the latest to find a try made a few minutes ago; Twilio lists newest first. */
const LIST_PAGE_SIZE = 20;
const listed = z.object({
  sid: z.string(),
  body: z.string().optional(),
  direction: z.string().optional(),
  date_created: z.string(),
});
const listPage = z.object({ messages: z.array(listed).optional(), calls: z.array(listed).optional() });

type TwilioEnv = Pick<Env, 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_FROM' | 'TWILIO_API_URL'>;

/** The client for the configured account, or undefined when TWILIO_* is not set (SMS and voice are unavailable). */
export function twilioClient(env: TwilioEnv, options: { timeoutMs?: number } = {}): TwilioClient | undefined {
  const { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token, TWILIO_FROM: from } = env;
  if (!sid || !token || !from) return undefined;
  const base = `${env.TWILIO_API_URL}/2010-04-01/Accounts/${sid}`;
  const authorization = `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const create = async (resource: 'Messages' | 'Calls', params: Record<string, string | undefined>): Promise<string> => {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value !== undefined) form.set(name, value);
    let res: Response;
    try {
      res = await fetch(`${base}/${resource}.json`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      const reason = timedOut ? `no answer within ${timeoutMs} ms` : err instanceof Error ? err.message : String(err);
      throw new TwilioRequestError(`Twilio could not be reached: ${reason}`, true, undefined, undefined);
    }
    const text = await res.text().catch(() => '');
    const json = parseJson(text);
    if (res.ok) {
      const answer = created.safeParse(json);
      if (answer.success) return answer.data.sid;
      // Twilio said it created the resource but not which: sending again could send twice, so do not.
      throw new TwilioRequestError(`Twilio answered ${res.status} without a ${resource} sid`, false, undefined, res.status);
    }
    const error = errorBody.safeParse(json);
    const { code, message } = error.success ? error.data : {};
    const transient = res.status === 429 || res.status >= 500;
    throw new TwilioRequestError(
      `Twilio refused the ${resource === 'Messages' ? 'SMS' : 'call'} (HTTP ${res.status}${code ? `, error ${code}` : ''}): ${message ?? (text.slice(0, 200) || res.statusText)}`,
      transient,
      code,
      res.status,
    );
  };

  const listSent = async (resource: 'Messages' | 'Calls', to: string): Promise<Sent[]> => {
    const query = new URLSearchParams({ To: to, From: from, PageSize: String(LIST_PAGE_SIZE) });
    let res: Response;
    try {
      res = await fetch(`${base}/${resource}.json?${query}`, {
        headers: { authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new TwilioRequestError(
        `Twilio could not be reached: ${err instanceof Error ? err.message : String(err)}`,
        true,
        undefined,
        undefined,
      );
    }
    const page = listPage.safeParse(parseJson(await res.text().catch(() => '')));
    if (!res.ok || !page.success)
      throw new TwilioRequestError(`Twilio could not list ${resource} (HTTP ${res.status})`, true, undefined, res.status);
    return (page.data.messages ?? page.data.calls ?? [])
      .filter((item) => !item.direction || item.direction.startsWith('outbound'))
      .map((item) => ({ sid: item.sid, body: item.body, created: new Date(item.date_created) }));
  };

  return {
    listSent,
    sendSms: ({ to, body, statusCallback }) => create('Messages', { To: to, From: from, Body: body, StatusCallback: statusCallback }),
    placeCall: ({ to, url, statusCallback }) =>
      create('Calls', { To: to, From: from, Url: url, Method: 'POST', StatusCallback: statusCallback, StatusCallbackMethod: 'POST' }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

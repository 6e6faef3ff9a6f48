// Twilio's REST answers for Messages.json and Calls.json: the resources' JSON shapes, and the errors Twilio
// gives for what it refuses (code, message, more_info, status).
import { randomBytes } from 'node:crypto';

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'received';
export type CallStatus = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';

export interface TwilioMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  status: MessageStatus;
  direction: 'outbound-api' | 'inbound';
  statusCallback: string | undefined;
  errorCode: number | null;
  created: Date;
}

export interface TwilioCall {
  sid: string;
  to: string;
  from: string;
  url: string | undefined;
  method: string;
  statusCallback: string | undefined;
  statusCallbackEvents: string[];
  status: CallStatus;
  created: Date;
}

export class TwilioError extends Error {
  constructor(
    readonly code: number,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  toJSON() {
    return { code: this.code, message: this.message, more_info: `https://www.twilio.com/docs/errors/${this.code}`, status: this.status };
  }
}

export const E164 = /^\+[1-9]\d{1,14}$/;
const BODY_LIMIT = 1600;

export const newSid = (prefix: 'SM' | 'CA' | 'AC' | 'PN') => prefix + randomBytes(16).toString('hex');
/** RFC 2822 in GMT, as Twilio writes its dates: "Tue, 01 Dec 2026 23:40:00 +0000". */
const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');

export function createMessage(
  params: URLSearchParams,
  numbers: readonly string[],
  optedOut: ReadonlySet<string>,
  landlines: ReadonlySet<string> = new Set(),
): TwilioMessage {
  const to = params.get('To') ?? '';
  const from = params.get('From') ?? '';
  const body = params.get('Body') ?? '';
  if (!to) throw new TwilioError(21604, 400, "A 'To' phone number is required.");
  if (!E164.test(to)) throw new TwilioError(21211, 400, `Invalid 'To' Phone Number: ${to}`);
  if (!from) throw new TwilioError(21603, 400, "A 'From' phone number is required.");
  if (!numbers.includes(from)) {
    throw new TwilioError(
      21606,
      400,
      `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`,
    );
  }
  if (!body) throw new TwilioError(21602, 400, 'Message body is required.');
  if (body.length > BODY_LIMIT) throw new TwilioError(21617, 400, 'The concatenated message body exceeds the 1600 character limit.');
  if (optedOut.has(to)) throw new TwilioError(21610, 400, 'Attempt to send to unsubscribed recipient');
  if (landlines.has(to)) throw new TwilioError(21614, 400, "'To' number is not a valid mobile number");
  const statusCallback = params.get('StatusCallback') ?? undefined;
  return {
    sid: newSid('SM'),
    to,
    from,
    body,
    status: 'queued',
    direction: 'outbound-api',
    statusCallback,
    errorCode: null,
    created: new Date(),
  };
}

export function createCall(params: URLSearchParams, numbers: readonly string[]): TwilioCall {
  const to = params.get('To') ?? '';
  const from = params.get('From') ?? '';
  if (!to) throw new TwilioError(21201, 400, 'No called number is specified');
  if (!E164.test(to)) throw new TwilioError(21211, 400, `Invalid 'To' Phone Number: ${to}`);
  if (!numbers.includes(from))
    throw new TwilioError(21210, 400, `The source phone number provided, ${from}, is not yet verified for your account.`);
  const url = params.get('Url') ?? undefined;
  if (!url) throw new TwilioError(21205, 400, 'Url parameter is required.');
  return {
    sid: newSid('CA'),
    to,
    from,
    url,
    method: (params.get('Method') ?? 'POST').toUpperCase(),
    statusCallback: params.get('StatusCallback') ?? undefined,
    statusCallbackEvents: params
      .getAll('StatusCallbackEvent')
      .flatMap((e) => e.split(' '))
      .filter(Boolean),
    status: 'queued',
    created: new Date(),
  };
}

export function messageJson(accountSid: string, m: TwilioMessage) {
  const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}`;
  return {
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.created),
    date_sent: m.status === 'queued' ? null : rfc2822(m.created),
    date_updated: rfc2822(new Date()),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: null,
    from: m.from,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: String(Math.max(1, Math.ceil(m.body.length / 153))),
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${uri}/Media.json` },
    to: m.to,
    uri: `${uri}.json`,
  };
}

export function callJson(accountSid: string, c: TwilioCall) {
  const uri = `/2010-04-01/Accounts/${accountSid}/Calls/${c.sid}`;
  return {
    account_sid: accountSid,
    answered_by: null,
    api_version: '2010-04-01',
    caller_name: null,
    date_created: rfc2822(c.created),
    date_updated: rfc2822(new Date()),
    direction: 'outbound-api',
    duration: null,
    end_time: null,
    from: c.from,
    from_formatted: c.from,
    parent_call_sid: null,
    price: null,
    price_unit: 'USD',
    sid: c.sid,
    start_time: null,
    status: c.status,
    subresource_uris: { notifications: `${uri}/Notifications.json`, recordings: `${uri}/Recordings.json` },
    to: c.to,
    to_formatted: c.to,
    uri: `${uri}.json`,
  };
}

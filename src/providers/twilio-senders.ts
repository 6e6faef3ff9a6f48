import type { Env } from '../config/env.js';
import type { AttemptState } from '../db/schema.js';
import { ProviderRefused, type Sender, type Senders } from './provider.js';
import { TwilioRequestError, type Sent, type TwilioClient } from './twilio.js';

function refused(err: unknown): never {
  if (err instanceof TwilioRequestError)
    throw new ProviderRefused(!err.transient, `Twilio ${err.code ?? err.status ?? ''} ${err.message}`.replace(/\s+/g, ' '));
  throw err;
}

/**
 * SMS and calls through Twilio; both report their progress to POST /twilio/status. Twilio's create calls
 * take no idempotency key, so a retry asks Twilio's lists instead: an SMS is its own when it carries the
 * attempt's acknowledgement link (one per attempt; its path, as PUBLIC_URL may have changed since); a call, which carries no text, when it went to the
 * number since the first try (the caller keeps only sids no other attempt recorded).
 */
export function twilioSenders(client: TwilioClient, env: Pick<Env, 'PUBLIC_URL'>): Senders {
  const statusCallback = `${env.PUBLIC_URL}/twilio/status`;
  const since = (items: Sent[], from: Date) => items.filter((item) => item.created >= from);
  const sms: Sender = {
    send: (to, content) => client.sendSms({ to, body: content.short, statusCallback }).then((sid) => ({ providerId: sid }), refused),
    find: async (to, content, from) =>
      since(await client.listSent('Messages', to), from)
        .filter((m) => m.body?.includes(new URL(content.ackUrl).pathname))
        .map((m) => m.sid),
  };
  const voice: Sender = {
    send: (to, content) => client.placeCall({ to, url: content.callUrl, statusCallback }).then((sid) => ({ providerId: sid }), refused),
    find: async (to, _content, from) => since(await client.listSent('Calls', to), from).map((c) => c.sid),
  };
  return { sms, voice };
}

/** A Twilio message or call status as a receipt's state; undefined for a step that says nothing new (queued, sending). */
export function attemptStateOf(status: string): AttemptState | undefined {
  switch (status) {
    case 'sent':
    case 'initiated':
    case 'ringing':
    case 'in-progress':
      return 'sent';
    case 'delivered':
    case 'read':
    case 'completed':
      return 'delivered';
    case 'no-answer':
      return 'no_answer';
    case 'undelivered':
    case 'failed':
    case 'busy':
    case 'canceled':
      return 'failed';
    default:
      return undefined;
  }
}

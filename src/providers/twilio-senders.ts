import type { Env } from '../config/env.js';
import type { AttemptState } from '../db/schema.js';
import { ProviderRefused, type Sender, type Senders } from './provider.js';
import { TwilioRequestError, type TwilioClient } from './twilio.js';

function refused(err: unknown): never {
  if (err instanceof TwilioRequestError)
    throw new ProviderRefused(!err.transient, `Twilio ${err.code ?? err.status ?? ''} ${err.message}`.replace(/\s+/g, ' '));
  throw err;
}

/**
 * SMS and calls through Twilio; both report their progress to POST /twilio/status. Twilio's create calls
 * take no idempotency key: an attempt is sent again only when no answer with its sid was recorded.
 */
export function twilioSenders(client: TwilioClient, env: Pick<Env, 'PUBLIC_URL'>): Senders {
  const statusCallback = `${env.PUBLIC_URL}/twilio/status`;
  const sms: Sender = {
    send: (to, content) => client.sendSms({ to, body: content.short, statusCallback }).then((sid) => ({ providerId: sid }), refused),
  };
  const voice: Sender = {
    send: (to, content) => client.placeCall({ to, url: content.callUrl, statusCallback }).then((sid) => ({ providerId: sid }), refused),
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

import type { Env } from '../config/env.js';
import type { EmailSender } from './email.js';
import { ntfySender } from './ntfy.js';
import type { Senders } from './provider.js';
import { twilioClient } from './twilio.js';
import { twilioSenders } from './twilio-senders.js';

/**
 * The providers this install has configured; a method without one is skipped, its reason logged at start.
 * `email` is the install's one e-mail sender (emailSender), which confirmation codes share.
 */
export function configuredSenders(env: Env, email: EmailSender | undefined): Senders {
  // ntfy needs no set-up: NTFY_URL defaults to the public server at ntfy.sh.
  const twilio = twilioClient(env);
  return { ...(email ? { email } : {}), push: ntfySender(env), ...(twilio ? twilioSenders(twilio, env) : {}) };
}

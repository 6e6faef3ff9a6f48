import { z } from 'zod';
import { DURATION_HINT, parseDelay } from './duration.js';

/** How a page reaches a person: the Slack DM, e-mail, SMS, a voice call, or push through ntfy. */
export const CONTACT_METHODS = ['slack', 'email', 'sms', 'voice', 'push'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;
export const phoneNumber = z
  .string()
  .regex(E164, 'expected a phone number in E.164 form: "+", country code and number, no spaces (e.g. "+4915112345678")');
export const emailAddress = z.email({ message: 'expected an e-mail address such as alice@example.com' });
/** ntfy's own rule for topic names. */
export const ntfyTopic = z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, 'expected an ntfy topic: up to 64 letters, digits, "-" and "_"');

const delay = z.string({ message: `expected a delay: 0m, or ${DURATION_HINT}` }).transform((text, ctx) => {
  const ms = parseDelay(text);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `expected a delay: 0m, or ${DURATION_HINT}; got "${text}"` });
    return z.NEVER;
  }
  return ms;
});

/** One step of a person's rules: these methods, this long after the page first reaches them. */
export const notificationRule = z.strictObject({
  after: delay,
  via: z.array(z.enum(CONTACT_METHODS)).min(1, 'name at least one method: slack, email, sms, voice or push'),
});

export const notificationRules = z.array(notificationRule).min(1, 'list at least one rule');

export const personContacts = z.strictObject({
  user: z.string().regex(/^[UW][A-Z0-9]+$/, 'expected a Slack user id such as U0123ALICE'),
  email: emailAddress.optional(),
  phone: phoneNumber.optional(),
  ntfy_topic: ntfyTopic.optional(),
  rules: notificationRules.optional(),
});

/** Everyone is paged in Slack at once unless the config says otherwise. */
export const DEFAULT_NOTIFY: z.input<typeof notificationRules> = [{ after: '0m', via: ['slack'] }];

export type NotificationRule = z.output<typeof notificationRule>;
export type PersonContacts = z.output<typeof personContacts>;

import { createHmac } from 'node:crypto';

/**
 * `X-Twilio-Signature` as Twilio computes it: HMAC-SHA1 with the auth token over the full URL it calls,
 * then each POST parameter, sorted by name, as name followed by value; base64.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

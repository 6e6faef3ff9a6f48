import { createHmac } from 'node:crypto';
import { sameSecret } from './secrets.js';

/**
 * What Twilio puts in `X-Twilio-Signature`: HMAC-SHA1 with the account's auth token over the URL it
 * requested (query included), followed by each form parameter sorted by name, as name then value; base64.
 */
export function expectedTwilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const data = [...params]
    .sort(([a, av], [b, bv]) => (a === b ? compare(av, bv) : compare(a, b)))
    .reduce((text, [name, value]) => text + name + value, url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

// Code-unit order, as Twilio's own helpers sort: not the locale's collation.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Whether a request carries Twilio's signature for this URL and these parameters; compared in constant time. */
export function verifyTwilioSignature(
  authToken: string | undefined,
  url: string,
  params: URLSearchParams,
  header: string | string[] | undefined,
): boolean {
  if (!authToken || typeof header !== 'string' || header === '') return false;
  return sameSecret(header, expectedTwilioSignature(authToken, url, params));
}

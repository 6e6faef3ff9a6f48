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

/**
 * The URL as Twilio may have signed it: as written, and with the scheme's standard port added or left out,
 * since Twilio signs `https://host:443/…` for some webhooks and `https://host/…` for others (Twilio's own
 * helper libraries accept both).
 */
function signedForms(url: string): string[] {
  const parsed = new URL(url);
  const standard = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : undefined;
  if (!standard || (parsed.port !== '' && parsed.port !== standard)) return [url];
  const rest = `${parsed.pathname}${parsed.search}`;
  const auth = parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : '';
  return [url, `${parsed.protocol}//${auth}${parsed.hostname}${rest}`, `${parsed.protocol}//${auth}${parsed.hostname}:${standard}${rest}`];
}

/** Whether a request carries Twilio's signature for this URL and these parameters; compared in constant time. */
export function verifyTwilioSignature(
  authToken: string | undefined,
  url: string,
  params: URLSearchParams,
  header: string | string[] | undefined,
): boolean {
  if (!authToken || typeof header !== 'string' || header === '') return false;
  return signedForms(url)
    .map((form) => sameSecret(header, expectedTwilioSignature(authToken, form, params)))
    .includes(true);
}

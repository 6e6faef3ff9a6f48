// Standard Webhooks verification written from the spec (https://www.standardwebhooks.com), not with
// Firewatch's code, so a test that uses it checks the signature a real receiver would.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether one of the `webhook-signature` header's space-separated `v1,<base64>` signatures is the HMAC-SHA256
 * of `<webhook-id>.<webhook-timestamp>.<body>`; the key is the bytes after `whsec_` base64-decoded, or else
 * the secret's own bytes.
 */
export function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret);
  const id = String(headers['webhook-id']);
  const timestamp = String(headers['webhook-timestamp']);
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .some((signature) => {
      const [version, mac] = signature.split(',');
      const given = Buffer.from(mac ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

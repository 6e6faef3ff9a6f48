// Standard Webhooks signatures: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">.
import { createHmac } from 'node:crypto';

/** `whsec_<base64>` is the decoded bytes (the Standard Webhooks form); any other secret signs with its own bytes. */
export function secretBytes(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

export function webhookSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretBytes(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

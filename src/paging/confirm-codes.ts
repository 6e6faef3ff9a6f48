// The 6-digit codes that confirm a new e-mail address or phone number. A code is derived from the secret
// and the confirmation's random salt when it is sent, so neither the outbox nor the table holds it in clear,
// and a resent code is the same code; the table keeps only a keyed hash to check what the person types.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const CODE_TTL_MS = 15 * 60_000;
export const CODE_TRIES = 5;

export const newSalt = (): string => randomBytes(16).toString('hex');

/** The code for a confirmation: six digits, leading zeros kept. */
export function codeFor(secret: string, salt: string): string {
  const digest = createHmac('sha256', secret).update(`contact-code:${salt}`).digest();
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

export function codeHash(secret: string, salt: string, code: string): string {
  return createHmac('sha256', secret).update(`contact-code-hash:${salt}:${code}`).digest('hex');
}

export interface PendingCode {
  salt: string;
  codeHash: string;
  expiresAt: Date;
  triesLeft: number;
}

/**
 * What a typed code comes to. `malformed` (not six digits) costs no try; `wrong` costs one and says how many
 * are left; `expired` and `used_up` need a new code.
 */
export type CodeCheck =
  { kind: 'confirmed' } | { kind: 'malformed' } | { kind: 'wrong'; triesLeft: number } | { kind: 'expired' } | { kind: 'used_up' };

export function checkCode(secret: string, pending: PendingCode, typed: string, now: Date): CodeCheck {
  if (pending.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' };
  if (pending.triesLeft <= 0) return { kind: 'used_up' };
  const code = typed.replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(code)) return { kind: 'malformed' };
  const expected = Buffer.from(pending.codeHash, 'hex');
  const got = Buffer.from(codeHash(secret, pending.salt, code), 'hex');
  if (expected.length === got.length && timingSafeEqual(expected, got)) return { kind: 'confirmed' };
  return { kind: 'wrong', triesLeft: pending.triesLeft - 1 };
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What an acknowledgement link names: one page, one person, and the nonce that makes it single-use. */
export interface AckClaims {
  pageId: number;
  userId: string;
  nonce: string;
}

const USER_ID = /^[A-Za-z0-9]+$/;
const NONCE = /^[A-Za-z0-9_-]{22}$/;
const PAGE_ID = /^[1-9][0-9]{0,9}$/;

/** Other signed links (calendars, sessions) share the secret; the purpose in the MAC keeps one kind from passing as another. */
const mac = (secret: string, body: string): string => createHmac('sha256', secret).update(`firewatch ack v1\n${body}`).digest('base64url');

export const newNonce = (): string => randomBytes(16).toString('base64url');

/** `<page>.<user>.<nonce>.<mac>`: URL-safe as it is, so it goes into a path without escaping. */
export function signAck(secret: string, claims: AckClaims): string {
  if (!USER_ID.test(claims.userId) || !NONCE.test(claims.nonce) || !PAGE_ID.test(String(claims.pageId))) {
    throw new Error(`cannot sign an acknowledgement link for page ${claims.pageId} and user ${claims.userId}`);
  }
  const body = `${claims.pageId}.${claims.userId}.${claims.nonce}`;
  return `${body}.${mac(secret, body)}`;
}

/**
 * The claims of a token this secret signed, or undefined. The MAC is compared as text, not as decoded
 * bytes: base64url's last character has bits decoding drops, and a changed character must not pass.
 */
export function verifyAck(secret: string, token: string): AckClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 4) return undefined;
  const [pageId = '', userId = '', nonce = '', given = ''] = parts;
  if (!PAGE_ID.test(pageId) || !USER_ID.test(userId) || !NONCE.test(nonce)) return undefined;
  const expected = Buffer.from(mac(secret, `${pageId}.${userId}.${nonce}`));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  return { pageId: Number(pageId), userId, nonce };
}

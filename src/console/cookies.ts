// Cookies the console sets, and the HMAC that makes a cookie's value something only Firewatch could have written.
import { createHmac } from 'node:crypto';
import { sameSecret } from '../http/secrets.js';

/** The cookies a request carries, by name; a malformed pair is skipped, the first of a repeated name wins. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const pair of (header ?? '').split(';').map((p) => p.trim())) {
    const at = pair.indexOf('=');
    if (at < 1) continue;
    const name = pair.slice(0, at).trim();
    if (name in cookies) continue;
    try {
      cookies[name] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      continue;
    }
  }
  return cookies;
}

export interface CookieOptions {
  path: string;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  /** Only over https (PUBLIC_URL is https): a cookie sent over plain http could be read on the way. */
  secure: boolean;
}

/** A Set-Cookie value: always HttpOnly (no script reads it) and SameSite=Lax (other sites' forms do not carry it). */
export function serializeCookie(name: string, value: string, { path, maxAge, secure }: CookieOptions): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${path}`,
    `Max-Age=${maxAge}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

const mac = (purpose: string, value: string, secret: string): string =>
  createHmac('sha256', secret).update(`${purpose}\n${value}`).digest('base64url');

/** `value.mac`, the MAC bound to `purpose` so a cookie signed for one use is no good for another. */
export function signValue(purpose: string, value: string, secret: string): string {
  return `${value}.${mac(purpose, value, secret)}`;
}

/** The value of a `signValue` result, or undefined when it was not signed with this secret for this purpose. */
export function unsignValue(purpose: string, signed: string | undefined, secret: string): string | undefined {
  if (!signed) return undefined;
  const at = signed.lastIndexOf('.');
  if (at < 0) return undefined;
  const value = signed.slice(0, at);
  return sameSecret(signed.slice(at + 1), mac(purpose, value, secret)) ? value : undefined;
}

// Sign in with Slack (OpenID Connect), the parts that are plain data: the authorize URL, the state and
// nonce bound to the browser, and the claims of the id_token.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SignedInPerson } from './sessions.js';

export const CALLBACK_PATH = '/auth/slack/callback';
/** How long someone has on Slack's authorize page before the sign-in must be started again. */
export const LOGIN_TTL_MS = 10 * 60_000;

export interface LoginState {
  state: string;
  nonce: string;
  /** Milliseconds since the epoch after which the state is no good. */
  expires: number;
}

export function newLoginState(now = Date.now()): LoginState {
  return { state: randomBytes(24).toString('base64url'), nonce: randomBytes(24).toString('base64url'), expires: now + LOGIN_TTL_MS };
}

const loginStateSchema = z.object({ state: z.string().min(1), nonce: z.string().min(1), expires: z.number() });

/** The cookie form of a login state (signed by the caller). */
export const encodeLoginState = (login: LoginState): string => Buffer.from(JSON.stringify(login)).toString('base64url');

/** The login state of a (verified) cookie value, unless it is malformed or has expired. */
export function decodeLoginState(value: string, now = Date.now()): LoginState | undefined {
  try {
    const parsed = loginStateSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success && parsed.data.expires > now ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface AuthorizeRequest {
  authorizeUrl: string;
  clientId: string;
  redirectUri: string;
  login: LoginState;
}

/** Where the browser goes to sign in: Slack's authorize page with the OpenID scopes. */
export function authorizeUrl({ authorizeUrl: base, clientId, redirectUri, login }: AuthorizeRequest): string {
  const url = new URL(base);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid profile email');
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', login.state);
  url.searchParams.set('nonce', login.nonce);
  // URLSearchParams writes spaces as '+'; Slack's documented form is %20.
  return url.toString().replace(/\+/g, '%20');
}

const idTokenClaims = z.object({
  aud: z.union([z.string(), z.array(z.string())]),
  nonce: z.string().optional(),
  'https://slack.com/team_id': z.string(),
  'https://slack.com/user_id': z.string(),
});
export type IdTokenClaims = z.output<typeof idTokenClaims>;

/**
 * The claims of an id_token, without checking its signature: it came straight from Slack's token
 * endpoint over TLS, in answer to our client secret, which OpenID Connect Core 3.1.3.7 accepts in place
 * of the signature. What it still proves is the nonce: the code was issued for this browser's sign-in.
 */
export function readIdToken(jwt: string): IdTokenClaims | undefined {
  const payload = jwt.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const parsed = idTokenClaims.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Why an id_token does not belong to this sign-in, or undefined when it does. */
export function idTokenProblem(claims: IdTokenClaims | undefined, clientId: string, nonce: string): string | undefined {
  if (!claims) return 'Slack answered without a readable id_token';
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(clientId)) return 'the id_token was issued to another app';
  if (claims.nonce !== nonce) return 'the id_token was issued for another sign-in (nonce mismatch)';
  return undefined;
}

export interface SignInRequest {
  code: string;
  redirectUri: string;
  /** The nonce sent to the authorize page, which the id_token must carry back. */
  nonce: string;
}

export type SignInOutcome = { ok: true; person: SignedInPerson } | { ok: false; status: 403 | 502; message: string };

/** Exchanges the callback's code for the person, refusing anyone outside the app's workspace. */
export type SignInVerifier = (request: SignInRequest) => Promise<SignInOutcome>;

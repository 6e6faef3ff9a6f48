// Walking Sign in with Slack over real HTTP as a browser would, cookies carried by hand: Firewatch's
// /login, the emulator's authorize page, the person chosen there, and Firewatch's callback.
import { expect } from 'vitest';
import { freePort } from './process.js';
import type { SlackEmulator } from './slack-emulator/index.js';

/** The cookies a response sets, by name, with their attributes. */
export function setCookies(res: Response): Record<string, { value: string; attributes: string[] }> {
  const cookies: Record<string, { value: string; attributes: string[] }> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
    const at = pair.indexOf('=');
    cookies[pair.slice(0, at)] = { value: decodeURIComponent(pair.slice(at + 1)), attributes };
  }
  return cookies;
}

export const cookieHeader = (cookies: Record<string, string>): string =>
  Object.entries(cookies)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('; ');

export const get = (url: string, cookies: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader(cookies) } });

export const post = (url: string, form: Record<string, string>, cookies: Record<string, string> = {}): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookieHeader(cookies), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });

export interface LoginStart {
  /** The emulator's authorize page URL Firewatch redirected to. */
  authorize: URL;
  /** The signed state/nonce cookie, as the browser keeps it. */
  loginCookie: string;
}

export async function startLogin(appUrl: string): Promise<LoginStart> {
  const res = await get(`${appUrl}/login`);
  expect(res.status).toBe(302);
  const login = setCookies(res).firewatch_login;
  expect(login).toBeDefined();
  return { authorize: new URL(res.headers.get('location') ?? ''), loginCookie: login!.value };
}

/** Picks `user` on the emulator's authorize page and answers where Slack sends the browser back to. */
export async function approve(emu: SlackEmulator, authorize: URL, user: string): Promise<string> {
  const page = await (await get(authorize.toString())).text();
  const href = new RegExp(`<a href="([^"]+)" data-user="${user}">`).exec(page)?.[1];
  expect(href, `the authorize page offers ${user}`).toBeDefined();
  const res = await get(`${emu.origin}${href!.replace(/&amp;/g, '&')}`);
  expect(res.status).toBe(302);
  return res.headers.get('location') ?? '';
}

/** The whole sign-in of `user`; answers the callback's response and the session cookie it set, if any. */
export async function signIn(
  emu: SlackEmulator,
  appUrl: string,
  user: string,
): Promise<{ callback: Response; session: string | undefined }> {
  const { authorize, loginCookie } = await startLogin(appUrl);
  const back = await approve(emu, authorize, user);
  const callback = await get(back, { firewatch_login: loginCookie });
  return { callback, session: setCookies(callback).firewatch_session?.value };
}

/** The CSRF token in a console page's forms. */
export const csrfIn = (html: string): string | undefined => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** A port and the PUBLIC_URL that matches it, so the redirect URL Slack sends browsers to is this app's. */
export async function consoleEnv(emu: SlackEmulator, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const port = await freePort();
  return {
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SLACK_CLIENT_ID: emu.openid.clientId,
    SLACK_CLIENT_SECRET: emu.openid.clientSecret,
    SLACK_AUTHORIZE_URL: `${emu.origin}/openid/connect/authorize`,
    ...extra,
  };
}

export interface ConsoleVisitor {
  cookies: Record<string, string>;
  csrf: string;
  /** A console page, signed in. */
  get: (path: string) => Promise<Response>;
  /** A console form, signed in and carrying the CSRF token. */
  post: (path: string, form: Record<string, string>) => Promise<Response>;
}

/** `user` signed in to the console of the app at `appUrl`, with what a browser would then hold. */
export async function visitAs(emu: SlackEmulator, appUrl: string, user: string): Promise<ConsoleVisitor> {
  const { callback, session } = await signIn(emu, appUrl, user);
  expect(callback.status, `${user} signs in`).toBe(303);
  const cookies = { firewatch_session: session! };
  const csrf = csrfIn(await (await get(`${appUrl}/`, cookies)).text());
  expect(csrf, 'the console page carries a CSRF token').toBeDefined();
  return {
    cookies,
    csrf: csrf!,
    get: (path) => get(`${appUrl}${path}`, cookies),
    post: (path, form) => post(`${appUrl}${path}`, { _csrf: csrf!, ...form }, cookies),
  };
}

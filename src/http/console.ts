// The console's routes: Sign in with Slack (GET /login, GET /auth/slack/callback), sign-out (POST
// /logout) and the signed-in root page. Without SLACK_CLIENT_ID/SLACK_CLIENT_SECRET there is no console:
// its routes answer a page that says so, and the rest of Firewatch works as before.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookies, serializeCookie, signValue, unsignValue } from '../console/cookies.js';
import {
  authorizeUrl,
  CALLBACK_PATH,
  decodeLoginState,
  encodeLoginState,
  LOGIN_TTL_MS,
  newLoginState,
  type SignInVerifier,
} from '../console/oidc.js';
import { createSession } from '../console/sessions.js';
import type { Db } from '../db/client.js';
import { ConsoleAuth, csrfField } from './console-auth.js';
import { escapeHtml, sendPage } from './html.js';
import type { Route } from './server.js';

const LOGIN_COOKIE = 'firewatch_login';
const LOGIN_PURPOSE = 'console login';

export interface ConsoleSignIn {
  authorizeUrl: string;
  clientId: string;
  verify: SignInVerifier;
}

export interface ConsoleOptions {
  db: Db;
  secret: string;
  publicUrl: string;
  /** Undefined when SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are unset: no console. */
  signIn: ConsoleSignIn | undefined;
}

function redirect(res: ServerResponse, status: 302 | 303, location: string, cookies: string[] = []): void {
  res.writeHead(status, { location, 'cache-control': 'no-store', ...(cookies.length ? { 'set-cookie': cookies } : {}) });
  res.end();
}

const paragraph = (text: string): string => `<p>${escapeHtml(text)}</p>`;
const SIGN_IN_AGAIN = '<p><a href="/login">Sign in with Slack</a></p>';

export function consoleRoutes({ db, secret, publicUrl, signIn }: ConsoleOptions): Route[] {
  if (!signIn) {
    const notConfigured = (_req: IncomingMessage, res: ServerResponse) =>
      sendPage(
        res,
        404,
        'Console not configured',
        '<h1>The console is not configured</h1>\n' +
          paragraph('Set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (see README.md, "The console") to sign in with Slack here.'),
      );
    return [
      { method: 'GET', path: '/', handler: notConfigured },
      { method: 'GET', path: '/login', handler: notConfigured },
      { method: 'GET', path: CALLBACK_PATH, handler: notConfigured },
      { method: 'POST', path: '/logout', handler: notConfigured },
    ];
  }
  const secure = publicUrl.startsWith('https:');
  const auth = new ConsoleAuth(db, secret, secure);
  const redirectUri = `${publicUrl}${CALLBACK_PATH}`;
  const loginCookie = (value: string, maxAge: number) => serializeCookie(LOGIN_COOKIE, value, { path: CALLBACK_PATH, maxAge, secure });

  const login: Route = {
    method: 'GET',
    path: '/login',
    handler: (_req, res) => {
      // State and nonce live in a signed cookie only this browser has, so a callback started elsewhere fails.
      const state = newLoginState();
      const cookie = loginCookie(signValue(LOGIN_PURPOSE, encodeLoginState(state), secret), LOGIN_TTL_MS / 1000);
      redirect(res, 302, authorizeUrl({ authorizeUrl: signIn.authorizeUrl, clientId: signIn.clientId, redirectUri, login: state }), [
        cookie,
      ]);
    },
  };

  const callback: Route = {
    method: 'GET',
    path: CALLBACK_PATH,
    handler: async (req, res) => {
      const query = new URL(req.url ?? '/', 'http://firewatch').searchParams;
      const signed = unsignValue(LOGIN_PURPOSE, parseCookies(req.headers.cookie)[LOGIN_COOKIE], secret);
      const state = signed === undefined ? undefined : decodeLoginState(signed);
      const fail = (status: number, message: string) => {
        res.setHeader('set-cookie', loginCookie('', 0));
        sendPage(res, status, 'Sign-in failed', `<h1>Sign-in failed</h1>\n${paragraph(message)}\n${SIGN_IN_AGAIN}`);
      };
      if (query.get('error')) {
        fail(403, `Slack did not sign you in (${query.get('error')}).`);
        return;
      }
      if (!state || query.get('state') !== state.state) {
        fail(400, 'This sign-in was not started in this browser, or took longer than 10 minutes. Start it again.');
        return;
      }
      const code = query.get('code');
      if (!code) {
        fail(400, 'Slack sent no sign-in code.');
        return;
      }
      const outcome = await signIn.verify({ code, redirectUri, nonce: state.nonce });
      if (!outcome.ok) {
        fail(outcome.status, outcome.message);
        return;
      }
      const id = await createSession(db, outcome.person);
      redirect(res, 303, '/', [auth.sessionCookie(id), loginCookie('', 0)]);
    },
  };

  const logout: Route = {
    method: 'POST',
    path: '/logout',
    handler: async (req, res) => {
      if (!(await auth.post(req, res))) return;
      res.setHeader('set-cookie', await auth.signOut(req));
      sendPage(res, 200, 'Signed out', `<h1>You are signed out</h1>\n${SIGN_IN_AGAIN}`);
    },
  };

  const root: Route = {
    method: 'GET',
    path: '/',
    handler: async (req, res) => {
      const session = await auth.session(req);
      if (!session) {
        redirect(res, 302, '/login');
        return;
      }
      sendPage(
        res,
        200,
        'Firewatch',
        `<h1>Firewatch</h1>\n<p>Signed in as <strong>${escapeHtml(session.name)}</strong></p>\n` +
          `<form method="post" action="/logout">${csrfField(session)}<button type="submit">Sign out</button></form>`,
      );
    },
  };

  return [login, callback, logout, root];
}

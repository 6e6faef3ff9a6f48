// Sign in with Slack (GET /login, GET /auth/slack/callback) and sign-out (POST /logout). Without
// SLACK_CLIENT_ID/SLACK_CLIENT_SECRET there is no console: its routes answer a page that says so, and the
// rest of Firewatch works as before.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookies, serializeCookie, signValue, unsignValue } from '../../console/cookies.js';
import {
  authorizeUrl,
  CALLBACK_PATH,
  decodeLoginState,
  encodeLoginState,
  LOGIN_TTL_MS,
  newLoginState,
  type SignInVerifier,
} from '../../console/oidc.js';
import { createSession } from '../../console/sessions.js';
import type { Db } from '../../db/client.js';
import { escapeHtml, sendPage } from '../html.js';
import type { Route } from '../server.js';
import type { ConsoleAuth } from './auth.js';

const LOGIN_COOKIE = 'firewatch_login';
const LOGIN_PURPOSE = 'console login';

export interface ConsoleSignIn {
  authorizeUrl: string;
  clientId: string;
  verify: SignInVerifier;
}

export interface SignInOptions {
  db: Db;
  auth: ConsoleAuth;
  secret: string;
  publicUrl: string;
  signIn: ConsoleSignIn;
}

function redirect(res: ServerResponse, status: 302 | 303, location: string, cookies: string[] = []): void {
  res.writeHead(status, { location, 'cache-control': 'no-store', ...(cookies.length ? { 'set-cookie': cookies } : {}) });
  res.end();
}

const paragraph = (text: string): string => `<p>${escapeHtml(text)}</p>`;
const SIGN_IN_AGAIN = '<p><a href="/login">Sign in with Slack</a></p>';

/** The console's routes when it is not configured: each says how to configure it. */
export function notConfiguredRoutes(): Route[] {
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

export function signInRoutes({ db, auth, secret, publicUrl, signIn }: SignInOptions): Route[] {
  const secure = auth.secure;
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

  return [login, callback, logout];
}

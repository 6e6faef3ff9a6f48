// Sign in with Slack end to end over real HTTP: Firewatch's /login sends the browser to the emulator's
// authorize page, the callback exchanges the code with openid.connect.token and reads the person with
// openid.connect.userInfo, and the session lives in the database, so a second app on it knows it too.
// Each way in that should fail (another browser's state, another sign-in's nonce, another workspace, a
// forged or expired cookie, a form without its CSRF token) is refused.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../../src/config/env.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { auditLog, consoleSessions } from '../../src/db/schema.js';
import type { Firewatch } from '../../src/firewatch.js';
import { startApp, startEmulator } from '../support/app.js';
import { approve, consoleEnv, csrfIn, get, post, setCookies, signIn, startLogin } from '../support/console.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import type { SlackEmulator } from '../support/slack-emulator/index.js';
import { STRANGER } from '../support/slack-emulator/openid.js';

let emu: SlackEmulator;
let database: TestDatabase;
let app: Firewatch;
let replica: Firewatch;
/** On Postgres the replica has its own connections, as another process would; PGlite is one process by design. */
let replicaDatabase: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  emu = await startEmulator();
  app = await startApp(emu, database.database, undefined, await consoleEnv(emu));
  replicaDatabase = database.url ? await openDatabase({ url: database.url, dataDir: database.dataDir }) : database.database;
  replica = await startApp(emu, replicaDatabase, undefined, await consoleEnv(emu));
});
afterAll(async () => {
  await replica?.stop();
  if (replicaDatabase !== database?.database) await replicaDatabase?.close();
  await app?.stop();
  await emu?.close();
  await database?.destroy();
});

const db = () => app.services.db;
const sessionsOf = (userId: string) => db().select().from(consoleSessions).where(eq(consoleSessions.userId, userId));
const callsTo = (method: string) => emu.calls.filter((c) => c.method === method);
const auditOf = async (userId: string) =>
  (await db().select().from(auditLog).where(eq(auditLog.actor, userId)).orderBy(auditLog.id)).map((r) => r.action);

describe('Sign in with Slack', () => {
  it('redirects to Slack, signs in on the callback, shows the name, and signs out', async () => {
    const { authorize, loginCookie } = await startLogin(app.url);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${emu.origin}/openid/connect/authorize`);
    expect(authorize.search).toContain('scope=openid%20profile%20email');
    const q = authorize.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(emu.openid.clientId);
    expect(q.get('redirect_uri')).toBe(`${app.url}/auth/slack/callback`);
    expect(q.get('state')).toMatch(/^[\w-]{24,}$/);
    expect(q.get('nonce')).toMatch(/^[\w-]{24,}$/);
    expect(q.get('nonce')).not.toBe(q.get('state'));

    const back = await approve(emu, authorize, 'U0ALICE');
    expect(back.startsWith(`${app.url}/auth/slack/callback?`)).toBe(true);
    const callback = await get(back, { firewatch_login: loginCookie });
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/');
    const cookies = setCookies(callback);
    expect(cookies.firewatch_session!.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/']));
    expect(cookies.firewatch_session!.attributes).not.toContain('Secure'); // PUBLIC_URL is http here
    expect(cookies.firewatch_login!.attributes).toContain('Max-Age=0');
    const session = cookies.firewatch_session!.value;

    const [exchange] = callsTo('openid.connect.token').slice(-1);
    expect(exchange!.args).toMatchObject({
      client_id: emu.openid.clientId,
      client_secret: emu.openid.clientSecret,
      redirect_uri: q.get('redirect_uri'),
    });
    expect(callsTo('openid.connect.userInfo').at(-1)!.ok).toBe(true);

    // Signing in is on the audit log.
    expect((await auditOf('U0ALICE')).at(-1)).toBe('console.signed_in');
    // Only a hash of the cookie's id is stored.
    const [row] = await sessionsOf('U0ALICE');
    expect(row).toMatchObject({ teamId: emu.teamId, name: 'Alice Doe', email: 'alice@firewatch-test.example' });
    expect(session).not.toContain(row!.idHash);
    expect(JSON.stringify(row)).not.toContain(session.split('.')[0]);

    const home = await get(`${app.url}/`, { firewatch_session: session });
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('Signed in as <strong>Alice Doe</strong>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);

    const out = await post(`${app.url}/logout`, { _csrf: csrfIn(html)! }, { firewatch_session: session });
    expect(out.status).toBe(200);
    expect(await out.text()).toContain('You are signed out');
    expect(setCookies(out).firewatch_session!.attributes).toContain('Max-Age=0');
    expect(await sessionsOf('U0ALICE')).toEqual([]);
    expect((await auditOf('U0ALICE')).slice(-2)).toEqual(['console.signed_in', 'console.signed_out']);
    const after = await get(`${app.url}/`, { firewatch_session: session });
    expect(after.status).toBe(302);
    expect(after.headers.get('location')).toBe('/login');
  });

  it('sends someone not signed in from / to /login', async () => {
    const res = await get(`${app.url}/`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login');
  });

  it('refuses a callback whose state is not the one this browser started, without asking Slack', async () => {
    const mine = await startLogin(app.url);
    const theirs = await startLogin(app.url);
    const back = await approve(emu, theirs.authorize, 'U0BOB');
    const before = callsTo('openid.connect.token').length;
    const attempts: Array<Record<string, string>> = [
      { firewatch_login: mine.loginCookie },
      {},
      { firewatch_login: `${theirs.loginCookie}x` },
    ];
    for (const cookies of attempts) {
      const res = await get(back, cookies);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('This sign-in was not started in this browser');
      expect(setCookies(res).firewatch_session).toBeUndefined();
    }
    expect(callsTo('openid.connect.token').length).toBe(before);
    expect(await sessionsOf('U0BOB')).toEqual([]);
  });

  it('refuses a code issued for another sign-in’s nonce', async () => {
    const { authorize, loginCookie } = await startLogin(app.url);
    authorize.searchParams.set('nonce', 'a-nonce-from-some-other-sign-in');
    const res = await get(await approve(emu, authorize, 'U0BOB'), { firewatch_login: loginCookie });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('nonce mismatch');
    expect(await sessionsOf('U0BOB')).toEqual([]);
  });

  it('refuses someone from another Slack workspace', async () => {
    const { callback, session } = await signIn(emu, app.url, STRANGER.id);
    expect(callback.status).toBe(403);
    expect(await callback.text()).toContain(`You signed in to ${STRANGER.teamName}; this Firewatch belongs to another Slack workspace`);
    expect(session).toBeUndefined();
    expect(callsTo('openid.connect.userInfo').at(-1)!.response).toMatchObject({ 'https://slack.com/team_id': STRANGER.teamId });
    expect(await sessionsOf(STRANGER.id)).toEqual([]);
    expect(await auditOf(STRANGER.id)).toEqual([]);
  });

  it('refuses a code used twice, as Slack does (invalid_code)', async () => {
    const { authorize, loginCookie } = await startLogin(app.url);
    const back = await approve(emu, authorize, 'U0CAROL');
    expect((await get(back, { firewatch_login: loginCookie })).status).toBe(303);
    const again = await get(back, { firewatch_login: loginCookie });
    expect(again.status).toBe(403);
    expect(await again.text()).toContain('Slack did not accept the sign-in code');
    expect(callsTo('openid.connect.token').at(-1)!.error).toBe('invalid_code');
  });

  it('ignores a session cookie it did not sign, or one that was altered', async () => {
    const { session } = await signIn(emu, app.url, 'U0BOB');
    const [id, mac] = session!.split('.');
    const forged = [id!, `${id}.${mac!.slice(1)}x`, `${id!.slice(1)}x.${mac}`, 'made-up.value'];
    for (const value of forged) {
      const res = await get(`${app.url}/`, { firewatch_session: value });
      expect(res.status, value).toBe(302);
    }
    expect((await get(`${app.url}/`, { firewatch_session: session! })).status).toBe(200);
  });

  it('refuses a POST without the session’s CSRF token with 403, and the session carries on', async () => {
    const bob = (await signIn(emu, app.url, 'U0BOB')).session!;
    const carol = (await signIn(emu, app.url, 'U0CAROL')).session!;
    const carolsToken = csrfIn(await (await get(`${app.url}/`, { firewatch_session: carol })).text())!;
    const attempts: Array<Record<string, string>> = [{}, { _csrf: '' }, { _csrf: 'wrong' }, { _csrf: carolsToken }];
    for (const form of attempts) {
      const res = await post(`${app.url}/logout`, form, { firewatch_session: bob });
      expect(res.status, JSON.stringify(form)).toBe(403);
      expect(await res.text()).toContain('security token is missing or wrong');
    }
    // The header form of the token, for scripts, works as the field does.
    const byHeader = await fetch(`${app.url}/logout`, {
      method: 'POST',
      headers: { cookie: `firewatch_session=${encodeURIComponent(carol)}`, 'x-csrf-token': carolsToken },
    });
    expect(byHeader.status).toBe(200);
    expect((await get(`${app.url}/`, { firewatch_session: carol })).status).toBe(302);
    const signedOut = await post(`${app.url}/logout`, { _csrf: carolsToken });
    expect(signedOut.status).toBe(403);
    expect(await signedOut.text()).toContain('You are not signed in');
    expect((await get(`${app.url}/`, { firewatch_session: bob })).status).toBe(200);
  });

  it('refuses a session past its end', async () => {
    const { session } = await signIn(emu, app.url, 'U0ALICE');
    expect((await get(`${app.url}/`, { firewatch_session: session! })).status).toBe(200);
    await db()
      .update(consoleSessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(consoleSessions.userId, 'U0ALICE'));
    const res = await get(`${app.url}/`, { firewatch_session: session! });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login');
  });

  it('shares sessions between two apps on one database: signed in on one, known and signed out on the other', async () => {
    const { session } = await signIn(emu, app.url, 'U0CAROL');
    const there = await get(`${replica.url}/`, { firewatch_session: session! });
    expect(await there.text()).toContain('Signed in as <strong>Carol Poe</strong>');
    const token = csrfIn(await (await get(`${app.url}/`, { firewatch_session: session! })).text())!;
    expect((await post(`${replica.url}/logout`, { _csrf: token }, { firewatch_session: session! })).status).toBe(200);
    expect((await get(`${app.url}/`, { firewatch_session: session! })).status).toBe(302);
  });
});

describe('console configuration', () => {
  it('marks the session and sign-in cookies Secure when PUBLIC_URL is https, and only then', async () => {
    /** Every cookie the sign-in and sign-out of `target` set, by name, with its attributes. */
    async function cookiesOf(target: Firewatch, publicUrl: string) {
      const { authorize, loginCookie } = await startLogin(target.url);
      const login = await get(`${target.url}/login`);
      // Slack sends the browser to PUBLIC_URL; here that is the app itself behind a TLS proxy, so the path is kept.
      const back = new URL(await approve(emu, authorize, 'U0BOB'));
      expect(back.origin).toBe(publicUrl);
      const callback = await get(`${target.url}${back.pathname}${back.search}`, { firewatch_login: loginCookie });
      expect(callback.status).toBe(303);
      const session = setCookies(callback).firewatch_session!.value;
      const token = csrfIn(await (await get(`${target.url}/`, { firewatch_session: session })).text())!;
      const out = await post(`${target.url}/logout`, { _csrf: token }, { firewatch_session: session });
      return {
        login: setCookies(login).firewatch_login!.attributes,
        session: setCookies(callback).firewatch_session!.attributes,
        loginCleared: setCookies(callback).firewatch_login!.attributes,
        signOut: setCookies(out).firewatch_session!.attributes,
      };
    }
    const httpsUrl = 'https://firewatch.example.test';
    const behindTls = await startApp(emu, database.database, undefined, { ...(await consoleEnv(emu)), PUBLIC_URL: httpsUrl });
    try {
      const secure = await cookiesOf(behindTls, httpsUrl);
      for (const [name, attributes] of Object.entries(secure)) {
        expect(attributes, name).toEqual(expect.arrayContaining(['Secure', 'HttpOnly']));
      }
      expect(secure.session).toEqual(expect.arrayContaining(['SameSite=Lax', 'Path=/']));
    } finally {
      await behindTls.stop();
    }
    const plain = await cookiesOf(app, app.url);
    for (const [name, attributes] of Object.entries(plain)) {
      expect(attributes, name).toContain('HttpOnly');
      expect(attributes, name).not.toContain('Secure');
    }
  });

  it('tells the person when Slack refuses the client secret', async () => {
    const wrong = await startApp(emu, database.database, undefined, await consoleEnv(emu, { SLACK_CLIENT_SECRET: 'not-the-secret' }));
    try {
      const { callback } = await signIn(emu, wrong.url, 'U0ALICE');
      expect(callback.status).toBe(403);
      expect(await callback.text()).toContain('Slack refused this app&#39;s SLACK_CLIENT_SECRET');
      expect(callsTo('openid.connect.token').at(-1)!.error).toBe('bad_client_secret');
    } finally {
      await wrong.stop();
    }
  });

  it('without client id and secret has no console, and the rest keeps working', async () => {
    const plain = await startApp(emu, database.database);
    try {
      for (const res of [await get(`${plain.url}/`), await get(`${plain.url}/login`), await post(`${plain.url}/logout`, {})]) {
        expect(res.status).toBe(404);
        expect(await res.text()).toContain('The console is not configured');
      }
      expect((await get(`${plain.url}/healthz`)).status).toBe(200);
    } finally {
      await plain.stop();
    }
  });

  it('refuses to start with only one of SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, or a malformed one', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' };
    expect(() => loadEnv({ ...base, SLACK_CLIENT_ID: '123.456' })).toThrow(/SLACK_CLIENT_SECRET is not set: Sign in with Slack/);
    expect(() => loadEnv({ ...base, SLACK_CLIENT_SECRET: 'abc' })).toThrow(/SLACK_CLIENT_ID is not set/);
    expect(() => loadEnv({ ...base, SLACK_CLIENT_ID: 'abc', SLACK_CLIENT_SECRET: 'abc' })).toThrow(EnvError);
    expect(() => loadEnv({ ...base, SLACK_AUTHORIZE_URL: 'slack.com' })).toThrow(/SLACK_AUTHORIZE_URL must be a URL/);
    expect(loadEnv(base).SLACK_AUTHORIZE_URL).toBe('https://slack.com/openid/connect/authorize');
  });
});

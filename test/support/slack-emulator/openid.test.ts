// The emulator's Sign in with Slack answers as Slack does: the authorize page redirects back with a code
// (or access_denied), openid.connect.token checks the client, the code and the redirect URL, and
// openid.connect.userInfo answers only the access token it issued, with Slack's claim names.
import { createPublicKey, createVerify, type JsonWebKey } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from './index.js';

let emu: SlackEmulator;
let slack: WebClient;
const REDIRECT = 'https://firewatch.example.com/auth/slack/callback';

beforeAll(async () => {
  emu = await SlackEmulator.start({ users: [{ id: 'U0ALICE', name: 'alice', real_name: 'Alice Doe' }] });
  slack = new WebClient(undefined, { slackApiUrl: emu.url, retryConfig: { retries: 0 } });
});
afterAll(() => emu.close());

function authorize(params: Record<string, string> = {}): URL {
  const url = new URL(`${emu.origin}/openid/connect/authorize`);
  const all = {
    response_type: 'code',
    scope: 'openid profile email',
    client_id: emu.openid.clientId,
    redirect_uri: REDIRECT,
    state: 's1',
    nonce: 'n1',
  };
  for (const [k, v] of Object.entries({ ...all, ...params })) url.searchParams.set(k, v);
  return url;
}

async function codeFor(user: string, params: Record<string, string> = {}): Promise<URL> {
  const url = authorize(params);
  url.pathname = '/openid/connect/authorize/approve';
  url.searchParams.set('user', user);
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { data?: { error?: string } }) => e.data?.error,
  );

describe('Sign in with Slack in the emulator', () => {
  it('lists the workspace’s people on the authorize page, and refuses an unknown client or a missing openid scope', async () => {
    const page = await (await fetch(authorize())).text();
    expect(page).toContain('data-user="U0ALICE">Alice Doe (Firewatch Test)');
    expect(page).not.toContain('UBOT');
    expect(await (await fetch(authorize({ client_id: '1.2' }))).text()).toBe('invalid_client_id');
    expect(await (await fetch(authorize({ scope: 'profile' }))).text()).toBe('invalid_scope');
  });

  it('redirects back with access_denied when the person cancels', async () => {
    const back = await codeFor('');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('s1');
  });

  it('exchanges a code once for an access token and a signed id_token carrying the nonce; userInfo answers the person', async () => {
    const back = await codeFor('U0ALICE');
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    const code = back.searchParams.get('code')!;
    const args = { client_id: emu.openid.clientId, client_secret: emu.openid.clientSecret, code, redirect_uri: REDIRECT };
    const token = await slack.openid.connect.token(args);
    expect(token.token_type).toBe('Bearer');
    expect(token.access_token).toMatch(/^xoxp-/);
    const [header, payload, signature] = token.id_token!.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(claims).toMatchObject({
      iss: 'https://slack.com',
      aud: emu.openid.clientId,
      nonce: 'n1',
      sub: 'U0ALICE',
      'https://slack.com/team_id': emu.teamId,
    });
    const { keys } = (await (await fetch(`${emu.origin}/openid/connect/keys`)).json()) as { keys: Array<JsonWebKey & { kid: string }> };
    const kid = (JSON.parse(Buffer.from(header!, 'base64url').toString()) as { kid: string }).kid;
    const key = createPublicKey({ key: keys.find((k) => k.kid === kid)!, format: 'jwk' });
    expect(createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(key, Buffer.from(signature!, 'base64url'))).toBe(true);

    const info = await slack.openid.connect.userInfo({ token: token.access_token! });
    expect(info).toMatchObject({
      ok: true,
      sub: 'U0ALICE',
      'https://slack.com/user_id': 'U0ALICE',
      'https://slack.com/team_id': emu.teamId,
      name: 'Alice Doe',
      email: 'alice@firewatch-test.example',
      email_verified: true,
    });
    expect(await errorOf(slack.openid.connect.token(args))).toBe('invalid_code');
  });

  it('answers Slack’s errors for a wrong client id, secret, redirect URL or code, and userInfo without its token', async () => {
    const code = (await codeFor('U0ALICE')).searchParams.get('code')!;
    const args = { client_id: emu.openid.clientId, client_secret: emu.openid.clientSecret, code, redirect_uri: REDIRECT };
    expect(await errorOf(slack.openid.connect.token({ ...args, client_id: '1.2' }))).toBe('invalid_client_id');
    expect(await errorOf(slack.openid.connect.token({ ...args, client_secret: 'nope' }))).toBe('bad_client_secret');
    expect(await errorOf(slack.openid.connect.token({ ...args, redirect_uri: 'https://elsewhere.example/cb' }))).toBe('bad_redirect_uri');
    expect(await errorOf(slack.openid.connect.token({ ...args, code: 'made-up' }))).toBe('invalid_code');
    expect(await errorOf(slack.apiCall('openid.connect.token', { ...args, grant_type: 'password' }))).toBe('invalid_grant_type');
    expect(await errorOf(slack.openid.connect.userInfo())).toBe('not_authed');
    expect(await errorOf(slack.openid.connect.userInfo({ token: 'xoxp-made-up' }))).toBe('invalid_auth');
    expect(await errorOf(slack.openid.connect.userInfo({ token: emu.botToken }))).toBe('invalid_auth');
  });
});

// Sign in with Slack (OpenID Connect): the authorize page a browser is sent to, and the Web API methods
// openid.connect.token and openid.connect.userInfo, with Slack's argument names, answers and error codes
// (docs.slack.dev/reference/methods/openid.connect.token, …/openid.connect.userInfo). The id_token is an
// RS256 JWT like Slack's, signed with a key made per emulator.
import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type Args, fail, type Json, nowSec } from './args.js';
import type { EmuUser } from './types.js';
import type { Workspace } from './workspace.js';

/** Slack's authorization codes last ten minutes and work once. */
const CODE_TTL_MS = 10 * 60_000;

/** Someone signed in to another Slack workspace, offered on the authorize page so tests can try a stranger. */
export const STRANGER = { id: 'U0STRANGER', teamId: 'T0ELSEWHERE', teamName: 'Elsewhere Inc', name: 'Stranger Danger' };

interface Person {
  userId: string;
  teamId: string;
  teamName: string;
  teamDomain: string;
  name: string;
  email: string;
}

interface Grant {
  person: Person;
  clientId: string;
  redirectUri: string;
  nonce: string | undefined;
  issued: number;
  used: boolean;
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');
const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export class OpenIdProvider {
  /** The app's Client ID and Client Secret, as on its "Basic Information" page. */
  readonly clientId = `${Date.now()}.${randomBytes(6).readUIntBE(0, 6)}`;
  readonly clientSecret = randomBytes(16).toString('hex');
  private readonly key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly kid = randomBytes(6).toString('hex');
  private readonly grants = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, Person>();

  constructor(private readonly ws: Workspace) {}

  /** GET /openid/connect/keys: the JWKS id_tokens are signed with, as Slack publishes it. */
  onKeys(res: ServerResponse): void {
    const jwk = this.key.publicKey.export({ format: 'jwk' });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ keys: [{ ...jwk, kid: this.kid, alg: 'RS256', use: 'sig' }] }));
  }

  /** GET /openid/connect/authorize (the page listing whom to sign in as) and …/approve (a choice made). */
  onAuthorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const problem =
      q.get('client_id') !== this.clientId
        ? 'invalid_client_id'
        : q.get('response_type') !== 'code'
          ? 'invalid_response_type'
          : !(q.get('scope') ?? '').split(' ').includes('openid')
            ? 'invalid_scope'
            : !/^https?:\/\//.test(q.get('redirect_uri') ?? '')
              ? 'bad_redirect_uri'
              : undefined;
    if (problem) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(problem);
      return;
    }
    const redirect = new URL(q.get('redirect_uri') ?? '');
    const state = q.get('state');
    if (state !== null) redirect.searchParams.set('state', state);
    if (url.pathname.endsWith('/approve')) {
      const person = this.personOf(q.get('user') ?? '');
      if (!person) {
        redirect.searchParams.set('error', 'access_denied');
      } else {
        const code = `${this.ws.teamId}.${randomBytes(20).toString('hex')}`;
        const grant = { person, redirectUri: q.get('redirect_uri') ?? '', nonce: q.get('nonce') ?? undefined };
        this.grants.set(code, { ...grant, clientId: this.clientId, issued: Date.now(), used: false });
        redirect.searchParams.set('code', code);
      }
      res.writeHead(302, { location: redirect.toString() });
      res.end();
      return;
    }
    const choices = [...this.ws.users.values()]
      .filter((u) => !u.is_bot && !u.deleted)
      .map((u) => ({ id: u.id, label: `${u.real_name ?? u.name} (${this.ws.teamName})` }))
      .concat({ id: STRANGER.id, label: `${STRANGER.name} (${STRANGER.teamName})` });
    const approve = (user: string) => {
      const target = new URL(url);
      target.pathname = '/openid/connect/authorize/approve';
      target.searchParams.set('user', user);
      return escape(target.pathname + target.search);
    };
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>Sign in with Slack</title><h1>Sign in to ${escape(this.ws.teamName)}</h1><ul>` +
        choices.map((c) => `<li><a href="${approve(c.id)}" data-user="${escape(c.id)}">${escape(c.label)}</a></li>`).join('') +
        `</ul><a href="${approve('')}">Cancel</a>`,
    );
  }

  /** The two Web API methods; they take the client credentials or the user's access token, not the bot token. */
  readonly methods: Record<string, (a: Args, token: string | undefined) => Json> = {
    'openid.connect.token': (a) => this.token(a),
    'openid.connect.userInfo': (_a, token) => {
      if (!token) fail('not_authed');
      const person = this.accessTokens.get(token);
      if (!person) fail('invalid_auth');
      return this.claims(person);
    },
  };

  private token(a: Args): Json {
    if (a.str('client_id') !== this.clientId) fail('invalid_client_id');
    if (a.str('client_secret') !== this.clientSecret) fail('bad_client_secret');
    const grantType = a.str('grant_type');
    if (grantType !== undefined && grantType !== 'authorization_code') fail('invalid_grant_type');
    const code = a.str('code');
    const grant = code === undefined ? undefined : this.grants.get(code);
    if (!grant || grant.used || grant.clientId !== this.clientId || Date.now() - grant.issued > CODE_TTL_MS) fail('invalid_code');
    if ((a.str('redirect_uri') ?? '') !== grant.redirectUri) fail('bad_redirect_uri');
    grant.used = true;
    const accessToken = `xoxp-${grant.person.teamId}-${randomBytes(16).toString('hex')}`;
    this.accessTokens.set(accessToken, grant.person);
    const now = nowSec();
    const idToken = this.sign({
      iss: 'https://slack.com',
      aud: this.clientId,
      exp: now + 3600,
      iat: now,
      auth_time: now,
      ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
      at_hash: b64url(randomBytes(16)),
      ...this.claims(grant.person),
    });
    return { access_token: accessToken, token_type: 'Bearer', id_token: idToken };
  }

  private personOf(userId: string): Person | undefined {
    if (userId === STRANGER.id) {
      const { id, teamId, teamName, name } = STRANGER;
      return { userId: id, teamId, teamName, teamDomain: 'elsewhere', name, email: 'stranger@elsewhere.example' };
    }
    const user: EmuUser | undefined = this.ws.users.get(userId);
    if (!user || user.is_bot || user.deleted) return undefined;
    return {
      userId: user.id,
      teamId: this.ws.teamId,
      teamName: this.ws.teamName,
      teamDomain: this.ws.teamDomain,
      name: user.real_name ?? user.name,
      email: user.email ?? `${user.name}@${this.ws.teamDomain}.example`,
    };
  }

  private claims(p: Person): Json {
    return {
      sub: p.userId,
      'https://slack.com/user_id': p.userId,
      'https://slack.com/team_id': p.teamId,
      email: p.email,
      email_verified: true,
      date_email_verified: 1_622_128_723,
      name: p.name,
      picture: `https://secure.gravatar.com/avatar/${p.userId}.png`,
      given_name: p.name.split(' ')[0] ?? p.name,
      family_name: p.name.split(' ').slice(1).join(' '),
      locale: 'en-US',
      'https://slack.com/team_name': p.teamName,
      'https://slack.com/team_domain': p.teamDomain,
    };
  }

  private sign(payload: Json): string {
    const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: this.kid }))}.${b64url(JSON.stringify(payload))}`;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(this.key.privateKey).toString('base64url')}`;
  }
}

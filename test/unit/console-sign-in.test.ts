// The console's plain parts: signed cookie values, cookie parsing and attributes, the authorize URL, the
// login state's expiry, and what makes an id_token not this sign-in's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCookies, serializeCookie, signValue, unsignValue } from '../../src/console/cookies.js';
import {
  authorizeUrl,
  decodeLoginState,
  encodeLoginState,
  idTokenProblem,
  LOGIN_TTL_MS,
  newLoginState,
  readIdToken,
} from '../../src/console/oidc.js';

const SECRET = 'a'.repeat(32);
const jwt = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const CLAIMS = { aud: '1.2', nonce: 'n', 'https://slack.com/team_id': 'T1', 'https://slack.com/user_id': 'U1' };

describe('signed cookie values', () => {
  it('read back only with the same secret and purpose, and never once altered', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.nat(), (value, purpose, at) => {
        const signed = signValue(purpose, value, SECRET);
        expect(unsignValue(purpose, signed, SECRET)).toBe(value);
        expect(unsignValue(`${purpose}!`, signed, SECRET)).toBeUndefined();
        expect(unsignValue(purpose, signed, 'b'.repeat(32))).toBeUndefined();
        const i = at % signed.length;
        const altered = signed.slice(0, i) + (signed[i] === 'x' ? 'y' : 'x') + signed.slice(i + 1);
        expect(unsignValue(purpose, altered, SECRET)).toBeUndefined();
      }),
    );
    expect(unsignValue('p', undefined, SECRET)).toBeUndefined();
    expect(unsignValue('p', 'nodot', SECRET)).toBeUndefined();
  });
});

describe('cookies', () => {
  it('parses what serializeCookie writes, whatever the value', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const set = serializeCookie('c', value, { path: '/', maxAge: 60, secure: false });
        expect(parseCookies(`other=1; ${set.split(';')[0]}`)).toEqual({ other: '1', c: value });
      }),
    );
  });

  it('keeps the first of a repeated name and skips malformed pairs', () => {
    expect(parseCookies('a=1; a=2; =3; b; c=%E0%A4%A; d=4')).toEqual({ a: '1', d: '4' });
    expect(parseCookies(undefined)).toEqual({});
  });

  it('is HttpOnly and SameSite=Lax always, Secure only when asked', () => {
    expect(serializeCookie('s', 'v', { path: '/', maxAge: 5, secure: false })).toBe('s=v; Path=/; Max-Age=5; HttpOnly; SameSite=Lax');
    expect(serializeCookie('s', 'v', { path: '/x', maxAge: 0, secure: true })).toBe(
      's=v; Path=/x; Max-Age=0; HttpOnly; SameSite=Lax; Secure',
    );
  });
});

describe('the authorize URL', () => {
  it('carries the OpenID scopes with %20, the client, the redirect URL, state and nonce', () => {
    const login = { state: 'st', nonce: 'no', expires: 0 };
    const url = authorizeUrl({
      authorizeUrl: 'https://slack.com/openid/connect/authorize',
      clientId: '1.2',
      redirectUri: 'https://fw.example/auth/slack/callback',
      login,
    });
    expect(url).toBe(
      'https://slack.com/openid/connect/authorize?response_type=code&scope=openid%20profile%20email&client_id=1.2' +
        '&redirect_uri=https%3A%2F%2Ffw.example%2Fauth%2Fslack%2Fcallback&state=st&nonce=no',
    );
  });
});

describe('the login state', () => {
  it('round-trips until it expires, and a fresh one is random', () => {
    const now = 1_700_000_000_000;
    const login = newLoginState(now);
    expect(login.expires).toBe(now + LOGIN_TTL_MS);
    expect(decodeLoginState(encodeLoginState(login), now + LOGIN_TTL_MS - 1)).toEqual(login);
    expect(decodeLoginState(encodeLoginState(login), now + LOGIN_TTL_MS)).toBeUndefined();
    expect(newLoginState(now).state).not.toBe(login.state);
    expect(decodeLoginState('not base64 json')).toBeUndefined();
    expect(decodeLoginState(Buffer.from('{"state":1}').toString('base64url'))).toBeUndefined();
  });
});

describe('the id_token', () => {
  it('belongs to this sign-in only with our client as audience and our nonce', () => {
    expect(idTokenProblem(readIdToken(jwt(CLAIMS)), '1.2', 'n')).toBeUndefined();
    expect(idTokenProblem(readIdToken(jwt({ ...CLAIMS, aud: ['9.9', '1.2'] })), '1.2', 'n')).toBeUndefined();
    expect(idTokenProblem(readIdToken(jwt({ ...CLAIMS, aud: '9.9' })), '1.2', 'n')).toMatch(/another app/);
    expect(idTokenProblem(readIdToken(jwt({ ...CLAIMS, nonce: 'm' })), '1.2', 'n')).toMatch(/nonce mismatch/);
    expect(idTokenProblem(readIdToken(jwt({ ...CLAIMS, nonce: undefined })), '1.2', 'n')).toMatch(/nonce mismatch/);
    expect(idTokenProblem(readIdToken('garbage'), '1.2', 'n')).toMatch(/readable id_token/);
    expect(idTokenProblem(readIdToken(jwt({ aud: '1.2' })), '1.2', 'n')).toMatch(/readable id_token/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newNonce, signAck, verifyAck, type AckClaims } from '../../src/paging/ack-signature.js';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const claims = (over: Partial<AckClaims> = {}): AckClaims => ({ pageId: 42, userId: 'U0BOB', nonce: newNonce(), ...over });

const anyClaims = fc.record({
  pageId: fc.integer({ min: 1, max: 2_000_000_000 }),
  userId: fc.stringMatching(/^[UW][A-Z0-9]{2,12}$/),
  nonce: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
});
const anySecret = fc.string({ minLength: 32, maxLength: 64 });
/** Characters a URL path carries as they are, and a few it would not. */
const anyChar = fc.oneof(
  fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'),
  fc.string({ minLength: 1, maxLength: 1 }),
);

describe('acknowledgement link signatures', () => {
  it('reads back the page, person and nonce it was signed with', () => {
    const signed = claims();
    expect(verifyAck(SECRET, signAck(SECRET, signed))).toEqual(signed);
  });

  it('is URL-safe as it is', () => {
    const token = signAck(SECRET, claims());
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('refuses a token signed with another secret', () => {
    expect(verifyAck(SECRET, signAck(`${SECRET}-other`, claims()))).toBeUndefined();
  });

  it('refuses a token whose page or person was changed', () => {
    const token = signAck(SECRET, claims({ pageId: 42, userId: 'U0BOB' }));
    expect(verifyAck(SECRET, token.replace(/^42\./, '43.'))).toBeUndefined();
    expect(verifyAck(SECRET, token.replace('.U0BOB.', '.U0EVE.'))).toBeUndefined();
  });

  it('refuses forgeries: no signature, a made-up one, extra parts, or nothing at all', () => {
    const [page, user, nonce] = signAck(SECRET, claims()).split('.');
    for (const forged of [
      `${page}.${user}.${nonce}`,
      `${page}.${user}.${nonce}.${'A'.repeat(43)}`,
      `${page}.${user}.${nonce}..`,
      `${signAck(SECRET, claims())}.x`,
      '',
      '....',
    ]) {
      expect(verifyAck(SECRET, forged), forged).toBeUndefined();
    }
  });

  it('round-trips any page, person and secret, and refuses the token with any one character changed', () => {
    fc.assert(
      fc.property(anyClaims, anySecret, fc.nat(), anyChar, (signed, secret, at, replacement) => {
        const token = signAck(secret, signed);
        expect(verifyAck(secret, token)).toEqual(signed);
        const i = at % token.length;
        fc.pre(token[i] !== replacement);
        const changed = token.slice(0, i) + replacement + token.slice(i + 1);
        expect(verifyAck(secret, changed)).toBeUndefined();
      }),
      { numRuns: 2_000 },
    );
  });

  it('will not sign a person id that could break the token apart', () => {
    expect(() => signAck(SECRET, claims({ userId: 'U0.BOB' }))).toThrow();
  });
});

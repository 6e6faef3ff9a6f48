import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTACT_METHODS } from '../../src/config/people.js';
import type { PersonSettings } from '../../src/db/schema.js';
import { checkCode, CODE_TRIES, CODE_TTL_MS, codeFor, codeHash, newSalt } from '../../src/paging/confirm-codes.js';
import { checkSettings, describeContacts } from '../../src/paging/contact-settings.js';
import { effectiveContacts } from '../../src/paging/person-settings.js';
import { frozenRules, rulesFor } from '../../src/paging/rules.js';
import { formatRules, parseRulesText } from '../../src/paging/rules-text.js';

const TWILIO_OFF = 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set';

describe('rules as text', () => {
  it('reads the documented grammar: steps split by ";" or lines, each a delay and its methods', () => {
    expect(parseRulesText('0m slack push; 2m sms; 5m voice')).toEqual({
      ok: true,
      rules: [
        { after: 0, via: ['slack', 'push'] },
        { after: 120_000, via: ['sms'] },
        { after: 300_000, via: ['voice'] },
      ],
    });
    expect(parseRulesText('0 Slack, EMAIL\n30s  sms sms')).toEqual({
      ok: true,
      rules: [
        { after: 0, via: ['slack', 'email'] },
        { after: 30_000, via: ['sms'] },
      ],
    });
  });

  it('takes empty text as no rules of one’s own', () => {
    expect(parseRulesText('  ;  ')).toEqual({ ok: true, rules: null });
  });

  it('refuses a bad delay, a step without methods, an unknown method and an unavailable one, naming the step', () => {
    expect(parseRulesText('soon sms')).toMatchObject({ ok: false, error: expect.stringMatching(/^"soon sms" must start with a delay/) });
    expect(parseRulesText('0m slack; 5m')).toEqual({
      ok: false,
      error: 'Step 2 ("5m") names no method: give one or more of slack, email, sms, voice, push.',
    });
    expect(parseRulesText('0m pager')).toEqual({
      ok: false,
      error: '"0m pager": "pager" is not a method. Use slack, email, sms, voice, push.',
    });
    expect(parseRulesText('0m slack; 2m sms', { sms: TWILIO_OFF })).toEqual({
      ok: false,
      error: `Step 2 ("2m sms"): sms is unavailable on this Firewatch (${TWILIO_OFF}).`,
    });
  });

  it('reads back whatever it writes, for any rules', () => {
    const rule = fc.record({
      after: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 1, max: 10_000 }).map((n) => n * 1000),
      ),
      via: fc.uniqueArray(fc.constantFrom(...CONTACT_METHODS), { minLength: 1 }),
    });
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 6 }), (rules) => {
        expect(parseRulesText(formatRules(rules))).toEqual({ ok: true, rules });
      }),
    );
  });
});

describe('checking the settings form', () => {
  const blank = { email: '', phone: '', ntfyTopic: '', rules: '' };

  it('takes E.164 numbers, forgiving the spaces, dashes and brackets people type', () => {
    expect(checkSettings({ ...blank, phone: '+49 (151) 1234-5678' }, {})).toEqual({
      value: { email: '', phone: '+4915112345678', ntfyTopic: '', rules: null },
      errors: {},
    });
  });

  it('refuses a number that is not E.164, an e-mail that is not an address and a bad topic, each on its field', () => {
    const { errors } = checkSettings({ email: 'alice@', phone: '015112345678', ntfyTopic: 'a/b', rules: '0m slack' }, {});
    expect(Object.keys(errors).sort()).toEqual(['email', 'ntfyTopic', 'phone']);
    expect(errors.phone).toBe('That is not a phone number in E.164 form: "+", country code and number, no spaces (e.g. "+4915112345678").');
  });

  it('refuses any number without a plus and 7 to 15 digits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (typed) => {
        const { value, errors } = checkSettings({ ...blank, phone: typed }, {});
        if (value.phone !== '' && !errors.phone) expect(value.phone).toMatch(/^\+[1-9]\d{6,14}$/);
      }),
    );
  });
});

describe('confirmation codes', () => {
  const secret = 'k'.repeat(32);
  const now = new Date('2026-12-02T03:00:00Z');
  const pendingFor = (salt: string, overrides: Partial<{ expiresAt: Date; triesLeft: number }> = {}) => ({
    salt,
    codeHash: codeHash(secret, salt, codeFor(secret, salt)),
    expiresAt: new Date(now.getTime() + CODE_TTL_MS),
    triesLeft: CODE_TRIES,
    ...overrides,
  });

  it('are six digits, the same each time for one confirmation, and depend on the secret', () => {
    const salt = newSalt();
    expect(codeFor(secret, salt)).toMatch(/^\d{6}$/);
    expect(codeFor(secret, salt)).toBe(codeFor(secret, salt));
    const others = Array.from({ length: 20 }, () => codeFor('other-secret', salt));
    expect(new Set([...others, codeFor(secret, salt)]).size).toBeGreaterThan(1);
  });

  it('confirm the right code, typed with spaces too, and count down a wrong one', () => {
    const salt = newSalt();
    const code = codeFor(secret, salt);
    expect(checkCode(secret, pendingFor(salt), code, now)).toEqual({ kind: 'confirmed' });
    expect(checkCode(secret, pendingFor(salt), `${code.slice(0, 3)} ${code.slice(3)}`, now)).toEqual({ kind: 'confirmed' });
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(checkCode(secret, pendingFor(salt), wrong, now)).toEqual({ kind: 'wrong', triesLeft: CODE_TRIES - 1 });
    expect(checkCode(secret, pendingFor(salt), '12ab', now)).toEqual({ kind: 'malformed' });
  });

  it('say an expired code expired and a used-up one is used up, even when it is right', () => {
    const salt = newSalt();
    const code = codeFor(secret, salt);
    expect(checkCode(secret, pendingFor(salt, { expiresAt: now }), code, now)).toEqual({ kind: 'expired' });
    expect(checkCode(secret, pendingFor(salt, { triesLeft: 0 }), code, now)).toEqual({ kind: 'used_up' });
  });

  it('accept no six digits but the code', () => {
    const salt = newSalt();
    const code = codeFor(secret, salt);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), (n) => {
        const typed = String(n).padStart(6, '0');
        expect(checkCode(secret, pendingFor(salt), typed, now).kind).toBe(typed === code ? 'confirmed' : 'wrong');
      }),
    );
  });
});

describe('Slack settings over the config', () => {
  const configured = {
    user: 'U0ALICE',
    email: 'alice@config.example',
    phone: '+4915112345678',
    ntfyTopic: 'alice-config',
    rules: [{ after: 0, via: ['slack' as const, 'email' as const] }],
  };
  const settings = (fields: Partial<PersonSettings>): PersonSettings => ({
    userId: 'U0ALICE',
    email: null,
    phone: null,
    ntfyTopic: null,
    rules: null,
    updatedAt: new Date(),
    ...fields,
  });

  it('win field by field: null follows the config, an empty one removes the config’s', () => {
    expect(effectiveContacts(configured, settings({ email: 'alice@slack.example', ntfyTopic: '' }))).toEqual({
      email: 'alice@slack.example',
      phone: '+4915112345678',
      ntfyTopic: undefined,
      rules: configured.rules,
    });
    expect(effectiveContacts(configured, undefined)).toEqual({
      email: configured.email,
      phone: configured.phone,
      ntfyTopic: configured.ntfyTopic,
      rules: configured.rules,
    });
  });

  it('freeze the rules set in Slack over the config’s, and the defaults for everyone else', () => {
    const own = new Map([['U0ALICE', [{ after: 60_000, via: ['slack' as const, 'sms' as const] }]]]);
    const frozen = frozenRules({ people: [configured], notifyDefaults: [{ after: 0, via: ['slack'] }] }, own);
    expect(rulesFor(frozen, 'U0ALICE')).toEqual([{ after: 60_000, via: ['slack', 'sms'] }]);
    expect(rulesFor(frozen, 'U0BOB')).toEqual([{ after: 0, via: ['slack'] }]);
  });

  it('are said back in one sentence', () => {
    expect(describeContacts(effectiveContacts(configured, settings({ phone: '' })), [])).toBe(
      'pages can reach you by Slack DM, e-mail to alice@config.example, push to ntfy topic alice-config, following your rules: 0m slack email.',
    );
  });
});

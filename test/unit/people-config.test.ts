import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { parseConfig } from '../../src/config/load.js';
import { pagingWarnings, unavailableMethods } from '../../src/config/methods.js';
import { E164 } from '../../src/config/people.js';

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
const TWILIO = { TWILIO_ACCOUNT_SID: `AC${'0a'.repeat(16)}`, TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+15005550006' };

const DESIGN_PEOPLE = {
  people: [
    {
      user: 'U0123ALICE',
      email: 'alice@example.com',
      phone: '+4915112345678',
      ntfy_topic: 'alice-pager-7f3k',
      rules: [
        { after: '0m', via: ['slack', 'push'] },
        { after: '2m', via: ['sms'] },
        { after: '5m', via: ['voice'] },
      ],
    },
  ],
  notify_defaults: [{ after: '0m', via: ['slack', 'email'] }],
};

describe('people and their notification rules in the config', () => {
  it("reads DESIGN.md's example: contact methods, and rules as delays in milliseconds", () => {
    const config = parseConfig(DESIGN_PEOPLE, 'firewatch.yaml');
    expect(config.people).toEqual([
      {
        user: 'U0123ALICE',
        email: 'alice@example.com',
        phone: '+4915112345678',
        ntfyTopic: 'alice-pager-7f3k',
        rules: [
          { after: 0, via: ['slack', 'push'] },
          { after: 120_000, via: ['sms'] },
          { after: 300_000, via: ['voice'] },
        ],
      },
    ]);
    expect(config.notifyDefaults).toEqual([{ after: 0, via: ['slack', 'email'] }]);
  });

  it('pages people without rules in Slack at once when the config sets no defaults', () => {
    const config = parseConfig({}, undefined);
    expect(config.people).toEqual([]);
    expect(config.notifyDefaults).toEqual([{ after: 0, via: ['slack'] }]);
  });

  it.each([
    [{ people: [{ user: 'U0A', phone: '015112345678' }] }, 'people[0].phone: expected a phone number in E.164 form'],
    [{ people: [{ user: 'U0A', phone: '+49 151 12345678' }] }, 'people[0].phone: expected a phone number in E.164 form'],
    [{ people: [{ user: 'U0A', email: 'alice at example.com' }] }, 'people[0].email: expected an e-mail address'],
    [{ people: [{ user: 'U0A', ntfy_topic: 'my/topic' }] }, 'people[0].ntfy_topic: expected an ntfy topic'],
    [
      { people: [{ user: 'U0A', rules: [{ after: '0m', via: ['pager'] }] }] },
      'people[0].rules[0].via[0]: expected one of "slack", "email"',
    ],
    [{ people: [{ user: 'U0A', rules: [{ after: 'soon', via: ['sms'] }] }] }, 'people[0].rules[0].after: expected a delay: 0m, or'],
    [{ people: [{ user: 'U0A', rules: [] }] }, 'people[0].rules: list at least one rule'],
    [{ people: [{ user: 'U0A' }, { user: 'U0A' }] }, 'people[1].user: duplicate user "U0A"'],
    [{ people: [{ user: 'alice' }] }, 'people[0].user: expected a Slack user id'],
    [{ notify_defaults: [{ after: '1m', via: [] }] }, 'notify_defaults[0].via: name at least one method'],
    [{ admin_channel: '#ops' }, 'admin_channel: expected a Slack channel id'],
  ])('stops start-up naming the field for %j', (document, message) => {
    expect(() => parseConfig(document, 'firewatch.yaml')).toThrow(message);
  });

  it('accepts every E.164 number and nothing with a leading zero, a space or more than 15 digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.stringMatching(/^\d{6,14}$/), (first, rest) => {
        expect(E164.test(`+${first}${rest}`)).toBe(true);
        expect(E164.test(`+0${rest}`)).toBe(false);
        expect(E164.test(`+${first} ${rest}`)).toBe(false);
        expect(E164.test(`+${first}${rest}${'1'.repeat(15 - rest.length)}`)).toBe(false);
      }),
    );
  });
});

describe('the providers in the environment', () => {
  it("defaults Twilio's and ntfy's URLs, and reads SMTP, Twilio and ntfy settings", () => {
    const env = loadEnv({
      ...SLACK,
      ...TWILIO,
      SMTP_URL: 'smtp://u:p@mail.example.com:587',
      SMTP_FROM: 'pager@example.com',
      NTFY_TOKEN: 'tk',
    });
    expect(env).toMatchObject({
      TWILIO_API_URL: 'https://api.twilio.com',
      NTFY_URL: 'https://ntfy.sh',
      NTFY_TOKEN: 'tk',
      SMTP_FROM: 'pager@example.com',
    });
    expect(unavailableMethods(env)).toEqual({});
    expect(env.PUBLIC_URL).toBe('http://localhost:3000');
    expect(loadEnv({ ...SLACK, PUBLIC_URL: 'https://firewatch.example.com/' }).PUBLIC_URL).toBe('https://firewatch.example.com');
  });

  it('refuses an SMTP URL without a From address, part of the Twilio settings, and malformed values', () => {
    expect(() => loadEnv({ ...SLACK, SMTP_URL: 'smtp://mail.example.com' })).toThrow(/SMTP_FROM is not set/);
    expect(() => loadEnv({ ...SLACK, SMTP_URL: 'http://mail.example.com', SMTP_FROM: 'a@b.co' })).toThrow(/SMTP_URL must be an smtp:\/\//);
    const partial = () => loadEnv({ ...SLACK, TWILIO_ACCOUNT_SID: TWILIO.TWILIO_ACCOUNT_SID });
    expect(partial).toThrow(/TWILIO_AUTH_TOKEN is not set: SMS and voice need all of/);
    expect(partial).toThrow(/TWILIO_FROM is not set/);
    expect(() => loadEnv({ ...SLACK, ...TWILIO, TWILIO_FROM: '5005550006' })).toThrow(/TWILIO_FROM expected a phone number in E.164 form/);
    expect(() => loadEnv({ ...SLACK, ...TWILIO, TWILIO_ACCOUNT_SID: 'AC123' })).toThrow(/TWILIO_ACCOUNT_SID must be a Twilio account SID/);
    expect(() => loadEnv({ ...SLACK, PUBLIC_URL: 'firewatch.example.com' })).toThrow(/PUBLIC_URL must be the http\(s\) URL/);
  });

  it('says at start-up which methods are unavailable and which configured rules name them', () => {
    const env = loadEnv(SLACK);
    expect(unavailableMethods(env)).toEqual({
      email: 'SMTP_URL is not set',
      sms: 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set',
      voice: 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set',
    });
    expect(pagingWarnings(env, parseConfig(DESIGN_PEOPLE, 'firewatch.yaml'))).toEqual([
      'email is unavailable: SMTP_URL is not set',
      'sms is unavailable: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set',
      'voice is unavailable: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set',
      'notify_defaults[0].via names email, which is unavailable: that step is skipped',
      'people[0].rules[1].via names sms, which is unavailable: that step is skipped',
      'people[0].rules[2].via names voice, which is unavailable: that step is skipped',
    ]);
    expect(
      pagingWarnings(
        loadEnv({ ...SLACK, ...TWILIO, SMTP_URL: 'smtps://mail.example.com', SMTP_FROM: 'a@b.co' }),
        parseConfig(DESIGN_PEOPLE, 'f'),
      ),
    ).toEqual([]);
  });
});

// A page attempt reaches its provider once, even when the provider's answer is lost (or the process dies
// before recording it): the retry asks the provider what it took, recognises its own, and records that
// instead of sending again. SMTP cannot be asked, so a re-sent e-mail keeps its Message-ID.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationAttempts } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { NtfyEmulator } from '../support/ntfy-emulator.js';
import { freePort } from '../support/process.js';
import { SmtpTestServer } from '../support/smtp-server.js';
import { TwilioEmulator } from '../support/twilio-emulator/index.js';

const ALICE = '+4915112345678';
const BOB = '+4915187654321';

const twilio = new TwilioEmulator();
const ntfy = new NtfyEmulator();
const smtp = new SmtpTestServer();
let port = 0;
beforeAll(async () => {
  await Promise.all([twilio.start(), ntfy.start(), smtp.start()]);
  port = await freePort();
});
afterAll(() => Promise.all([twilio.stop(), ntfy.stop(), smtp.stop()]));

const fw = useFirewatch({
  config: {
    people: [
      { user: 'U0ALICE', phone: ALICE, rules: [{ after: '0m', via: ['slack', 'sms'] }] },
      { user: 'U0BOB', phone: BOB, rules: [{ after: '0m', via: ['voice'] }] },
      { user: 'U0CAROL', ntfy_topic: 'carol-pager-9q2w', rules: [{ after: '0m', via: ['push'] }] },
      { user: 'U0DAN', email: 'dan@example.com', rules: [{ after: '0m', via: ['email'] }] },
    ],
  },
  env: () => ({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...twilio.env(),
    NTFY_URL: ntfy.url,
    SMTP_URL: smtp.url,
    SMTP_FROM: 'pager@firewatch.test',
  }),
});

const attemptSent = (user: string, incidentId: number) =>
  until(
    async () => {
      const [attempt] = await fw.db
        .select()
        .from(notificationAttempts)
        .where(and(eq(notificationAttempts.userId, user), eq(notificationAttempts.incidentId, incidentId)));
      return attempt?.state === 'sent' ? attempt : undefined;
    },
    `${user}'s attempt sent`,
    20_000,
  );

async function page(user: string, title: string) {
  const { id, channel } = await fw.declare(title);
  await fw.run(`page <@${user}>`, { channel });
  return id;
}

describe('an attempt whose provider answer was lost', () => {
  it('is one SMS: the retry finds it in Twilio’s list by its acknowledgement link and records its sid', async () => {
    twilio.failNext('lost');
    const id = await page('U0ALICE', 'Checkout down in EU');
    const attempt = await attemptSent('U0ALICE', id);
    const texts = twilio.messagesTo(ALICE).filter((m) => m.body.includes(`INC-${id} `));
    expect(texts).toHaveLength(1);
    expect(attempt.providerId).toBe(texts[0]!.sid);
    expect(attempt.claimedAt).not.toBeNull();
  });

  it('is one call: the retry finds the call to the number that no attempt recorded', async () => {
    const before = twilio.calls.filter((c) => c.to === BOB).length;
    twilio.failNext('lost');
    const id = await page('U0BOB', 'Search is slow');
    const attempt = await attemptSent('U0BOB', id);
    const calls = twilio.calls.filter((c) => c.to === BOB);
    expect(calls).toHaveLength(before + 1);
    expect(attempt.providerId).toBe(calls.at(-1)!.sid);
  });

  it('is one push: the retry finds it in the topic’s cached messages by its Click link', async () => {
    ntfy.failNext('lost');
    const id = await page('U0CAROL', 'Queue backlog growing');
    const attempt = await attemptSent('U0CAROL', id);
    const pushes = ntfy.messagesTo('carol-pager-9q2w').filter((m) => m.title?.includes(`INC-${id} `));
    expect(pushes).toHaveLength(1);
    expect(attempt.providerId).toBe(pushes[0]!.id);
  });

  it('is the same e-mail again when SMTP failed after keeping it: one Message-ID, which the mailbox shows once', async () => {
    smtp.keepButFailNext();
    const id = await page('U0DAN', 'Login errors');
    const attempt = await attemptSent('U0DAN', id);
    const mails = smtp.to('dan@example.com').filter((r) => r.mail.subject?.includes(`INC-${id} `));
    expect(mails).toHaveLength(2);
    expect(new Set(mails.map((r) => r.mail.messageId)).size).toBe(1);
    expect(attempt.providerId).toBe(mails[0]!.mail.messageId);
    expect(new Set(mails.map((r) => r.mail.text))).toHaveProperty('size', 1);
  });
});

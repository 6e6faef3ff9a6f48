// `/incident me`: each person's own e-mail, phone, ntfy topic and rules, set in a Slack form. A new e-mail
// address or phone number is used only once the 6-digit code sent to it (by the real SMTP server, by SMS
// through the Twilio emulator) is entered; bad input is refused inside the form, on its field.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactConfirmations, notificationAttempts, personSettings } from '../../src/db/schema.js';
import { DEFAULT_USERS } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { freePort } from '../support/process.js';
import { slashCommand } from '../support/slack-requests.js';
import type { ModalView } from '../support/slack-emulator/index.js';
import { SmtpTestServer } from '../support/smtp-server.js';
import { TwilioEmulator } from '../support/twilio-emulator/index.js';

const smtp = new SmtpTestServer();
const twilio = new TwilioEmulator();
let port = 0;
beforeAll(async () => {
  await Promise.all([smtp.start(), twilio.start()]);
  port = await freePort();
});
afterAll(() => Promise.all([smtp.stop(), twilio.stop()]));

// Each test has its own people, so the tests may run in any order.
const MORE_PEOPLE = ['dave', 'erin', 'frank', 'grace', 'heidi'].map((name) => ({ id: `U0${name.toUpperCase()}`, name, real_name: name }));
const fromConfig = (user: string, email: string) => ({ user, email, rules: [{ after: '0m', via: ['slack', 'email'] }] });

const fw = useFirewatch({
  emulator: { users: [...DEFAULT_USERS, ...MORE_PEOPLE] },
  config: {
    people: [
      fromConfig('U0BOB', 'bob@config.example'),
      fromConfig('U0DAVE', 'dave@config.example'),
      fromConfig('U0GRACE', 'grace@config.example'),
    ],
    notify_defaults: [{ after: '0m', via: ['slack', 'email'] }],
  },
  env: () => ({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SMTP_URL: smtp.url,
    SMTP_FROM: 'pager@firewatch.test',
    ...twilio.env(),
  }),
});

/** Runs `/incident me` as `user` and answers the form Slack shows them. */
async function openMe(user: string, appUrl = fw.app.url): Promise<ModalView> {
  const before = fw.slack.views.length;
  const r = await slashCommand(appUrl, fw.slack, 'me', { user });
  expect(r.status).toBe(200);
  await until(() => fw.slack.views.length > before, `the form of ${user}`);
  const modal = fw.slack.modal(user);
  expect(modal?.callbackId).toBe('contact_settings');
  return modal!;
}

const codeIn = (text: string | undefined) => /\b(\d{6})\b/.exec(text ?? '')?.[1];
const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const dmWith = (user: string, text: string) =>
  until(() => fw.dmsTo(user).find((m) => fw.slack.textOf(m).includes(text)), `a DM to ${user} saying "${text}"`, 15_000);
const settingsOf = async (user: string) => (await fw.db.select().from(personSettings).where(eq(personSettings.userId, user)))[0];

async function pageAndWaitForEmail(user: string, title: string) {
  const { id, channel } = await fw.declare(title);
  await fw.run(`page <@${user}>`, { channel });
  const attempt = await until(
    async () =>
      (await fw.db.select().from(notificationAttempts).where(eq(notificationAttempts.incidentId, id))).find(
        (a) => a.userId === user && a.method === 'email' && a.state === 'sent',
      ),
    `${user}'s page e-mail for INC-${id}`,
    15_000,
  );
  return { id, attempt };
}

describe('/incident me', () => {
  it('opens a form with the person’s config values, their rules and what applies without rules', async () => {
    const dave = await openMe('U0DAVE');
    expect(dave.initial('email')).toBe('dave@config.example');
    expect(dave.initial('rules')).toBe('0m slack email');
    expect(dave.initial('phone')).toBeUndefined();
    expect(dave.text()).toContain('the rules the Firewatch config gives you (0m slack email)');
    expect(dave.text()).not.toContain('is off on this Firewatch');
    const erin = await openMe('U0ERIN');
    expect(erin.initial('email')).toBeUndefined();
    expect(erin.initial('rules')).toBeUndefined();
    expect(erin.text()).toContain('the defaults (0m slack email)');
  });

  it('uses a new e-mail only once its code is entered: pages go to the old one meanwhile, a wrong code counts down', async () => {
    const form = await openMe('U0BOB');
    const saved = await form.submit({ email: 'bob@new.example' });
    expect(saved.errors).toBeUndefined();
    const codeForm = fw.slack.modal('U0BOB')!;
    expect(codeForm.callbackId).toBe('contact_code');
    expect(codeForm.text()).toContain('Firewatch sent a 6-digit code to b…b@new.example');

    const mail = await until(() => smtp.to('bob@new.example')[0], 'the code e-mail', 15_000);
    expect(mail.mail.from?.text).toBe('pager@firewatch.test');
    const code = codeIn(mail.mail.subject);
    expect(code).toMatch(/^\d{6}$/);
    expect(mail.mail.text).toContain(`Your code is ${code}.`);
    const [pending] = await fw.db.select().from(contactConfirmations).where(eq(contactConfirmations.userId, 'U0BOB'));
    expect(JSON.stringify(pending)).not.toContain(code!);

    const before = await pageAndWaitForEmail('U0BOB', 'Checkout slow before the new address');
    expect(before.attempt.maskedAddress).toBe('b…b@config.example');
    expect(smtp.to('bob@new.example').filter((r) => r.mail.subject?.includes(`INC-${before.id} `))).toEqual([]);

    const wrong = await codeForm.submit({ code_email: otherThan(code!) });
    expect(wrong.errors).toEqual({ code_email: 'That is not the code sent to b…b@new.example: 4 tries left.' });
    const right = await codeForm.submit({ code_email: code! });
    expect(right.errors).toBeUndefined();
    expect(codeForm.closed).toBe(true);
    await dmWith('U0BOB', 'Confirmed: from now on pages reach you by e-mail at b…b@new.example.');
    expect((await settingsOf('U0BOB'))?.email).toBe('bob@new.example');

    const after = await pageAndWaitForEmail('U0BOB', 'Checkout slow after the new address');
    expect(after.attempt.maskedAddress).toBe('b…b@new.example');
    await until(() => smtp.to('bob@new.example').find((r) => r.mail.subject?.includes(`INC-${after.id} `)), 'the page at the new address');
    expect(smtp.to('bob@config.example').filter((r) => r.mail.subject?.includes(`INC-${after.id} `))).toEqual([]);
  });

  it('confirms a new phone by the code texted to it, entered later with Enter code; an ACK from it then acknowledges', async () => {
    const phone = '+4915100001111';
    const form = await openMe('U0CAROL');
    const saved = await form.submit({ phone: '+49 151 0000 1111', rules: '0m slack sms' });
    expect(saved.errors).toBeUndefined();
    const sms = await until(() => twilio.messagesTo(phone)[0], 'the code SMS', 15_000);
    const code = codeIn(sms.body);
    expect(sms.body).toMatch(/^Firewatch code: \d{6}\./);
    fw.slack.modal('U0CAROL')!.close();

    const again = await openMe('U0CAROL');
    expect(again.initial('phone')).toBeUndefined();
    expect(again.text()).toContain('Waiting for the code sent to +49…1111');
    expect(again.initial('rules')).toBe('0m slack sms');
    const before = fw.slack.views.length;
    await again.click('contact_enter_code', 'U0CAROL');
    await until(() => fw.slack.views.length > before, 'the pushed code form');
    const pushed = fw.slack.modal('U0CAROL')!;
    expect(pushed.record.root_view_id).toBe(again.id);
    expect((await pushed.submit({ code_phone: code! })).errors).toBeUndefined();
    await dmWith('U0CAROL', 'Confirmed: from now on pages reach you by SMS and calls at +49…1111.');

    const { id, channel } = await fw.declare('Queue consumers stuck');
    await fw.run('page <@U0CAROL>', { channel });
    await until(() => twilio.messagesTo(phone).find((m) => m.body.includes(`INC-${id}`)), 'the page SMS', 15_000);
    const reply = await twilio.receiveSms(`http://127.0.0.1:${port}/twilio/sms`, phone, 'ACK');
    expect(reply.body).toContain(`Acknowledged INC-${id}`);
    const [event] = await fw.events(id, 'page_acknowledged');
    expect(event?.data).toMatchObject({ user: 'U0CAROL', via: 'sms' });
  });

  it('tells the person by DM when the code cannot be sent to their new number, and drops it', async () => {
    const landline = '+4930123456789';
    twilio.landlines.add(landline);
    const form = await openMe('U0ERIN');
    expect((await form.submit({ phone: landline })).errors).toBeUndefined();
    await dmWith('U0ERIN', 'Firewatch could not send the code to your new phone number +49…6789 (Twilio 21614');
    await until(
      async () => (await fw.db.select().from(contactConfirmations).where(eq(contactConfirmations.userId, 'U0ERIN'))).length === 0,
      'the confirmation dropped',
    );
    expect(twilio.messagesTo(landline)).toEqual([]);
  });

  it('refuses bad input inside the form, on the field at fault, and stores nothing', async () => {
    const form = await openMe('U0ALICE');
    const refused = await form.submit({ email: 'alice at example', phone: '0151 1234567', ntfy_topic: 'my topic!', rules: '0m slack fax' });
    expect(refused.errors?.email).toMatch(/^That is not an e-mail address/);
    expect(refused.errors?.phone).toMatch(/^That is not a phone number in E\.164 form/);
    expect(refused.errors?.ntfy_topic).toMatch(/^That is not an ntfy topic/);
    expect(refused.errors?.rules).toBe('"0m slack fax": "fax" is not a method. Use slack, email, sms, voice, push.');
    const delay = await form.submit({ email: '', phone: '', ntfy_topic: '', rules: '0m slack; soon sms' });
    expect(delay.errors).toEqual({ rules: expect.stringMatching(/^Step 2 \("soon sms"\) must start with a delay/) });
    expect(form.closed).toBe(false);
    expect(await settingsOf('U0ALICE')).toBeUndefined();
  });

  it('says an expired code expired, and saves a removal and an ntfy topic at once without a code', async () => {
    const form = await openMe('U0FRANK');
    await form.submit({ email: 'frank@example.com', ntfy_topic: 'frank-pager-1' });
    const codeForm = fw.slack.modal('U0FRANK')!;
    const mail = await until(() => smtp.to('frank@example.com')[0], 'the code e-mail', 15_000);
    await fw.db
      .update(contactConfirmations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(and(eq(contactConfirmations.userId, 'U0FRANK'), eq(contactConfirmations.method, 'email')));
    const late = await codeForm.submit({ code_email: codeIn(mail.mail.subject)! });
    expect(late.errors?.code_email).toMatch(
      /^The code sent to f…k@example\.com expired \(codes last 15 minutes\)\. Save the address again/,
    );
    expect((await settingsOf('U0FRANK'))?.email).toBeNull();
    expect((await settingsOf('U0FRANK'))?.ntfyTopic).toBe('frank-pager-1');

    const grace = await openMe('U0GRACE');
    expect((await grace.submit({ email: '' })).errors).toBeUndefined();
    expect(grace.closed).toBe(true);
    expect((await settingsOf('U0GRACE'))?.email).toBe('');
    await dmWith('U0GRACE', 'Saved: pages can reach you by Slack DM, following your rules: 0m slack email.');
  });
});

describe('/incident me on an install without Twilio or SMTP', () => {
  it('shows SMS, calls and e-mail as off with why, and refuses a new phone or a rule naming them', async () => {
    const bare = await fw.startApp({ people: [] });
    // What the person does in Slack goes to this app, as if it were the one installed.
    const installed = fw.slack.appUrl;
    fw.slack.appUrl = bare.url;
    try {
      const form = await openMe('U0HEIDI', bare.url);
      expect(form.text()).toContain(
        'SMS and Calls are off on this Firewatch: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set.',
      );
      expect(form.text()).toContain('E-mail is off on this Firewatch: SMTP_URL is not set.');
      const refused = await form.submit({ phone: '+4915100002222', rules: '0m slack; 2m voice' });
      expect(refused.errors?.phone).toMatch(/^Firewatch cannot send a code to a new phone number here \(TWILIO_ACCOUNT_SID/);
      expect(refused.errors?.rules).toBe(
        'Step 2 ("2m voice"): voice is unavailable on this Firewatch (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are not set).',
      );
    } finally {
      fw.slack.appUrl = installed;
      await bare.stop();
    }
  });
});

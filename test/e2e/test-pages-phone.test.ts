// A test page by SMS and call through Twilio: both say it is a test, an SMS reply ACK or a 1 pressed on the
// call acknowledges it, and a 2 escalates nothing, since a test page pages nobody else.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationAttempts, pageNotifications, pages, type NotificationAttempt } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { freePort } from '../support/process.js';
import { TwilioEmulator } from '../support/twilio-emulator/index.js';

const ALICE = '+4915112345678';
const BOB = '+4915187654321';
const CAROL = '+4917011112222';

const twilio = new TwilioEmulator();
let port = 0;
beforeAll(async () => {
  await twilio.start();
  port = await freePort();
});
afterAll(() => twilio.stop());

const fw = useFirewatch({
  config: {
    people: [
      { user: 'U0ALICE', phone: ALICE, rules: [{ after: '0m', via: ['slack', 'sms'] }] },
      { user: 'U0BOB', phone: BOB, rules: [{ after: '0m', via: ['voice'] }] },
      { user: 'U0CAROL', phone: CAROL, rules: [{ after: '0m', via: ['voice'] }] },
    ],
  },
  env: () => ({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...twilio.env(),
  }),
});

const testPageOf = async (user: string) => (await fw.db.select().from(pages).where(eq(pages.testTarget, user)))[0];
const attemptIn = (user: string, method: NotificationAttempt['method'], state: string) =>
  until(
    async () =>
      (
        await fw.db
          .select()
          .from(notificationAttempts)
          .where(and(eq(notificationAttempts.userId, user), eq(notificationAttempts.method, method)))
      ).find((a) => a.state === state),
    `${user}'s ${method} attempt ${state}`,
    15_000,
  );

describe('a test page by phone', () => {
  it('texts that it is a test, and a reply of ACK acknowledges it', async () => {
    await fw.run('oncall test', { user: 'U0ALICE' });
    await attemptIn('U0ALICE', 'sms', 'sent');
    const [sms] = twilio.messagesTo(ALICE);
    expect(sms?.body).toMatch(/^Firewatch TEST PAGE — nothing is wrong\. Reply ACK or 1 to acknowledge/);
    const hook = await twilio.receiveSms(`http://127.0.0.1:${port}/twilio/sms`, ALICE, 'ACK');
    expect(hook.body).toContain('Test page acknowledged: it reached you. Nothing is wrong.');
    expect(await testPageOf('U0ALICE')).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'U0ALICE' });
    await attemptIn('U0ALICE', 'sms', 'acknowledged');
    await until(() => fw.dmsTo('U0ALICE').find((m) => /acked by SMS \d+s\n✅ Acknowledged in \d+s\.$/.test(m.text ?? '')), 'the report');
  });

  it('calls saying it is a test, and a 1 pressed acknowledges it', async () => {
    await fw.run('oncall test <@U0BOB>', { user: 'U0ALICE' });
    const placed = await attemptIn('U0BOB', 'voice', 'sent');
    const call = await twilio.answer(placed.providerId!, '1');
    expect(call.heard[0]?.says[0]).toBe('This is a Firewatch TEST PAGE. Nothing is wrong. Press 1 to acknowledge.');
    expect(call.heard.at(-1)?.says.join(' ')).toContain('Test page acknowledged: it reached you. Nothing is wrong.');
    expect(await testPageOf('U0BOB')).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'U0BOB' });
    await attemptIn('U0BOB', 'voice', 'acknowledged');
  });

  it('does nothing on a 2, since a test page escalates to nobody', async () => {
    await fw.run('oncall test <@U0CAROL>', { user: 'U0ALICE' });
    const placed = await attemptIn('U0CAROL', 'voice', 'sent');
    const call = await twilio.answer(placed.providerId!, '2');
    expect(call.heard[1]?.says[0]).toBe('That key does nothing. Press 1 to acknowledge.');
    expect(await testPageOf('U0CAROL')).toMatchObject({ state: 'triggered', step: 0 });
    expect(await fw.db.select().from(pages).where(eq(pages.kind, 'incident'))).toHaveLength(0);
    expect(
      await fw.db
        .select()
        .from(pageNotifications)
        .where(eq(pageNotifications.pageId, (await testPageOf('U0CAROL'))!.id)),
    ).toHaveLength(1);
  });
});

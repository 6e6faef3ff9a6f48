// Pages by SMS and call through Twilio: each attempt's receipt follows Twilio's status callbacks, and a reply
// of ACK or a 1 pressed on the call acknowledges, marking the attempt that woke the person.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationAttempts, timelineEvents } from '../../src/db/schema.js';
import { compilePostmortem } from '../../src/postmortems/compile.js';
import { postmortemSource } from '../../src/postmortems/store.js';
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
      {
        user: 'U0ALICE',
        phone: ALICE,
        rules: [
          { after: '0m', via: ['slack', 'sms'] },
          { after: '1h', via: ['voice'] },
        ],
      },
      { user: 'U0BOB', phone: BOB, rules: [{ after: '0m', via: ['voice'] }] },
      { user: 'U0CAROL', phone: CAROL, rules: [{ after: '0m', via: ['sms'] }] },
    ],
  },
  env: () => ({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...twilio.env(),
  }),
});

const attemptsOf = (user: string, incidentId: number) =>
  fw.db
    .select()
    .from(notificationAttempts)
    .where(and(eq(notificationAttempts.userId, user), eq(notificationAttempts.incidentId, incidentId)));
const attemptIn = (user: string, incidentId: number, method: string, state: string) =>
  until(
    async () => (await attemptsOf(user, incidentId)).find((a) => a.method === method && a.state === state),
    `${user}'s ${method} attempt ${state}`,
    15_000,
  );

async function page(user: string, title: string) {
  const { id, channel } = await fw.declare(title);
  await fw.run(`page <@${user}>`, { channel });
  return id;
}

describe('a page by SMS', () => {
  it('texts the person at once with how to acknowledge, and its receipt follows Twilio to delivered', async () => {
    const id = await page('U0ALICE', 'Checkout down in EU');
    const sent = await attemptIn('U0ALICE', id, 'sms', 'sent');
    const message = twilio.messages.find((m) => m.sid === sent.providerId)!;
    expect(message.to).toBe(ALICE);
    expect(message.body).toMatch(new RegExp(`^Firewatch: paged for INC-${id} \\(SEV3 · Minor\\): Checkout down in EU\\. Reply ACK or 1`));
    expect(sent.maskedAddress).toBe('+49…5678');
    await twilio.settle(message.sid, 'delivered');
    const delivered = await attemptIn('U0ALICE', id, 'sms', 'delivered');
    expect(delivered.deliveredAt).not.toBeNull();
  });

  it('acknowledges on a reply of ACK: the SMS is the receipt that woke them, and the call still waiting is cancelled', async () => {
    const id = await page('U0ALICE', 'Payments timing out');
    await attemptIn('U0ALICE', id, 'sms', 'sent');
    const reply = await twilio.receiveSms(`http://127.0.0.1:${port}/twilio/sms`, ALICE, ' ack ');
    expect(reply.body).toContain(`Acknowledged INC-${id}`);
    await attemptIn('U0ALICE', id, 'sms', 'acknowledged');
    await attemptIn('U0ALICE', id, 'voice', 'cancelled');
    const channel = (await fw.incident(id)).channelId!;
    await fw.slack.waitFor(() =>
      fw.slack.messagesIn(channel).find((m) => m.text === `✅ <@U0ALICE> acknowledged the page for *INC-${id}* by SMS`),
    );
    // The timeline keeps the receipt, and the postmortem's metrics say what woke the person.
    const kept = await fw.db.select().from(timelineEvents).where(eq(timelineEvents.incidentId, id));
    expect(kept.filter((e) => e.kind === 'page_attempt').map((e) => e.data)).toEqual([
      expect.objectContaining({ user: 'U0ALICE', method: 'sms', state: 'sent', address: '+49…5678' }),
    ]);
    const source = await postmortemSource(fw.db, fw.config, await fw.incident(id));
    const markdown = compilePostmortem({ ...source, names: { U0ALICE: 'alice' }, version: 1 });
    expect(markdown).toMatch(/\| Page acknowledged \(direct page\) \| \d+s · @alice · woken by SMS \|/);
    expect(markdown).toContain('📨 SMS to +49…5678 for @alice sent');
  });

  it('records an SMS Twilio could not deliver as failed, and tells the person in Slack', async () => {
    const id = await page('U0CAROL', 'Search results stale');
    const sent = await attemptIn('U0CAROL', id, 'sms', 'sent');
    await twilio.settle(sent.providerId!, 'undelivered', 30005);
    const failed = await attemptIn('U0CAROL', id, 'sms', 'failed');
    expect(failed.error).toBe('Twilio 30005');
    await fw.slack.waitFor(() => fw.dmsTo('U0CAROL').find((m) => fw.slack.textOf(m).includes('could not reach you by SMS (+49…2222)')));
  });

  it('records a number that texted STOP as refused for good at once', async () => {
    await twilio.receiveSms(`http://127.0.0.1:${port}/twilio/sms`, CAROL, 'STOP');
    const id = await page('U0CAROL', 'Queue backlog');
    const failed = await attemptIn('U0CAROL', id, 'sms', 'failed');
    expect(failed.error).toMatch(/^Twilio 21610/);
    twilio.optedOut.delete(CAROL);
  });
});

describe('a page by call', () => {
  it('calls, and a 1 pressed acknowledges: the call is the receipt that woke them', async () => {
    const id = await page('U0BOB', 'Replication lag');
    const placed = await attemptIn('U0BOB', id, 'voice', 'sent');
    const call = await twilio.answer(placed.providerId!, '1');
    expect(call.heard[0]?.says[0]).toContain(`Firewatch page for INC-${id}`);
    await attemptIn('U0BOB', id, 'voice', 'acknowledged');
    expect((await fw.incident(id)).acknowledgedAt).not.toBeNull();
    const [event] = await fw.events(id, 'page_acknowledged');
    expect(event?.data).toMatchObject({ user: 'U0BOB', via: 'voice' });
  });

  it('records a call nobody answered as no answer', async () => {
    const id = await page('U0BOB', 'Disk filling on db-2');
    const placed = await attemptIn('U0BOB', id, 'voice', 'sent');
    await twilio.endUnanswered(placed.providerId!, 'no-answer');
    await attemptIn('U0BOB', id, 'voice', 'no_answer');
  });
});

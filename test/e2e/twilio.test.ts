// Paging by phone through Twilio: the REST client against the Twilio emulator, and the webhooks Twilio calls
// back (inbound SMS, a page's call and its keys, delivery status), each signed as Twilio signs them.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { incidents, pages } from '../../src/db/schema.js';
import { twilioClient, TwilioRequestError, type TwilioClient } from '../../src/providers/twilio.js';
import { startApp, SEVERITIES_PAGING_PRIMARY } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { freePort } from '../support/process.js';
import { TwilioEmulator, twilioSignature } from '../support/twilio-emulator/index.js';

const ALICE_PHONE = '+4915112345678';
const CAROL_PHONE = '+4915187654321';

const twilio = new TwilioEmulator();
let publicUrl = '';
let port = 0;
beforeAll(async () => {
  await twilio.start();
  port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
});
afterAll(() => twilio.stop());

const twilioEnv = () => ({
  ...twilio.env(),
});

const fw = useFirewatch({
  config: {
    severities: SEVERITIES_PAGING_PRIMARY,
    escalation_policies: [
      {
        id: 'primary',
        levels: [
          { delay: '1h', targets: [{ user: 'U0ALICE' }] },
          { delay: '1h', targets: [{ user: 'U0BOB' }] },
        ],
      },
    ],
    people: [
      { user: 'U0ALICE', phone: ALICE_PHONE },
      { user: 'U0CAROL', phone: CAROL_PHONE },
    ],
  },
  env: () => ({ PORT: String(port), PUBLIC_URL: publicUrl, ...twilioEnv() }),
});

const client = (): TwilioClient => twilioClient(loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', ...twilioEnv() }))!;

async function pagesOf(incidentId: number) {
  return fw.db.select().from(pages).where(eq(pages.incidentId, incidentId)).orderBy(asc(pages.id));
}

/** Declares an incident and pages alice on it by hand; answers the incident and the page once her DM is there. */
async function pageAlice(title: string) {
  const declared = await fw.declare(title);
  await fw.run('page <@U0ALICE>', { channel: declared.channel });
  await fw.slack.waitFor(() => fw.dmsTo('U0ALICE').find((m) => fw.slack.textOf(m).includes(`INC-${declared.id}*`)));
  const [page] = await pagesOf(declared.id);
  return { ...declared, page: page! };
}

/** Declares a SEV1, which pages the primary policy: alice at level 1, bob at level 2. */
async function pageByPolicy(title: string) {
  const declared = await fw.declare(title, { severity: 'sev1' });
  await fw.slack.waitFor(() => fw.dmsTo('U0ALICE').find((m) => fw.slack.textOf(m).includes(`INC-${declared.id}*`)));
  const [page] = await pagesOf(declared.id);
  return { ...declared, page: page! };
}

const reply = (body: string) => /<Message>([\s\S]*)<\/Message>/.exec(body)?.[1];

describe('acknowledging by SMS', () => {
  it('acknowledges the sender’s latest open page on ACK or 1, whatever the case and spaces, and her Slack DM says so', async () => {
    const older = await pageAlice('Checkout errors');
    const newer = await pageAlice('Search is slow');

    const first = await twilio.receiveSms(`${publicUrl}/twilio/sms`, ALICE_PHONE, ' a C k ');
    expect(first.status).toBe(200);
    expect(reply(first.body)).toBe(
      `Acknowledged INC-${newer.id} (Search is slow): escalation stopped. You have been added to the incident channel.`,
    );
    expect((await pagesOf(newer.id))[0]).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'U0ALICE' });
    expect((await pagesOf(older.id))[0]).toMatchObject({ state: 'triggered' });
    await fw.drained(newer.id);
    const dm = fw.dmsTo('U0ALICE').find((m) => fw.slack.textOf(m).includes(`INC-${newer.id}*`))!;
    expect(fw.slack.textOf(dm)).toContain('Acknowledged by <@U0ALICE>');

    const second = await twilio.receiveSms(`${publicUrl}/twilio/sms`, ALICE_PHONE, '1');
    expect(reply(second.body)).toContain(`Acknowledged INC-${older.id} (Checkout errors)`);
    expect((await pagesOf(older.id))[0]).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'U0ALICE' });
  });

  it('answers a number that belongs to nobody, or a sender that is no number, that it knows nothing of it, and changes nothing', async () => {
    const { id } = await pageAlice('Unknown sender');
    const hook = await twilio.receiveSms(`${publicUrl}/twilio/sms`, '+4915100000000', 'ACK');
    expect(hook.status).toBe(200);
    expect(reply(hook.body)).toBe('Firewatch does not know this number, so nothing was acknowledged.');
    const alphanumeric = await twilio.receiveSms(`${publicUrl}/twilio/sms`, 'ACMEBANK', 'ACK');
    expect([alphanumeric.status, reply(alphanumeric.body)]).toEqual([
      200,
      'Firewatch does not know this number, so nothing was acknowledged.',
    ]);
    expect((await pagesOf(id))[0]).toMatchObject({ state: 'triggered', acknowledgedBy: null });
  });

  it('tells a known person with no open page so, and says what works to anything but ACK', async () => {
    const none = await twilio.receiveSms(`${publicUrl}/twilio/sms`, CAROL_PHONE, 'ack');
    expect(reply(none.body)).toBe('You have no open page to acknowledge.');
    const { id } = await pageAlice('Other words');
    const other = await twilio.receiveSms(`${publicUrl}/twilio/sms`, ALICE_PHONE, 'on my way');
    expect(reply(other.body)).toBe('Reply ACK or 1 to acknowledge your latest open page.');
    expect((await pagesOf(id))[0]).toMatchObject({ state: 'triggered' });
  });

  it('leaves STOP and START to Twilio: an empty response, and nothing acknowledged', async () => {
    const { id } = await pageAlice('Opt-out words');
    for (const word of ['STOP', 'start']) {
      const hook = await twilio.receiveSms(`${publicUrl}/twilio/sms`, ALICE_PHONE, word);
      expect(hook.status).toBe(200);
      expect(hook.body).toMatch(/^<\?xml[^>]*\?><Response\/>$/);
    }
    expect((await pagesOf(id))[0]).toMatchObject({ state: 'triggered' });
    expect(twilio.optedOut.has(ALICE_PHONE)).toBe(false);
  });
});

describe('the signature on Twilio’s webhooks', () => {
  const smsParams = (from: string) => ({
    AccountSid: twilio.accountSid,
    Body: 'ACK',
    From: from,
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    To: twilio.numbers[0]!,
  });
  const post = (url: string, params: Record<string, string>, signature?: string) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature === undefined ? {} : { 'x-twilio-signature': signature }),
      },
      body: new URLSearchParams(params).toString(),
    });

  it('refuses an unsigned, forged or altered request with 403, and acknowledges nothing', async () => {
    const { id } = await pageAlice('Forged acks');
    const url = `${publicUrl}/twilio/sms`;
    const params = smsParams(ALICE_PHONE);
    const signed = twilioSignature(twilio.authToken, url, params);
    const answers = [
      await post(url, params),
      await post(url, params, twilioSignature('not-the-auth-token', url, params)),
      // A captured request replayed with another sender: the signature no longer covers its parameters.
      await post(url, { ...params, From: CAROL_PHONE }, signed),
      // Signed for another URL (query included), sent to this one.
      await post(url, params, twilioSignature(twilio.authToken, `${url}?x=1`, params)),
    ];
    expect(answers.map((r) => r.status)).toEqual([403, 403, 403, 403]);
    expect((await pagesOf(id))[0]).toMatchObject({ state: 'triggered' });
    expect((await post(url, params, signed)).status).toBe(200);
    expect((await pagesOf(id))[0]).toMatchObject({ state: 'acknowledged' });
  });

  it('refuses a signed SMS replayed later with 403: it acknowledges neither its page again nor the next one', async () => {
    const url = `${publicUrl}/twilio/sms`;
    const first = await pageAlice('Replayed ack, first page');
    const params = smsParams(ALICE_PHONE);
    const signed = twilioSignature(twilio.authToken, url, params);
    expect((await post(url, params, signed)).status).toBe(200);
    expect((await pagesOf(first.id))[0]).toMatchObject({ state: 'acknowledged' });
    const next = await pageAlice('Replayed ack, next page');
    const replay = await post(url, params, signed);
    expect(replay.status).toBe(403);
    expect((await pagesOf(next.id))[0]).toMatchObject({ state: 'triggered' });
  });

  it('answers a body over 64 KiB with 413, and a signed request that is no webhook of its route with 400', async () => {
    const big = { ...smsParams(ALICE_PHONE), Body: 'x'.repeat(70_000) };
    expect((await post(`${publicUrl}/twilio/sms`, big, twilioSignature(twilio.authToken, `${publicUrl}/twilio/sms`, big))).status).toBe(
      413,
    );
    const noSid = { AccountSid: twilio.accountSid, Foo: 'bar' };
    const status = `${publicUrl}/twilio/status`;
    expect((await post(status, noSid, twilioSignature(twilio.authToken, status, noSid))).status).toBe(400);
    const noSender = { AccountSid: twilio.accountSid, Body: 'ACK' };
    const sms = `${publicUrl}/twilio/sms`;
    expect((await post(sms, noSender, twilioSignature(twilio.authToken, sms, noSender))).status).toBe(400);
  });

  it('refuses even a correctly signed request when Twilio is not configured', async () => {
    const unconfigured = await startApp(fw.slack, fw.database.database, fw.config, { PUBLIC_URL: publicUrl });
    try {
      const url = `${unconfigured.url}/twilio/sms`;
      const params = smsParams(ALICE_PHONE);
      const r = await post(url, params, twilioSignature(twilio.authToken, `${publicUrl}/twilio/sms`, params));
      expect(r.status).toBe(403);
    } finally {
      await unconfigured.stop();
    }
  });

  it('accepts a signed status callback with 204, and refuses a forged one', async () => {
    const sid = await client().sendSms({ to: ALICE_PHONE, body: 'INC-1 paged you', statusCallback: `${publicUrl}/twilio/status` });
    await twilio.settle(sid, 'delivered');
    const callbacks = twilio.webhooks.filter((h) => h.params.MessageSid === sid);
    expect(callbacks.map((h) => [h.params.MessageStatus, h.status])).toEqual([
      ['sent', 204],
      ['delivered', 204],
    ]);
    const forged = await post(`${publicUrl}/twilio/status`, { MessageSid: sid, MessageStatus: 'delivered' }, 'AAAA');
    expect(forged.status).toBe(403);
  });
});

describe('a page’s voice call', () => {
  const callUrl = (pageId: number, user: string) => `${publicUrl}/twilio/voice?page=${pageId}&user=${user}`;
  const call = async (pageId: number, user = 'U0ALICE') => client().placeCall({ to: ALICE_PHONE, url: callUrl(pageId, user) });

  it('reads the incident and acknowledges as the person called when they press 1', async () => {
    const { id, page } = await pageByPolicy('Primary database down');
    const answered = await twilio.answer(await call(page.id), '1');
    expect(answered.error).toBeUndefined();
    expect(answered.heard[0]!.says).toEqual([
      `Firewatch page for INC-${id}, severity SEV1, Critical: Primary database down. Press 1 to acknowledge. Press 2 to escalate.`,
      'No key was pressed. Goodbye.',
    ]);
    expect(answered.heard[0]!.gather).toMatchObject({ numDigits: 1, method: 'POST' });
    expect(answered.heard[1]).toMatchObject({ says: ['Acknowledged: escalation stopped. Goodbye.'], hangup: true });
    expect((await pagesOf(id))[0]).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'U0ALICE' });
    await fw.drained(id);
    const dm = fw.dmsTo('U0ALICE').find((m) => fw.slack.textOf(m).includes(`INC-${id}*`))!;
    expect(fw.slack.textOf(dm)).toContain('Acknowledged by <@U0ALICE>');
  });

  it('says first that a drill’s page is a drill', async () => {
    const drill = await fw.declareCommand('drill sev1 Failover practice');
    await fw.slack.waitFor(() => fw.dmsTo('U0ALICE').find((m) => fw.slack.textOf(m).includes(`INC-${drill.id}*`)));
    const [page] = await pagesOf(drill.id);
    const answered = await twilio.answer(await call(page!.id), '1');
    expect(answered.heard[0]!.says[0]).toBe(
      `This is a drill, a practice incident. Firewatch page for INC-${drill.id}, severity SEV1, Critical: Failover practice. Press 1 to acknowledge. Press 2 to escalate.`,
    );
    expect((await pagesOf(drill.id))[0]).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'U0ALICE' });
  });

  it('escalates to the next level when they press 2, and a stale call pressing 2 again does not skip a level', async () => {
    const { id, page } = await pageByPolicy('Queue backlog');
    const first = await twilio.answer(await call(page.id), '2');
    expect(first.heard[1]!.says).toEqual(['Escalated to level 2. Goodbye.']);
    expect((await pagesOf(id))[0]).toMatchObject({ state: 'triggered', level: 1 });
    await fw.slack.waitFor(() => fw.dmsTo('U0BOB').find((m) => fw.slack.textOf(m).includes(`INC-${id}*`)));
    // The same menu, read before the escalation, pressed again.
    const again = await twilio.webhook(first.heard[0]!.gather!.action, { CallSid: first.sid, Digits: '2' });
    expect(again.body).toContain('This page was already escalated past that level.');
    expect((await pagesOf(id))[0]).toMatchObject({ level: 1 });
  });

  it('repeats the menu once after a key that does nothing, then hangs up', async () => {
    const { id, page } = await pageByPolicy('Wrong key');
    const answered = await twilio.answer(await call(page.id), '7');
    expect(answered.heard[1]!.says[0]).toBe('That key does nothing. Press 1 to acknowledge. Press 2 to escalate.');
    const repeated = answered.heard[1]!.gather!;
    const last = await twilio.webhook(repeated.action, { CallSid: answered.sid, Digits: '7' });
    expect(last.body).toContain('<Say>That key does nothing. Goodbye.</Say><Hangup/>');
    expect(last.body).not.toContain('<Gather');
    expect((await pagesOf(id))[0]).toMatchObject({ state: 'triggered', level: 0 });
  });

  it('says a page already over is over, and hangs up', async () => {
    const { id, page } = await pageByPolicy('Over before the call');
    await twilio.receiveSms(`${publicUrl}/twilio/sms`, ALICE_PHONE, 'ACK');
    expect((await pagesOf(id))[0]).toMatchObject({ state: 'acknowledged' });
    const answered = await twilio.answer(await call(page.id), '2');
    expect(answered.heard).toEqual([{ says: [`INC-${id}. This page is over: it was already acknowledged. Goodbye.`], hangup: true }]);
    expect((await pagesOf(id))[0]).toMatchObject({ state: 'acknowledged', level: 0 });
  });

  it('does not say the title of a private incident', async () => {
    const { id, page } = await pageByPolicy('Suspicious logins');
    await fw.db.update(incidents).set({ isPrivate: true }).where(eq(incidents.id, id));
    const answered = await twilio.answer(await call(page.id));
    expect(answered.heard[0]!.says[0]).toBe(
      `Firewatch page for INC-${id}, severity SEV1, Critical. Press 1 to acknowledge. Press 2 to escalate.`,
    );
  });

  it('answers a call to the Twilio number itself, which is about no page, by saying so and hanging up', async () => {
    const hook = await twilio.webhook(`${publicUrl}/twilio/voice`, {
      CallSid: 'CA0',
      From: ALICE_PHONE,
      To: twilio.numbers[0]!,
      Direction: 'inbound',
    });
    expect(hook.status).toBe(200);
    expect(hook.body).toContain('<Say>This call is not about a Firewatch page.</Say><Hangup/>');
  });

  it('tells someone who was not notified on the page that it is not for them, and lets no key change it', async () => {
    const { id, page } = await pageByPolicy('Not for carol');
    const answered = await twilio.answer(await call(page.id, 'U0CAROL'), '1');
    expect(answered.heard).toEqual([{ says: ['This page is not for you.'], hangup: true }]);
    const pressed = await twilio.webhook(`${callUrl(page.id, 'U0CAROL')}&step=gather`, { CallSid: answered.sid, Digits: '1' });
    expect(pressed.body).toContain('This page is not for you.');
    expect((await pagesOf(id))[0]).toMatchObject({ state: 'triggered' });
  });
});

describe('the Twilio client', () => {
  const refusal = async (sending: Promise<string>) => {
    const err = await sending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TwilioRequestError);
    const { transient, code, status } = err as TwilioRequestError;
    return { transient, code, status };
  };

  it('sends an SMS and places a call from TWILIO_FROM, answering Twilio’s sids', async () => {
    const sms = await client().sendSms({ to: ALICE_PHONE, body: 'INC-9 paged you' });
    expect(twilio.messages.find((m) => m.sid === sms)).toMatchObject({ to: ALICE_PHONE, from: twilio.numbers[0], body: 'INC-9 paged you' });
    const call = await client().placeCall({ to: ALICE_PHONE, url: `${publicUrl}/twilio/voice?page=1&user=U0ALICE` });
    expect(twilio.calls.find((c) => c.sid === call)).toMatchObject({ to: ALICE_PHONE, method: 'POST' });
  });

  it('calls an invalid number, a number that texted STOP and a landline permanent refusals, with Twilio’s code', async () => {
    expect(await refusal(client().sendSms({ to: '015112345678', body: 'x' }))).toEqual({ transient: false, code: 21211, status: 400 });
    await twilio.receiveSms(`${publicUrl}/twilio/sms`, '+4915122223333', 'STOP');
    const err = await client()
      .sendSms({ to: '+4915122223333', body: 'x' })
      .catch((e: unknown) => e as TwilioRequestError);
    expect(err).toMatchObject({ transient: false, code: 21610, status: 400 });
    expect((err as Error).message).toContain('Attempt to send to unsubscribed recipient');
    twilio.landlines.add('+4930123456');
    expect(await refusal(client().sendSms({ to: '+4930123456', body: 'x' }))).toEqual({ transient: false, code: 21614, status: 400 });
  });

  it('calls a rate limit, Twilio’s own failure, a network failure and a timeout transient', async () => {
    twilio.failNext('ratelimit');
    expect(await refusal(client().sendSms({ to: ALICE_PHONE, body: 'x' }))).toEqual({ transient: true, code: 20429, status: 429 });
    twilio.failNext('error');
    expect(await refusal(client().placeCall({ to: ALICE_PHONE, url: `${publicUrl}/twilio/voice` }))).toEqual({
      transient: true,
      code: 20500,
      status: 500,
    });
    const closed = await freePort();
    const unreachable = twilioClient({
      ...loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', ...twilioEnv() }),
      TWILIO_API_URL: `http://127.0.0.1:${closed}`,
    })!;
    expect(await refusal(unreachable.sendSms({ to: ALICE_PHONE, body: 'x' }))).toEqual({
      transient: true,
      code: undefined,
      status: undefined,
    });
    // A Twilio that takes the request and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const slow = twilioClient(
        { ...loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', ...twilioEnv() }), TWILIO_API_URL: silentUrl },
        { timeoutMs: 200 },
      )!;
      const err = await slow.sendSms({ to: ALICE_PHONE, body: 'x' }).catch((e: unknown) => e as TwilioRequestError);
      expect(err).toMatchObject({ transient: true });
      expect((err as Error).message).toContain('no answer within 200 ms');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('is not there when Twilio is not configured', () => {
    expect(twilioClient(loadEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }))).toBeUndefined();
  });
});

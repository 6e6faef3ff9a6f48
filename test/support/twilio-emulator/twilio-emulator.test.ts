import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwilioEmulator, twilioSignature } from './index.js';

const twilio = new TwilioEmulator();
/** A stand-in for the app's webhook routes: records what Twilio sent and checks its signature. */
const received: Array<{ path: string; params: Record<string, string>; signed: boolean }> = [];
let voiceTwiml = '';
const app = createServer((req: IncomingMessage, res) => {
  let raw = '';
  req.on('data', (c: Buffer) => (raw += c.toString()));
  req.on('end', () => {
    const params = Object.fromEntries(new URLSearchParams(raw));
    const url = `${appUrl}${req.url}`;
    received.push({
      path: req.url ?? '',
      params,
      signed: req.headers['x-twilio-signature'] === twilioSignature(twilio.authToken, url, params),
    });
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(req.url?.startsWith('/voice') ? voiceTwiml : '<Response/>');
  });
});
let appUrl = '';

beforeAll(async () => {
  await twilio.start();
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await twilio.stop();
  await new Promise<void>((resolve) => app.close(() => resolve()));
});

const rest = (kind: 'Messages' | 'Calls', params: Record<string, string>, auth = `${twilio.accountSid}:${twilio.authToken}`) =>
  fetch(`${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/${kind}.json`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });

describe('the Twilio emulator', () => {
  it('signs as Twilio documents it: HMAC-SHA1 over the URL and the sorted parameters', () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('queues an SMS with basic auth, then tells its StatusCallback it was sent and delivered, signed', async () => {
    const r = await rest('Messages', {
      To: '+4915112345678',
      From: twilio.numbers[0]!,
      Body: 'INC-4 paged you',
      StatusCallback: `${appUrl}/status`,
    });
    expect(r.status).toBe(201);
    const message = (await r.json()) as { sid: string; status: string };
    expect(message).toMatchObject({ sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: 'queued', to: '+4915112345678' });
    await twilio.settle(message.sid, 'delivered');
    const callbacks = received.filter((c) => c.params.MessageSid === message.sid);
    expect(callbacks.map((c) => [c.path, c.params.MessageStatus, c.signed])).toEqual([
      ['/status', 'sent', true],
      ['/status', 'delivered', true],
    ]);
  });

  it('refuses as Twilio does: bad credentials, an invalid number, a number not owned, an opted-out recipient, a rate limit', async () => {
    const error = async (r: Response) => ({ status: r.status, code: ((await r.json()) as { code: number }).code });
    const from = twilio.numbers[0]!;
    expect(await error(await rest('Messages', { To: '+4915112345678', From: from, Body: 'x' }, `${twilio.accountSid}:wrong`))).toEqual({
      status: 401,
      code: 20003,
    });
    expect(await error(await rest('Messages', { To: '01511 2345678', From: from, Body: 'x' }))).toEqual({ status: 400, code: 21211 });
    expect(await error(await rest('Messages', { To: '+4915112345678', From: '+15550000000', Body: 'x' }))).toEqual({
      status: 400,
      code: 21606,
    });
    expect(await error(await rest('Messages', { To: '+4915112345678', From: from, Body: '' }))).toEqual({ status: 400, code: 21602 });
    await twilio.receiveSms(`${appUrl}/sms`, '+4917000000001', 'STOP');
    expect(await error(await rest('Messages', { To: '+4917000000001', From: from, Body: 'x' }))).toEqual({ status: 400, code: 21610 });
    twilio.failNext('ratelimit');
    expect(await error(await rest('Messages', { To: '+4915112345678', From: from, Body: 'x' }))).toEqual({ status: 429, code: 20429 });
  });

  it('lets a number that texted STOP be messaged again once it texts START', async () => {
    const from = twilio.numbers[0]!;
    await twilio.receiveSms(`${appUrl}/sms`, '+4917000000002', 'stop');
    expect((await rest('Messages', { To: '+4917000000002', From: from, Body: 'x' })).status).toBe(400);
    await twilio.receiveSms(`${appUrl}/sms`, '+4917000000002', ' START ');
    expect((await rest('Messages', { To: '+4917000000002', From: from, Body: 'x' })).status).toBe(201);
  });

  it('posts an inbound SMS to the app, signed, with the sender and the text', async () => {
    const hook = await twilio.receiveSms(`${appUrl}/sms`, '+4915112345678', 'ACK');
    expect(hook.status).toBe(200);
    expect(received.at(-1)).toMatchObject({
      path: '/sms',
      signed: true,
      params: { From: '+4915112345678', Body: 'ACK', To: twilio.numbers[0] },
    });
  });

  it('places a call that, answered, reads the TwiML, posts the digits pressed to the Gather action, and completes', async () => {
    voiceTwiml =
      '<?xml version="1.0"?><Response><Gather numDigits="1" action="/voice/gather?page=7"><Say>Press 1 to acknowledge INC-4.</Say></Gather></Response>';
    const r = await rest('Calls', {
      To: '+4915112345678',
      From: twilio.numbers[0]!,
      Url: `${appUrl}/voice?page=7`,
      StatusCallback: `${appUrl}/status`,
    });
    expect(r.status).toBe(201);
    const { sid } = (await r.json()) as { sid: string };
    const call = await twilio.answer(sid, '1');
    expect(call.heard[0]).toMatchObject({
      says: ['Press 1 to acknowledge INC-4.'],
      gather: { action: `${appUrl}/voice/gather?page=7`, numDigits: 1 },
    });
    const hooks = received.filter((c) => c.params.CallSid === sid);
    expect(hooks.map((h) => [h.path, h.params.CallStatus, h.params.Digits, h.signed])).toEqual([
      ['/voice?page=7', 'in-progress', undefined, true],
      ['/voice/gather?page=7', 'in-progress', '1', true],
      ['/status', 'completed', undefined, true],
    ]);
  });

  it('records the application error a caller hears when the voice URL answers with something that is not TwiML', async () => {
    voiceTwiml = 'not xml';
    const r = await rest('Calls', { To: '+4915112345678', From: twilio.numbers[0]!, Url: `${appUrl}/voice` });
    const { sid } = (await r.json()) as { sid: string };
    expect((await twilio.answer(sid)).error).toMatch(/^12100/);
  });

  it('tells the StatusCallback of a call nobody answered', async () => {
    const r = await rest('Calls', {
      To: '+4915112345678',
      From: twilio.numbers[0]!,
      Url: `${appUrl}/voice`,
      StatusCallback: `${appUrl}/status`,
    });
    const { sid } = (await r.json()) as { sid: string };
    await twilio.endUnanswered(sid, 'no-answer');
    expect(received.filter((c) => c.params.CallSid === sid).map((c) => c.params.CallStatus)).toEqual(['no-answer']);
  });
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHeader, NtfyEmulator } from './ntfy-emulator.js';

const ntfy = new NtfyEmulator({ token: 'tk_firewatch', denied: ['locked'] });
const auth = { authorization: 'Bearer tk_firewatch' };
beforeAll(() => ntfy.start());
afterAll(() => ntfy.stop());

const publish = (topic: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${ntfy.url}/${topic}`, { method: 'POST', headers: { ...auth, ...headers }, body });

describe('the ntfy emulator', () => {
  it('publishes a message with its title, urgent priority, click link and tags, answering with the message as ntfy does', async () => {
    const r = await publish('alice-pager', 'INC-4 · Checkout down', {
      Title: '=?UTF-8?B?8J+UpSBQYWdlZCBmb3IgSU5DLTQ=?=',
      Priority: 'urgent',
      Click: 'https://firewatch.example.com/ack/abc',
      Tags: 'rotating_light, sev1',
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      event: 'message',
      topic: 'alice-pager',
      title: '🔥 Paged for INC-4',
      priority: 5,
      tags: ['rotating_light', 'sev1'],
    });
    expect(ntfy.messagesTo('alice-pager').at(-1)).toEqual(body);
  });

  it('parses actions in JSON and in the simple format, and a pressed http action sends its request', async () => {
    const received: Array<{ method: string; url: string }> = [];
    const target = createServer((req, res) => {
      received.push({ method: req.method ?? '', url: req.url ?? '' });
      res.end('ok');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const ackUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/ack/tok1`;
    try {
      await publish('bob-pager', 'Page', { Actions: JSON.stringify([{ action: 'http', label: 'Acknowledge', url: ackUrl, clear: true }]) });
      const json = ntfy.messagesTo('bob-pager').at(-1)!;
      expect(json.actions).toEqual([
        { id: expect.any(String), action: 'http', label: 'Acknowledge', clear: true, url: ackUrl, method: 'POST' },
      ]);
      expect((await ntfy.press(json, 'Acknowledge')).status).toBe(200);
      expect(received).toEqual([{ method: 'POST', url: '/ack/tok1' }]);

      await publish('bob-pager', 'Page', {
        Actions: `http, Acknowledge, ${ackUrl}, method=PUT, clear=true; view, Open, https://example.com`,
      });
      const simple = ntfy.messagesTo('bob-pager').at(-1)!;
      expect(simple.actions?.map((a) => [a.action, a.label, a.method, a.clear])).toEqual([
        ['http', 'Acknowledge', 'PUT', true],
        ['view', 'Open', undefined, false],
      ]);
    } finally {
      await new Promise<void>((resolve) => target.close(() => resolve()));
    }
  });

  it('refuses what ntfy refuses, with its error codes', async () => {
    const error = async (r: Response) => ({ status: r.status, ...((await r.json()) as object) });
    expect(await error(await publish('bad/topic', 'x'))).toMatchObject({ status: 404, code: 40401 });
    expect(await error(await publish('bad.topic', 'x'))).toMatchObject({ status: 404, code: 40401 });
    expect(await error(await publish('t1', 'x', { Priority: 'loud' }))).toMatchObject({ status: 400, code: 40007 });
    const four = Array.from({ length: 4 }, (_, i) => ({ action: 'view', label: `L${i}`, url: 'https://example.com' }));
    expect(await error(await publish('t1', 'x', { Actions: JSON.stringify(four) }))).toMatchObject({ status: 400, code: 40018 });
    const getWithBody = [{ action: 'http', label: 'Ack', url: 'https://example.com', method: 'GET', body: 'x' }];
    expect(await error(await publish('t1', 'x', { Actions: JSON.stringify(getWithBody) }))).toMatchObject({ code: 40018 });
    expect(await error(await publish('t1', 'x'.repeat(4097)))).toMatchObject({ status: 413, code: 41301 });
  });

  it('protects topics with the token: none is forbidden, a wrong one unauthorized', async () => {
    const bare = await fetch(`${ntfy.url}/t2`, { method: 'POST', body: 'x' });
    expect(bare.status).toBe(403);
    expect(await bare.json()).toMatchObject({ code: 40301, error: 'forbidden' });
    const wrong = await fetch(`${ntfy.url}/t2`, { method: 'POST', headers: { authorization: 'Bearer nope' }, body: 'x' });
    expect(wrong.status).toBe(401);
    expect(ntfy.messagesTo('t2')).toEqual([]);
    expect(await (await publish('locked', 'x')).json()).toMatchObject({ code: 40301, http: 403 });
  });

  it('fails the next publishes as told: a 429 rate limit, then a 500, then delivers', async () => {
    ntfy.failNext('ratelimit', 'error');
    expect((await publish('t3', 'a')).status).toBe(429);
    expect((await publish('t3', 'b')).status).toBe(500);
    expect((await publish('t3', 'c')).status).toBe(200);
    expect(ntfy.messagesTo('t3').map((m) => m.message)).toEqual(['c']);
  });

  it('decodes quoted-printable and base64 encoded words, and leaves plain text alone', () => {
    expect(decodeHeader('=?utf-8?q?Hello_W=C3=B6rld?=')).toBe('Hello Wörld');
    expect(decodeHeader('=?UTF-8?B?8J+UpQ==?= =?UTF-8?B?IGZpcmU=?=')).toBe('🔥 fire');
    expect(decodeHeader('plain = text')).toBe('plain = text');
  });
});

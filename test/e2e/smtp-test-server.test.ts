// The test SMTP server stands in for a relay in every e-mail test, and the crash-loop soak kills Firewatch
// processes mid-conversation: a reset connection must be noted and the server must keep serving.
import { connect } from 'node:net';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/hostile.js';
import { SmtpTestServer } from '../support/smtp-server.js';

const smtp = new SmtpTestServer();
beforeAll(() => smtp.start());
afterAll(() => smtp.stop());

describe('the test SMTP server', () => {
  it('notes a client that resets its connection mid-conversation and goes on taking mail', async () => {
    // Reset inside a transaction (after MAIL FROM), where smtp-server reports it rather than shrugging it off.
    const socket = connect(smtp.port, '127.0.0.1');
    const reply = () => new Promise<string>((resolve) => socket.once('data', (data) => resolve(String(data))));
    await reply();
    const say = (line: string) => {
      const answer = reply();
      socket.write(`${line}\r\n`);
      return answer;
    };
    await say('EHLO killed.example');
    expect(await say(`AUTH PLAIN ${Buffer.from('\0firewatch\0hunter2').toString('base64')}`)).toMatch(/^235/);
    expect(await say('MAIL FROM:<pager@firewatch.test>')).toMatch(/^250/);
    socket.resetAndDestroy();
    await until(() => smtp.connectionErrors.find((e) => (e as NodeJS.ErrnoException).code === 'ECONNRESET'), 'the reset noted', 5_000);

    const transport = createTransport({ url: smtp.url });
    await transport.sendMail({ from: 'pager@firewatch.test', to: 'bob@example.com', subject: 'After a reset', text: 'still here' });
    expect(smtp.to('bob@example.com').map((r) => r.mail.subject)).toEqual(['After a reset']);
  });
});

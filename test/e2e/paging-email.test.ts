// Pages by e-mail: each person's rules say which methods go out how long after the page reaches them; an
// e-mail goes through a real SMTP server with the configured credentials, every attempt leaves a receipt,
// an acknowledgement stops what has not gone out yet, and a refusal is said and does not stop the page.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationAttempts } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { clickButton } from '../support/slack-requests.js';
import { SmtpTestServer } from '../support/smtp-server.js';

const smtp = new SmtpTestServer();
beforeAll(() => smtp.start());
afterAll(() => smtp.stop());

const fw = useFirewatch({
  env: () => ({ SMTP_URL: smtp.url, SMTP_FROM: 'pager@firewatch.test', PUBLIC_URL: 'https://firewatch.example.com' }),
  config: {
    escalation_tick: '* * * * * *',
    people: [
      { user: 'U0BOB', email: 'bob@example.com', rules: [{ after: '0m', via: ['slack', 'email'] }] },
      {
        user: 'U0CAROL',
        email: 'carol@example.com',
        rules: [
          { after: '0m', via: ['slack'] },
          { after: '2s', via: ['email'] },
        ],
      },
    ],
  },
});

const attemptsOf = (user: string, incidentId: number) =>
  fw.db
    .select()
    .from(notificationAttempts)
    .where(and(eq(notificationAttempts.userId, user), eq(notificationAttempts.incidentId, incidentId)));

/** The person's one attempt for the incident, once it is in this state. */
const attemptIn = (user: string, incidentId: number, state: string) =>
  until(async () => (await attemptsOf(user, incidentId)).find((a) => a.state === state), `an attempt of ${user} ${state}`, 15_000);

const mailsAbout = (address: string, id: number) => smtp.to(address).filter((r) => r.mail.subject?.includes(`INC-${id} `));

async function page(user: string, title: string) {
  const { id, channel } = await fw.declare(title);
  const pagedAt = Date.now();
  await fw.run(`page <@${user}>`, { channel });
  return { id, channel, pagedAt };
}

describe('a page by e-mail', () => {
  it('goes out at once when the person’s rules say so, logged in with the SMTP credentials, and leaves a receipt', async () => {
    const { id } = await page('U0BOB', 'Checkout down in EU');
    const received = await fw.slack.waitFor(() => mailsAbout('bob@example.com', id)[0]);
    expect(received.user).toBe('firewatch');
    expect(received.mail.from?.text).toBe('pager@firewatch.test');
    expect(received.mail.subject).toBe(`🚨 Paged: INC-${id} · SEV3 · Minor · Checkout down in EU`);
    expect(received.mail.text).toContain(`You are being paged for INC-${id} (SEV3 · Minor): Checkout down in EU.`);
    const attempt = await attemptIn('U0BOB', id, 'sent');
    expect(attempt).toMatchObject({ method: 'email', step: 0, maskedAddress: 'b…b@example.com', error: null });
    expect(attempt.providerId).toBe(received.mail.messageId);
    expect(attempt.providerId).toBe(`<firewatch-attempt-${attempt.id}@firewatch.example.com>`);
    // The Slack DM goes out beside it, on its own.
    await fw.slack.waitFor(() => fw.dmsTo('U0BOB').find((m) => fw.slack.textOf(m).includes(`INC-${id}*`)));
  });

  it('waits for a later rule’s delay, whatever the escalation levels do', async () => {
    const { id, pagedAt } = await page('U0CAROL', 'Queue consumers stuck');
    expect(mailsAbout('carol@example.com', id)).toHaveLength(0);
    await fw.slack.waitFor(() => mailsAbout('carol@example.com', id)[0], 15_000);
    expect(Date.now() - pagedAt).toBeGreaterThanOrEqual(2_000);
    // The mail reaches the server just before the send's transaction records it.
    expect(await attemptIn('U0CAROL', id, 'sent')).toMatchObject({ method: 'email', step: 1 });
  });

  it('sends nothing that was still waiting once the page is acknowledged', async () => {
    const { id } = await page('U0CAROL', 'Disk filling on db-2');
    const dm = await fw.slack.waitFor(() => fw.dmsTo('U0CAROL').find((m) => fw.slack.textOf(m).includes(`INC-${id}*`)));
    await clickButton(fw.app.url, fw.slack, dm, 'page_acknowledge', 'U0CAROL');
    await attemptIn('U0CAROL', id, 'cancelled');
    const channel = (await fw.incident(id)).channelId!;
    await fw.slack.waitFor(() =>
      fw.slack.messagesIn(channel).find((m) => m.text === `✅ <@U0CAROL> acknowledged the page for *INC-${id}* in Slack`),
    );
    await new Promise((r) => setTimeout(r, 3_000));
    expect(mailsAbout('carol@example.com', id)).toHaveLength(0);
    expect(await attemptsOf('U0CAROL', id)).toMatchObject([{ state: 'cancelled' }]);
  });

  it('acknowledges from the link in the e-mail: opening it changes nothing, its button acknowledges', async () => {
    const { id, channel } = await page('U0BOB', 'Payments timing out');
    const received = await fw.slack.waitFor(() => mailsAbout('bob@example.com', id)[0]);
    const link = /Acknowledge: (https:\/\/firewatch\.example\.com\/ack\/\S+)/.exec(received.mail.text ?? '')?.[1];
    expect(link).toBeDefined();
    const local = link!.replace('https://firewatch.example.com', fw.app.url);
    expect((await fetch(local)).status).toBe(200);
    expect((await fw.incident(id)).acknowledgedAt).toBeNull();
    expect((await fetch(local, { method: 'POST' })).status).toBe(200);
    expect((await fw.incident(id)).acknowledgedAt).not.toBeNull();
    // The receipt says which method woke them, in the database and in bob's line in the incident channel.
    expect(await attemptsOf('U0BOB', id)).toMatchObject([{ method: 'email', state: 'acknowledged' }]);
    const line = await fw.slack.waitFor(() =>
      fw.slack.messagesIn(channel).find((m) => /^📟 Paged <@U0BOB> .* — Slack(?: sending)? · acked by e-mail \d+s$/.test(m.text ?? '')),
    );
    expect(fw.slack.textOf(line)).toContain(`for INC-${id} (level 1 of direct page)`);
  });

  it('records an address the server refuses for good as failed, tells the person in Slack, and pages on', async () => {
    smtp.refuseNext(550, 'No such user here');
    const { id } = await page('U0BOB', 'Search results stale');
    const attempt = await attemptIn('U0BOB', id, 'failed');
    expect(attempt.error).toMatch(/^SMTP 550/);
    const notice = await fw.slack.waitFor(() => fw.dmsTo('U0BOB').find((m) => fw.slack.textOf(m).includes(`for the page of INC-${id}`)));
    expect(fw.slack.textOf(notice)).toContain('could not reach you by e-mail (b…b@example.com)');
    expect(mailsAbout('bob@example.com', id)).toHaveLength(0);
  });

  it('tries again after a temporary refusal and delivers once', async () => {
    smtp.refuseNext(451, 'Greylisted, try again later');
    const { id } = await page('U0BOB', 'Latency spike on API');
    await fw.slack.waitFor(() => mailsAbout('bob@example.com', id)[0], 15_000);
    const attempt = await attemptIn('U0BOB', id, 'sent');
    expect(attempt.error).toBeNull();
    await fw.drained(id);
    expect(mailsAbout('bob@example.com', id)).toHaveLength(1);
  });
});

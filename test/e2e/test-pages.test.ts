// `/incident oncall test [@user]`: a test page through one person's whole chain (Slack, then e-mail through
// a real SMTP server and push through ntfy), reported by DM to whoever asked and edited as receipts come
// in, ending with the time to acknowledge or "not acknowledged". No incident; nobody else is paged.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidents, notificationAttempts, pages } from '../../src/db/schema.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { NtfyEmulator } from '../support/ntfy-emulator.js';
import { clickButton } from '../support/slack-requests.js';
import { SmtpTestServer } from '../support/smtp-server.js';

const smtp = new SmtpTestServer();
const ntfy = new NtfyEmulator();
beforeAll(async () => {
  await smtp.start();
  await ntfy.start();
});
afterAll(async () => {
  await smtp.stop();
  await ntfy.stop();
});

const fw = useFirewatch({
  env: () => ({ SMTP_URL: smtp.url, SMTP_FROM: 'pager@firewatch.test', NTFY_URL: ntfy.url, PUBLIC_URL: 'https://firewatch.example.com' }),
  config: {
    escalation_tick: '* * * * * *',
    admin_channel: 'C0ADMIN',
    // A short time to acknowledge, so a test page nobody acknowledges ends within the test.
    paging_drills: { schedule: '0 10 1 * *', ack_within: '3s' },
    people: [
      {
        user: 'U0ALICE',
        email: 'alice@example.com',
        ntfy_topic: 'alice-pager-7f3k',
        rules: [
          { after: '0m', via: ['slack', 'email', 'push'] },
          { after: '1h', via: ['email'] },
        ],
      },
      {
        user: 'U0BOB',
        email: 'bob@example.com',
        ntfy_topic: 'bob-pager-2b9q',
        rules: [
          { after: '0m', via: ['slack', 'email'] },
          { after: '1s', via: ['push'] },
        ],
      },
      { user: 'U0CAROL', ntfy_topic: 'carol-pager-4c1z', rules: [{ after: '0m', via: ['slack', 'push'] }] },
    ],
  },
});

const TEST_SUBJECT = '🧪 TEST PAGE — nothing is wrong';

const testPagesOf = (user: string) => fw.db.select().from(pages).where(eq(pages.testTarget, user)).orderBy(pages.id);
const attemptsOfPage = (pageId: number) =>
  fw.db.select().from(notificationAttempts).where(eq(notificationAttempts.pageId, pageId)).orderBy(notificationAttempts.id);

/** The DM in `user`'s conversation with the bot whose text matches, once it does. */
const dmWith = (user: string, pattern: RegExp, what: string) =>
  until(() => fw.dmsTo(user).find((m) => pattern.test(m.text ?? '')), what, 20_000);

const localUrl = (link: string) => link.replace('https://firewatch.example.com', fw.app.url);

describe('/incident oncall test', () => {
  it('tests yourself: e-mail and push go out as a test, the receipt DM is edited, and the ack link ends it and cancels what waited', async () => {
    const answer = await fw.run('oncall test', { user: 'U0ALICE' });
    expect(answer).toContain('🧪 Test page sent to you — nothing is wrong, and nobody else is paged.');
    expect(answer).toContain('Slack now, then e-mail and push at once, e-mail after 1h.');
    const [page] = await testPagesOf('U0ALICE');
    expect(page).toMatchObject({ kind: 'test', incidentId: null, triggeredBy: 'U0ALICE', state: 'triggered' });

    const mail = await until(() => smtp.to('alice@example.com').find((r) => r.mail.subject === TEST_SUBJECT), 'the test e-mail', 20_000);
    expect(mail.mail.text).toContain('TEST PAGE — nothing is wrong.');
    const push = await until(() => ntfy.messagesTo('alice-pager-7f3k').find((m) => m.title === TEST_SUBJECT), 'the test push', 20_000);
    expect(push.message).toContain('TEST PAGE — nothing is wrong.');

    // The test DM with its button, and the report to alice (she tested herself), edited as receipts come in.
    const dm = await until(() => fw.dmsTo('U0ALICE').find((m) => m.text?.includes('asked Firewatch to check')), 'the test DM', 20_000);
    expect(dm.text).toMatch(/^🧪 \*TEST PAGE — nothing is wrong\.\* you asked Firewatch/);
    await dmWith(
      'U0ALICE',
      /^🧪 \*TEST PAGE — nothing is wrong\.\* Test page of you: Slack · e-mail \d+s · push \d+s · e-mail at 60m00s/,
      'both sent',
    );

    const link = /Acknowledge: (\S+)/.exec(mail.mail.text ?? '')?.[1];
    expect(link).toBeDefined();
    const shown = await fetch(localUrl(link!));
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('TEST PAGE — nothing is wrong');
    expect((await testPagesOf('U0ALICE'))[0]?.state).toBe('triggered');
    expect((await fetch(localUrl(link!), { method: 'POST' })).status).toBe(200);

    expect((await testPagesOf('U0ALICE'))[0]).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'U0ALICE' });
    expect((await attemptsOfPage(page!.id)).map((a) => [a.method, a.step, a.state])).toEqual([
      ['email', 0, 'acknowledged'],
      ['push', 0, 'sent'],
      ['email', 1, 'cancelled'],
    ]);
    const report = await dmWith('U0ALICE', /acked by e-mail \d+s[\s\S]*✅ Acknowledged in \d+s\.$/, 'the report acknowledged');
    expect(report.text).toContain('e-mail not needed');
    // The test DM loses its button and says it is over.
    await until(() => fw.dmsTo('U0ALICE').find((m) => m.ts === dm.ts && /✅ Acknowledged in \d+s\./.test(m.text ?? '')), 'the DM ended');
    await fw.drained();

    // Nothing went to anyone else, and there is no incident.
    expect(await fw.db.select().from(incidents)).toHaveLength(0);
    expect(fw.dmsTo('U0BOB')).toHaveLength(0);
    expect(smtp.to('bob@example.com')).toHaveLength(0);
    expect(ntfy.messagesTo('bob-pager-2b9q')).toHaveLength(0);
    expect(fw.slack.messagesIn('C0GENERAL').filter((m) => (m.text ?? '').includes('TEST PAGE'))).toHaveLength(0);
  });

  it('tests someone else: the report goes to whoever asked and says when nobody acknowledged in time', async () => {
    const answer = await fw.run('oncall test <@U0BOB>', { user: 'U0CAROL' });
    expect(answer).toContain('🧪 Test page sent to <@U0BOB>');
    const dm = await until(() => fw.dmsTo('U0BOB').find((m) => m.text?.includes('<@U0CAROL> asked Firewatch to check')), 'bob’s test DM');
    // The DM as it was, button included, as a person who kept it open would click it later.
    const asSent = structuredClone({ channel: dm.channel, ts: dm.ts, text: dm.text, blocks: dm.blocks });
    await until(() => smtp.to('bob@example.com').find((r) => r.mail.subject === TEST_SUBJECT), 'bob’s test e-mail', 20_000);

    // Bob's push waits 1s, then the 3s to acknowledge run out.
    const report = await dmWith('U0CAROL', /Test page of <@U0BOB>: .*\n⚠️ Not acknowledged within 4s\.$/, 'the report not acknowledged');
    expect(report.text).toMatch(/Slack · e-mail \d+s · push \d+s/);
    const [page] = await testPagesOf('U0BOB');
    expect(page).toMatchObject({ state: 'expired', acknowledgedAt: null });
    await until(() => fw.dmsTo('U0BOB').find((m) => m.ts === dm.ts && m.text?.includes('⚠️ Not acknowledged')), 'bob’s DM ended');

    // Acknowledging afterwards changes nothing and says the test is over.
    const late = await clickButton(fw.app.url, fw.slack, asSent, 'page_acknowledge', 'U0BOB');
    expect(late.status).toBe(200);
    await until(() => fw.slack.responses.find((r) => JSON.stringify(r.body).includes('nobody acknowledged it in time')), 'the late answer');
    expect((await testPagesOf('U0BOB'))[0]?.state).toBe('expired');
    // Carol asked, so she hears of it; alice is not paged.
    expect(fw.dmsTo('U0ALICE').filter((m) => m.text?.includes('<@U0BOB>'))).toHaveLength(0);
  });

  it('acknowledges from the Slack button, and refuses a second test of the same person while one runs', async () => {
    await fw.run('oncall test <@U0CAROL>', { user: 'U0BOB' });
    expect(await fw.run('oncall test <@U0CAROL>', { user: 'U0ALICE' })).toContain('A test page of <@U0CAROL> is already running');
    expect(await testPagesOf('U0CAROL')).toHaveLength(1);
    const dm = await until(() => fw.dmsTo('U0CAROL').find((m) => m.text?.includes('asked Firewatch to check')), 'carol’s test DM');
    await until(() => ntfy.messagesTo('carol-pager-4c1z').find((m) => m.title === TEST_SUBJECT), 'carol’s push', 20_000);
    const clicked = await clickButton(fw.app.url, fw.slack, dm, 'page_acknowledge', 'U0CAROL');
    expect(clicked.status).toBe(200);
    await until(async () => (await testPagesOf('U0CAROL'))[0]?.state === 'acknowledged', 'carol’s test page acknowledged');
    expect((await testPagesOf('U0CAROL'))[0]).toMatchObject({ acknowledgedBy: 'U0CAROL' });
    await until(
      () => fw.slack.responses.find((r) => JSON.stringify(r.body).includes('Test page acknowledged: it reached you')),
      'the answer',
    );
    await dmWith('U0BOB', /Test page of <@U0CAROL>: Slack · push [^\n]*\n✅ Acknowledged in \d+s\.$/, 'the report to bob');
  });

  it('lets only the person tested acknowledge it', async () => {
    await fw.run('oncall test', { user: 'U0BOB' });
    const [, page] = await testPagesOf('U0BOB');
    const dm = await until(() => fw.dmsTo('U0BOB').find((m) => m.text?.includes('you asked Firewatch to check')), 'bob’s own test DM');
    await clickButton(fw.app.url, fw.slack, dm, 'page_acknowledge', 'U0ALICE');
    await until(() => fw.slack.responses.find((r) => JSON.stringify(r.body).includes('This test page is for <@U0BOB>')), 'the refusal');
    expect((await fw.db.select().from(pages).where(eq(pages.id, page!.id)))[0]?.state).toBe('triggered');
  });

  it('with admins configured, lets only them test someone else, and anyone test themselves', async () => {
    // The config object is changed in place, as a reload that adds `admins:` changes it.
    const { admins } = fw.app.services.config;
    admins.push('U0ALICE');
    try {
      const before = (await testPagesOf('U0CAROL')).length;
      const refused = await fw.run('oncall test <@U0CAROL>', { user: 'U0BOB' });
      expect(refused).toContain('Only Firewatch admins (<@U0ALICE>) may test-page someone else.');
      expect(refused).toContain('/incident oncall test');
      expect(await testPagesOf('U0CAROL')).toHaveLength(before);
      expect(await fw.run('oncall test', { user: 'U0CAROL' })).toContain('🧪 Test page sent to you');
      expect(await testPagesOf('U0CAROL')).toHaveLength(before + 1);
    } finally {
      admins.splice(0);
    }
  });
});

// Paging drills (config `paging_drills`): at its due time everyone on call gets a test page through their
// whole chain, and once those are over ONE report goes to the admin channel, however many replicas tick.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobRuns, pages } from '../../src/db/schema.js';
import type { Firewatch } from '../../src/firewatch.js';
import { startApp, testConfig } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';
import { NtfyEmulator } from '../support/ntfy-emulator.js';
import { SmtpTestServer } from '../support/smtp-server.js';

const ADMIN = 'C0ADMIN';
const smtp = new SmtpTestServer();
const ntfy = new NtfyEmulator({ denied: ['bob-pager-locked'] });
beforeAll(async () => {
  await smtp.start();
  await ntfy.start();
});
afterAll(async () => {
  await smtp.stop();
  await ntfy.stop();
});

const env = () => ({ SMTP_URL: smtp.url, SMTP_FROM: 'pager@firewatch.test', NTFY_URL: ntfy.url });

const rotation = (user: string) => ({ start: '2026-01-05T09:00', length: '1w', users: [user] });
const CONFIG = {
  escalation_tick: '* * * * * *',
  admin_channel: ADMIN,
  schedules: [
    { id: 'platform', time_zone: 'UTC', rotation: rotation('U0ALICE') },
    { id: 'database', time_zone: 'UTC', rotation: rotation('U0BOB') },
    // Alice is on call twice: she is tested once.
    { id: 'web', time_zone: 'UTC', rotation: rotation('U0ALICE') },
    { id: 'ops', time_zone: 'UTC', rotation: rotation('U0CAROL') },
  ],
  people: [
    { user: 'U0ALICE', email: 'alice@example.com', rules: [{ after: '0m', via: ['slack', 'email'] }] },
    // A topic the ntfy server refuses for good.
    { user: 'U0BOB', ntfy_topic: 'bob-pager-locked', rules: [{ after: '0m', via: ['slack', 'push'] }] },
  ],
};

const fw = useFirewatch({ env, config: CONFIG, channels: [{ id: ADMIN, name: 'firewatch-admin' }] });

/** A cron expression that fires once, at the second `at` falls in (node-cron reads local time). */
const onceAt = (at: Date) => `${at.getSeconds()} ${at.getMinutes()} ${at.getHours()} ${at.getDate()} ${at.getMonth() + 1} *`;

const reports = () => fw.slack.messagesIn(ADMIN).filter((m) => m.text?.startsWith('🧪 Paging drill'));

describe('paging drills', () => {
  const replicas: Firewatch[] = [];
  afterAll(async () => {
    for (const app of replicas) await app.stop();
  });

  it('test-pages everyone on call once and posts one report in admin_channel, with two replicas running the job', async () => {
    const drills = { paging_drills: { schedule: onceAt(new Date(Date.now() + 6_000)), ack_within: '20s' } };
    for (let i = 0; i < 2; i++) replicas.push(await startApp(fw.slack, fw.database.database, testConfig({ ...CONFIG, ...drills }), env()));

    const mail = await until(
      () => smtp.to('alice@example.com').find((r) => r.mail.subject === '🧪 TEST PAGE — nothing is wrong'),
      'alice’s drill e-mail',
      30_000,
    );
    const link = /Acknowledge: (\S+)/.exec(mail.mail.text ?? '')?.[1];
    expect(link).toBeDefined();
    expect((await fetch(new URL(new URL(link!).pathname, fw.app.url), { method: 'POST' })).status).toBe(200);
    await until(() => fw.dmsTo('U0BOB').find((m) => m.text?.includes('A paging drill asked Firewatch')), 'bob’s drill DM');

    const [report] = await until(() => (reports().length ? reports() : undefined), 'the drill report', 60_000);
    expect(report!.text?.split('\n')).toEqual([
      '🧪 Paging drill: 3 on-call people test-paged.',
      '📵 No method besides Slack: <@U0CAROL>',
      '❌ <@U0BOB>: push failed: ntfy 40301 forbidden',
      '⏰ Did not acknowledge within 20s of their last method: <@U0BOB>, <@U0CAROL>',
      expect.stringMatching(/^✅ <@U0ALICE> acknowledged in \d+s \(e-mail\)$/),
    ]);

    await fw.drained();
    expect(reports()).toHaveLength(1);
    expect(await fw.db.select().from(jobRuns).where(eq(jobRuns.job, 'paging-drills'))).toHaveLength(1);
    const tested = await fw.db.select().from(pages).where(eq(pages.kind, 'test'));
    expect(tested.map((p) => [p.testTarget, p.state, p.triggeredBy, p.incidentId])).toEqual([
      ['U0ALICE', 'acknowledged', null, null],
      ['U0BOB', 'expired', null, null],
      ['U0CAROL', 'expired', null, null],
    ]);
  });
});

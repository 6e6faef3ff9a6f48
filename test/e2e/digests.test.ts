import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { incidents, jobRuns, outbox, timelineEvents } from '../../src/db/schema.js';
import { postStatusUpdate } from '../../src/workflow/changes.js';
import { latestDueAt } from '../../src/digests/cron-times.js';
import { runDigest } from '../../src/digests/job.js';
import { sweepReminders } from '../../src/digests/reminders.js';
import { GENERAL, startApp, testConfig } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { useFirewatch } from '../support/harness.js';
import { settledOutbox } from '../support/outbox.js';
import { spawnApp, type AppProcess } from '../support/process.js';
import { until } from '../support/hostile.js';
import { clickButton } from '../support/slack-requests.js';

const DIGEST = 'C0DIGEST';
const CONFIG = {
  escalation_tick: '* * * * * *',
  digest: { channel: DIGEST, schedule: '*/2 * * * * *' },
  severities: [
    { id: 'sev1', label: 'Critical', update_every: '2s' },
    { id: 'sev2', label: 'Major', update_every: '1h' },
    { id: 'sev3', label: 'Minor', update_every: '1d' },
  ],
};

const fw = useFirewatch({ config: CONFIG, channels: [{ id: DIGEST, name: 'stakeholders' }] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the stakeholder digest', () => {
  it('posts open incidents by severity with their last update, then what was resolved, leaving private ones out', async () => {
    const minor = await fw.declare('Slow search results', { severity: 'sev3' });
    const critical = await fw.declare('Checkout down in EU', { severity: 'sev1' });
    await fw.run('update Payment provider failing over\nsecond line not shown', { channel: critical.channel });
    // Declared before the resolve, so any digest that saw the resolve also had the private incident to leave out.
    const secretId = await fw.declareDirect('Secret breach', { severity: 'sev1', isPrivate: true });
    const done = await fw.declare('Brief DNS blip', { severity: 'sev3' });
    await fw.run('resolve DNS recovered', { channel: done.channel });
    const resolvedAt = Date.now();

    const digest = await fw.slack.waitFor(
      // A digest composed just before the resolve committed may be posted after it: wait for one that saw it.
      () => fw.slack.messagesIn(DIGEST).find((m) => Number(m.ts) * 1000 > resolvedAt && /resolved after/.test(fw.slack.textOf(m))),
      8_000,
    );
    const text = fw.slack.textOf(digest);
    expect(text).toContain('Incident digest');
    expect(text.indexOf('SEV1 · Critical')).toBeLessThan(text.indexOf('SEV3 · Minor'));
    expect(text.indexOf(`INC-${critical.id}*`)).toBeLessThan(text.indexOf(`INC-${minor.id}*`));
    expect(text).toContain('Payment provider failing over');
    expect(text).not.toContain('second line not shown');
    expect(text).toContain(`<#${critical.channel}>`);
    expect(text).toContain('no update yet');
    expect(text).toMatch(new RegExp(`INC-${done.id}\\*[^\\n]*resolved after`));
    expect(text).not.toContain('Secret breach');
    expect(text).not.toContain(`INC-${secretId}*`);
    expect(digest.blocks.length).toBeLessThanOrEqual(50);
  });

  it('runs each due time once, and says "all clear" when nothing is open or resolved', async () => {
    const runs = await fw.db.select({ dueAt: jobRuns.dueAt }).from(jobRuns).where(eq(jobRuns.job, 'digest'));
    expect(new Set(runs.map((r) => r.dueAt.getTime())).size).toBe(runs.length);
    const quiet = await createTestDatabase();
    try {
      const config = testConfig(CONFIG);
      expect(await runDigest(quiet.database.db, config, new Date('2026-01-01T09:00:00Z'))).toBe('posted');
      expect(await runDigest(quiet.database.db, config, new Date('2026-01-01T09:00:00Z'))).toBe('already-run');
      const [run] = await quiet.database.db.select().from(jobRuns);
      expect(run?.data).toMatchObject({ open: [], resolved: [] });
      const skipping = testConfig({ ...CONFIG, digest: { ...CONFIG.digest, skip_when_quiet: true } });
      expect(await runDigest(quiet.database.db, skipping, new Date('2026-01-01T17:00:00Z'))).toBe('quiet');
    } finally {
      await quiet.destroy();
    }
  });

  it('does not post a digest twice when the attempt that posted it died before recording it', async () => {
    await fw.slack.waitFor(() => fw.slack.messagesIn(DIGEST).find((m) => fw.slack.textOf(m).includes('Incident digest')), 8_000);
    const [row] = await fw.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, 'digest.post'), eq(outbox.status, 'done')))
      .orderBy(desc(outbox.id))
      .limit(1);
    const postedBy = (id: number) =>
      fw.slack.messages.filter(
        (m) => (m.metadata as { event_payload?: { outbox_id?: number } } | undefined)?.event_payload?.outbox_id === id,
      );
    expect(postedBy(row!.id)).toHaveLength(1);
    await fw.db.update(outbox).set({ status: 'pending', attempts: 1, doneAt: null }).where(eq(outbox.id, row!.id));
    fw.app.services.outbox.wake();
    await until(
      async () => (await fw.db.select().from(outbox).where(eq(outbox.id, row!.id)))[0]?.status === 'done',
      'the digest row to be delivered again',
    );
    expect(postedBy(row!.id)).toHaveLength(1);
  });

  it('previews the digest for the caller with /incident digest', async () => {
    const { id } = await fw.declare('Preview check', { severity: 'sev2' });
    const text = await fw.run('digest', { channel: GENERAL });
    expect(text).toContain('Incident digest');
    expect(text).toContain(`INC-${id}*`);
  });

  it('sends the digest by DM to whoever subscribed outside an incident channel, until they unsubscribe', async () => {
    expect(await fw.run('subscribe', { channel: GENERAL, user: 'U0DIANA' })).toContain('You will get the stakeholder digest by DM.');
    await fw.slack.waitFor(() => fw.dmsTo('U0DIANA').find((m) => fw.slack.textOf(m).includes('Incident digest')), 6_000);
    expect(await fw.run('unsubscribe', { channel: GENERAL, user: 'U0DIANA' })).toContain('You will no longer get the digest by DM.');
    await sleep(2_500);
    const count = fw.dmsTo('U0DIANA').length;
    await sleep(2_500);
    expect(fw.dmsTo('U0DIANA')).toHaveLength(count);
  });
});

describe('incident subscriptions', () => {
  it('DMs a subscriber every status change, update and resolution, until they unsubscribe', async () => {
    const { id, channel } = await fw.declare('Subscription check', { severity: 'sev2' });
    expect(await fw.run('subscribe', { channel: channel, user: 'U0BOB' })).toContain(
      `You will get a DM for every update, status change and resolution of INC-${id}.`,
    );
    expect(await fw.run('subscribe', { channel: channel, user: 'U0BOB' })).toContain(`You are already subscribed to INC-${id}.`);
    await fw.run('status identified Bad config push', { channel: channel });
    await fw.run('update Rolling back the config', { channel: channel });
    await fw.run('resolve Config rolled back', { channel: channel });
    await settledOutbox(fw.db, id);
    const about = () => fw.dmsTo('U0BOB').filter((m) => fw.slack.textOf(m).includes(`INC-${id}*`));
    expect(about().map((m) => fw.slack.textOf(m))).toEqual([
      expect.stringContaining('moved *INC-'),
      expect.stringContaining('Rolling back the config'),
      expect.stringContaining('resolved *INC-'),
    ]);
    expect(await fw.run('unsubscribe', { channel: channel, user: 'U0BOB' })).toContain(`You will no longer get DMs about INC-${id}.`);
    await fw.run('status investigating It is back', { channel: channel });
    await settledOutbox(fw.db, id);
    expect(about()).toHaveLength(3);
  });

  it('subscribes whoever clicks Subscribe on the summary', async () => {
    const { id, channel } = await fw.declare('Subscribe button check', { severity: 'sev2' });
    const summary = fw.slack.messagesIn(channel).find((m) => JSON.stringify(m.blocks).includes('incident_subscribe'))!;
    await clickButton(fw.app.url, fw.slack, summary, 'incident_subscribe', 'U0CAROL');
    await fw.slack.waitFor(() =>
      fw.slack.responses.find((r) => JSON.stringify(r.body).includes(`update, status change and resolution of INC-${id}`)),
    );
    await fw.run('update First update', { channel: channel });
    await fw.slack.waitFor(() => fw.dmsTo('U0CAROL').find((m) => fw.slack.textOf(m).includes('First update')));
  });
});

describe('status-update reminders', () => {
  it('reminds the lead when update_every passes without an update, with Post update, Snooze and Stop', async () => {
    const { id, channel } = await fw.declare('Reminder check', { severity: 'sev1' });
    const reminder = await fw.slack.waitFor(
      () => fw.slack.messagesIn(channel).find((m) => fw.slack.textOf(m).includes('is due a status update')),
      8_000,
    );
    expect(fw.slack.textOf(reminder)).toContain('<@U0ALICE>');
    expect(JSON.stringify(reminder.blocks)).toContain('incident_post_update');

    await clickButton(fw.app.url, fw.slack, reminder, 'reminder_snooze');
    await fw.slack.waitFor(() =>
      fw.slack.responses.find((r) => JSON.stringify(r.body).includes('Snoozed: the next reminder comes in 30 minutes.')),
    );
    const [snoozed] = await fw.db.select().from(incidents).where(eq(incidents.id, id));
    expect(snoozed!.nextUpdateDueAt!.getTime() - Date.now()).toBeGreaterThan(29 * 60_000);

    await clickButton(fw.app.url, fw.slack, reminder, 'reminder_stop');
    await fw.slack.waitFor(() => fw.slack.responses.find((r) => JSON.stringify(r.body).includes('Reminders stopped for this incident.')));
    const [stopped] = await fw.db.select().from(incidents).where(eq(incidents.id, id));
    expect(stopped?.nextUpdateDueAt).toBeNull();
    const count = fw.slack.messagesIn(channel).filter((m) => fw.slack.textOf(m).includes('is due a status update')).length;
    await sleep(3_000);
    expect(fw.slack.messagesIn(channel).filter((m) => fw.slack.textOf(m).includes('is due a status update'))).toHaveLength(count);

    await clickButton(fw.app.url, fw.slack, reminder, 'incident_post_update');
    await fw.slack.waitFor(() =>
      fw.slack.views.find((v) => v.view.callback_id === 'status_update' && String(v.view.private_metadata).includes(`"incidentId":${id}`)),
    );
  });

  it('waits for the "next update in" chosen with an update; "none" stops reminders', async () => {
    const { id } = await fw.declare('Chosen cadence check', { severity: 'sev2' });
    const due = async () => (await fw.db.select().from(incidents).where(eq(incidents.id, id)))[0]!.nextUpdateDueAt;
    expect((await due())!.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
    await postStatusUpdate(fw.db, fw.app.services.config, {
      incidentId: id,
      actor: 'U0ALICE',
      message: 'Next in 15',
      nextUpdateMs: 15 * 60_000,
    });
    const fifteen = (await due())!.getTime() - Date.now();
    expect(fifteen).toBeGreaterThan(14 * 60_000);
    expect(fifteen).toBeLessThanOrEqual(15 * 60_000);
    await postStatusUpdate(fw.db, fw.app.services.config, {
      incidentId: id,
      actor: 'U0ALICE',
      message: 'No more reminders',
      nextUpdateMs: null,
    });
    expect(await due()).toBeNull();
  });

  it('sends no reminder for a resolved incident', async () => {
    const { id, channel } = await fw.declare('Resolved reminder check', { severity: 'sev1' });
    await fw.run('resolve Quick fix', { channel: channel });
    const [resolved] = await fw.db.select().from(incidents).where(eq(incidents.id, id));
    expect(resolved?.nextUpdateDueAt).toBeNull();
    await fw.db
      .update(incidents)
      .set({ nextUpdateDueAt: sql`now() - interval '1 second'` })
      .where(eq(incidents.id, id));
    await sweepReminders(fw.db, fw.app.services.config);
    const reminders = await fw.db
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.incidentId, id), eq(timelineEvents.kind, 'update_reminder')));
    expect(reminders).toHaveLength(0);
    await sleep(2_500);
    expect(fw.slack.messagesIn(channel).some((m) => fw.slack.textOf(m).includes('is due a status update'))).toBe(false);
  });

  it('nudges an incident without a lead once, ten minutes after it opened', async () => {
    const id = await fw.declareDirect('Leaderless alert', { leadId: null, initialStatus: 'triage', source: 'alert' });
    const [opened] = await fw.db.select().from(incidents).where(eq(incidents.id, id));
    expect(opened!.leadNudgeAt!.getTime() - opened!.createdAt.getTime()).toBe(10 * 60_000);
    await fw.db
      .update(incidents)
      .set({ leadNudgeAt: sql`now() - interval '1 second'` })
      .where(eq(incidents.id, id));
    fw.app.services.outbox.wake();
    await settledOutbox(fw.db, id);
    const channel = (await fw.db.select().from(incidents).where(eq(incidents.id, id)))[0]!.channelId!;
    await fw.slack.waitFor(() => fw.slack.messagesIn(channel).find((m) => fw.slack.textOf(m).includes('has no lead yet')), 5_000);
    await sleep(2_000);
    expect(fw.slack.messagesIn(channel).filter((m) => fw.slack.textOf(m).includes('has no lead yet'))).toHaveLength(1);
  });
});

describe('a digest missed while Firewatch was down', () => {
  it('is sent once at start-up when it is the latest due, and older misses are skipped', async () => {
    const own = await createTestDatabase();
    const daily = '0 0 * * *';
    const latest = latestDueAt(daily, new Date());
    const twoBefore = new Date(latest.getTime() - 2 * 86_400_000);
    await own.database.db.insert(jobRuns).values({ job: 'digest', dueAt: twoBefore, data: {} });
    const restarted = await startApp(fw.slack, own.database, testConfig({ ...CONFIG, digest: { channel: DIGEST, schedule: daily } }));
    try {
      const runs = await own.database.db.select().from(jobRuns).where(eq(jobRuns.job, 'digest')).orderBy(desc(jobRuns.dueAt));
      expect(runs.map((r) => r.dueAt.getTime())).toEqual([latest.getTime(), twoBefore.getTime()]);
    } finally {
      await restarted.stop();
      await own.destroy();
    }
  });
});

describe.runIf(process.env.DATABASE_URL)('two processes on one Postgres', () => {
  const processes: AppProcess[] = [];
  afterAll(async () => {
    for (const p of processes) await p.kill('SIGKILL');
  });

  it('post one digest per due time', { timeout: 90_000 }, async () => {
    const shared = await createTestDatabase();
    await shared.database.close();
    const channel = fw.slack.addChannel({ name: 'replica-digests' });
    const config = { digest: { channel: channel.id, schedule: '* * * * * *' } };
    try {
      processes.push(...(await Promise.all([spawnApp(fw.slack, shared, config), spawnApp(fw.slack, shared, config)])));
      await sleep(5_000);
      await Promise.all(processes.map((p) => p.kill('SIGTERM')));
      const posted = fw.slack.messagesIn(channel.id);
      expect(posted.length).toBeGreaterThanOrEqual(3);
      const { openDatabase } = await import('../../src/db/client.js');
      const check = await openDatabase({ url: shared.url, dataDir: '' });
      const runs = await check.db
        .select()
        .from(jobRuns)
        .where(and(eq(jobRuns.job, 'digest')));
      await check.close();
      expect(posted).toHaveLength(runs.length);
    } finally {
      await shared.destroy();
    }
  });
});

import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidents, outbox, pageNotifications, pages, timelineEvents } from '../../src/db/schema.js';
import { changeStatus } from '../../src/workflow/changes.js';
import type { Firewatch } from '../../src/firewatch.js';
import { acknowledgePage } from '../../src/paging/acknowledge.js';
import { sweepDuePages } from '../../src/paging/pages.js';
import { onCallAt, scheduleDefFromConfig } from '../../src/paging/schedule.js';
import { startApp, startEmulator, testConfig, GENERAL } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { settledOutbox } from '../support/outbox.js';
import type { EmuMessage, SlackEmulator } from '../support/slack-emulator/index.js';
import { ackText, clickButton, slashCommand } from '../support/slack-requests.js';

const CONFIG = {
  escalation_tick: '* * * * * *',
  severities: [
    { id: 'sev1', label: 'Critical', page: 'primary' },
    { id: 'sev2', label: 'Major' },
    { id: 'sev3', label: 'Minor' },
  ],
  escalation_policies: [
    {
      id: 'primary',
      repeat: 0,
      levels: [
        { delay: '2s', targets: [{ user: 'U0BOB' }] },
        { delay: '2s', targets: [{ user: 'U0CAROL' }] },
      ],
    },
    { id: 'looping', repeat: 1, levels: [{ delay: '1s', targets: [{ user: 'U0DAVE' }] }] },
    { id: 'oncall', levels: [{ delay: '1m', targets: [{ schedule: 'platform' }] }] },
    { id: 'gapped', levels: [{ delay: '1m', targets: [{ schedule: 'future' }, { user: 'U0ERIN' }] }] },
    {
      id: 'slow',
      levels: [
        { delay: '1h', targets: [{ user: 'U0SLOW1' }] },
        { delay: '1h', targets: [{ user: 'U0SLOW2' }] },
      ],
    },
  ],
  schedules: [
    { id: 'platform', time_zone: 'Europe/Berlin', rotation: { start: '2026-01-05T09:00', length: '1w', users: ['U0FRANK', 'U0GRACE'] } },
    { id: 'future', time_zone: 'UTC', rotation: { start: '2099-01-01T00:00', length: '1d', users: ['U0NOBODY'] } },
  ],
};

let db: TestDatabase;
let emu: SlackEmulator;
let app: Firewatch;

beforeAll(async () => {
  db = await createTestDatabase();
  emu = await startEmulator();
  app = await startApp(emu, db.database, testConfig(CONFIG));
});

afterAll(async () => {
  await app?.stop();
  await emu?.close();
  await db?.destroy();
});

const dbx = () => db.database.db;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** DMs the bot sent a person about an incident. */
function dmsTo(user: string, incidentId: number): EmuMessage[] {
  return emu.messages.filter((m) => {
    const channel = emu.channels.get(m.channel);
    return channel?.is_im && channel.user === user && emu.textOf(m).includes(`INC-${incidentId}*`);
  });
}

async function declare(title: string, severity: string) {
  const ack = await slashCommand(app.url, emu, `declare ${severity} ${title}`);
  const id = Number(/INC-(\d+)/.exec(ackText(ack))![1]);
  await settledOutbox(dbx(), id);
  const [incident] = await dbx().select().from(incidents).where(eq(incidents.id, id));
  return { id, channel: incident!.channelId! };
}

async function command(id: number, text: string, user = 'U0ALICE') {
  const [incident] = await dbx().select().from(incidents).where(eq(incidents.id, id));
  const r = await slashCommand(app.url, emu, text, { channel: incident!.channelId!, user });
  return ackText(r);
}

async function pagesOf(id: number) {
  return dbx().select().from(pages).where(eq(pages.incidentId, id)).orderBy(asc(pages.id));
}

async function kinds(id: number) {
  const rows = await dbx().select().from(timelineEvents).where(eq(timelineEvents.incidentId, id)).orderBy(asc(timelineEvents.id));
  return rows.filter((r) => r.kind.startsWith('page_')).map((r) => r.kind);
}

const buttonIds = (m: EmuMessage) => JSON.stringify(m.blocks).match(/page_(acknowledge|escalate)/g) ?? [];

describe('paging on declare', () => {
  it('pages level 1, escalates to level 2 when nobody acknowledges, and stops at the acknowledgement', async () => {
    const { id, channel } = await declare('Primary database down', 'sev1');
    const bobDm = await emu.waitFor(() => dmsTo('U0BOB', id)[0]);
    expect(emu.textOf(bobDm)).toContain('Primary database down');
    expect(emu.textOf(bobDm)).toContain('SEV1 (Critical)');
    expect(emu.textOf(bobDm)).toContain('<@U0ALICE>');
    expect(emu.textOf(bobDm)).toContain(`<#${channel}>`);
    expect(buttonIds(bobDm)).toEqual(['page_acknowledge', 'page_escalate']);
    expect(emu.messagesIn(channel).some((m) => emu.textOf(m).includes('Paged <@U0BOB>'))).toBe(true);

    const bobButtons = structuredClone(bobDm.blocks);
    const carolDm = await emu.waitFor(() => dmsTo('U0CAROL', id)[0], 8_000);
    expect(dmsTo('U0BOB', id)).toHaveLength(1);
    await clickButton(app.url, emu, carolDm, 'page_acknowledge', 'U0CAROL');
    await emu.waitFor(() => emu.responses.find((r) => JSON.stringify(r.body).includes('Acknowledged: escalation stopped')));
    await settledOutbox(dbx(), id);

    const [page] = await pagesOf(id);
    expect(page).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'U0CAROL', nextEscalationAt: null });
    for (const dm of [dmsTo('U0BOB', id)[0]!, dmsTo('U0CAROL', id)[0]!]) {
      expect(buttonIds(dm)).toEqual([]);
      expect(emu.textOf(dm)).toContain('Acknowledged by <@U0CAROL>');
    }
    expect(emu.channels.get(channel)?.members.has('U0CAROL')).toBe(true);
    const [incident] = await dbx().select().from(incidents).where(eq(incidents.id, id));
    expect(incident?.acknowledgedAt).not.toBeNull();

    await sleep(3_000);
    expect(await kinds(id)).toEqual(['page_triggered', 'page_notified', 'page_escalated', 'page_notified', 'page_acknowledged']);
    expect(dmsTo('U0BOB', id)).toHaveLength(1);
    expect(dmsTo('U0CAROL', id)).toHaveLength(1);

    await clickButton(app.url, emu, { ...dmsTo('U0BOB', id)[0]!, blocks: bobButtons }, 'page_acknowledge', 'U0BOB');
    await emu.waitFor(() => emu.responses.find((r) => JSON.stringify(r.body).includes('already acknowledged by <@U0CAROL>')));
  });

  it('escalates at once from the Escalate button, and a second click of the same button does not skip a level', async () => {
    const { id } = await declare('Escalate button check', 'sev1');
    const bobDm = await emu.waitFor(() => dmsTo('U0BOB', id)[0]);
    await clickButton(app.url, emu, bobDm, 'page_escalate', 'U0BOB');
    await emu.waitFor(() => dmsTo('U0CAROL', id)[0], 1_500);
    await clickButton(app.url, emu, bobDm, 'page_escalate', 'U0BOB');
    await emu.waitFor(() => emu.responses.find((r) => JSON.stringify(r.body).includes('already escalated past that level')));
    const [page] = await pagesOf(id);
    expect(page).toMatchObject({ state: 'triggered', level: 1 });
    expect((await kinds(id)).filter((k) => k === 'page_escalated')).toHaveLength(1);
    await command(id, 'resolve Fixed');
  });

  it('resolving the incident ends its pages: DMs say so and nobody else is paged', async () => {
    const { id } = await declare('Resolved mid page', 'sev1');
    await emu.waitFor(() => dmsTo('U0BOB', id)[0]);
    expect(await command(id, 'resolve False alarm')).toContain('is now resolved');
    await settledOutbox(dbx(), id);
    const [page] = await pagesOf(id);
    expect(page?.state).toBe('resolved');
    expect(emu.textOf(dmsTo('U0BOB', id)[0]!)).toContain('resolved; no action needed');
    await sleep(2_500);
    expect(dmsTo('U0CAROL', id)).toHaveLength(0);
    expect(await kinds(id)).toEqual(['page_triggered', 'page_notified', 'page_resolved']);
  });

  it('lets an acknowledgement racing the sweep win cleanly: nothing is sent after the acknowledgement commits', async () => {
    for (let round = 0; round < 5; round++) {
      const { id } = await declare(`Race round ${round}`, 'sev1');
      await emu.waitFor(() => dmsTo('U0BOB', id)[0]);
      const [page] = await pagesOf(id);
      await dbx()
        .update(pages)
        .set({ nextEscalationAt: sql`now()` })
        .where(eq(pages.id, page!.id));
      await Promise.all([sweepDuePages(dbx()), acknowledgePage(dbx(), { pageId: page!.id, actor: 'U0BOB' })]);
      app.services.outbox.wake();
      await settledOutbox(dbx(), id);
      const events = await kinds(id);
      const ackAt = events.indexOf('page_acknowledged');
      expect(ackAt).toBeGreaterThan(-1);
      expect(events.slice(ackAt + 1)).toEqual([]);
      // Either the escalation committed first (and carol's DM, if sent, now shows the ack) or it never happened.
      for (const dm of dmsTo('U0CAROL', id)) expect(emu.textOf(dm)).toContain('Acknowledged by <@U0BOB>');
      await command(id, 'resolve done');
    }
  });

  it('lets an acknowledgement and a resolve of the same incident both finish, in either order, without a deadlock', async () => {
    for (let round = 0; round < 5; round++) {
      const { id } = await declare(`Ack and resolve race ${round}`, 'sev1');
      const [page] = await pagesOf(id);
      const [acked, resolved] = await Promise.all([
        acknowledgePage(dbx(), { pageId: page!.id, actor: 'U0BOB' }),
        changeStatus(dbx(), app.services.config, { incidentId: id, to: 'resolved', actor: 'U0ALICE', message: 'Fixed' }),
      ]);
      expect(resolved.ok).toBe(true);
      const [after] = await pagesOf(id);
      // Whichever committed first decides the page's end; both requests got an answer.
      expect(after?.state).toBe(acked.ok ? 'acknowledged' : 'resolved');
    }
  });

  it('does not DM a person twice when the DM was sent but recording it failed', async () => {
    const { id } = await declare('DM recorded late', 'sev1');
    await emu.waitFor(() => dmsTo('U0BOB', id)[0]);
    const [notification] = await dbx()
      .select()
      .from(pageNotifications)
      .innerJoin(pages, eq(pages.id, pageNotifications.pageId))
      .where(eq(pages.incidentId, id));
    // As if the process died between Slack's answer and the update: no ts recorded, the row to run again.
    await dbx()
      .update(pageNotifications)
      .set({ dmTs: null, dmChannel: null })
      .where(eq(pageNotifications.id, notification!.page_notifications.id));
    await dbx()
      .update(outbox)
      .set({ status: 'pending', attempts: 1, doneAt: null })
      .where(and(eq(outbox.incidentId, id), eq(outbox.kind, 'page.dm')));
    app.services.outbox.wake();
    await settledOutbox(dbx(), id);
    expect(dmsTo('U0BOB', id)).toHaveLength(1);
    const [recorded] = await dbx().select().from(pageNotifications).where(eq(pageNotifications.id, notification!.page_notifications.id));
    expect(recorded?.dmTs).toBe(dmsTo('U0BOB', id)[0]?.ts);
  });

  it('pages again on raising severity to one with a policy, but not on lowering it', async () => {
    const { id } = await declare('Severity raise check', 'sev3');
    expect(await pagesOf(id)).toHaveLength(0);
    await command(id, 'severity sev1');
    await emu.waitFor(() => dmsTo('U0BOB', id)[0]);
    await command(id, 'severity sev2');
    await command(id, 'severity sev1');
    expect(await pagesOf(id)).toHaveLength(1);
    await command(id, 'resolve done');
  });
});

describe('/incident page', () => {
  it('pages one person with a message, and paging them again escalates (here: to exhaustion)', async () => {
    const { id, channel } = await declare('Direct page check', 'sev3');
    expect(await command(id, 'page <@U0HEIDI|heidi> Need a DBA')).toContain(`Paging <@U0HEIDI> for INC-${id}.`);
    const dm = await emu.waitFor(() => dmsTo('U0HEIDI', id)[0]);
    expect(emu.textOf(dm)).toContain('Need a DBA');
    expect(emu.textOf(dm)).toContain('directly');
    const [page] = await pagesOf(id);
    expect(page!.nextEscalationAt!.getTime() - page!.createdAt.getTime()).toBeGreaterThan(4 * 60_000);
    expect(await command(id, 'page <@U0HEIDI>')).toContain('that was the last level, and nobody acknowledged');
    await settledOutbox(dbx(), id);
    expect(emu.messagesIn(channel).some((m) => emu.textOf(m).includes('<!here> *Nobody acknowledged the page'))).toBe(true);
  });

  it('repeats the policy for its extra passes, then says loudly that nobody acknowledged', async () => {
    const { id, channel } = await declare('Looping policy check', 'sev3');
    await command(id, 'page looping');
    await emu.waitFor(() => emu.messagesIn(channel).find((m) => emu.textOf(m).includes('Nobody acknowledged the page')), 8_000);
    await settledOutbox(dbx(), id);
    const notified = await dbx()
      .select()
      .from(pageNotifications)
      .innerJoin(pages, eq(pages.id, pageNotifications.pageId))
      .where(eq(pages.incidentId, id));
    expect(notified.map((n) => [n.page_notifications.userId, n.page_notifications.loop])).toEqual([
      ['U0DAVE', 0],
      ['U0DAVE', 1],
    ]);
    expect(dmsTo('U0DAVE', id)).toHaveLength(2);
    const [page] = await pagesOf(id);
    expect(page?.state).toBe('exhausted');
    expect(await kinds(id)).toEqual(['page_triggered', 'page_notified', 'page_escalated', 'page_notified', 'page_exhausted']);
  });

  it('still DMs every level of a page that ran out while Slack was down', async () => {
    const { id } = await declare('Page outlasting a Slack outage', 'sev3');
    emu.down = true;
    try {
      await command(id, 'page looping');
      for (let waited = 0; (await pagesOf(id))[0]?.state !== 'exhausted'; waited += 100) {
        if (waited > 10_000) throw new Error('the page did not run out');
        await sleep(100);
      }
    } finally {
      emu.down = false;
    }
    app.services.outbox.wake();
    await settledOutbox(dbx(), id, 30_000);
    expect(dmsTo('U0DAVE', id)).toHaveLength(2);
  });

  it('pages whoever is on call in a schedule target', async () => {
    const { id } = await declare('Schedule target check', 'sev3');
    const expected = onCallAt(scheduleDefFromConfig(app.services.config.schedules[0]!), new Date());
    await command(id, 'page oncall');
    await emu.waitFor(() => dmsTo(expected!, id)[0]);
  });

  it('skips a schedule with nobody on call, records the skip, and pages the other targets', async () => {
    const { id, channel } = await declare('Gapped schedule check', 'sev3');
    await command(id, 'page gapped');
    await emu.waitFor(() => dmsTo('U0ERIN', id)[0]);
    await settledOutbox(dbx(), id);
    expect(await kinds(id)).toEqual(['page_triggered', 'page_target_skipped', 'page_notified']);
    expect(emu.messagesIn(channel).some((m) => emu.textOf(m).includes('Skipped schedule *future*'))).toBe(true);
  });

  it('keeps a running page on the policy frozen when it started, whatever the config says later', async () => {
    const { id } = await declare('Frozen policy check', 'sev3');
    await command(id, 'page slow');
    await emu.waitFor(() => dmsTo('U0SLOW1', id)[0]);
    const policy = app.services.config.escalationPolicies.find((p) => p.id === 'slow')!;
    const original = policy.levels[1]!.targets;
    policy.levels[1]!.targets = [{ user: 'U0CHANGED' }];
    try {
      await command(id, 'page slow');
      await emu.waitFor(() => dmsTo('U0SLOW2', id)[0]);
      expect(dmsTo('U0CHANGED', id)).toHaveLength(0);
    } finally {
      policy.levels[1]!.targets = original;
    }
  });

  it('explains an unknown policy and a plain @name', async () => {
    const { id } = await declare('Bad page target check', 'sev3');
    expect(await command(id, 'page nosuch')).toContain(
      'Unknown escalation policy "nosuch". Policies: primary, looping, oncall, gapped, slow.',
    );
    expect(await command(id, 'page @bob')).toContain('"@bob" is not a mention');
  });

  it('refuses to page for a resolved incident', async () => {
    const { id } = await declare('Page after resolve check', 'sev3');
    await command(id, 'resolve done');
    expect(await command(id, 'page <@U0BOB>')).toContain('is resolved; there is nobody to page for it');
  });
});

describe('/incident oncall', () => {
  it('shows who is on call now and the next hand-offs of each schedule', async () => {
    const r = await slashCommand(app.url, emu, 'oncall', { channel: GENERAL });
    const text = ackText(r);
    const now = onCallAt(scheduleDefFromConfig(app.services.config.schedules[0]!), new Date());
    expect(text).toContain('*platform* (Europe/Berlin): now <@' + now + '>');
    expect(text).toContain('*future* (UTC): now _nobody is on call_');
    expect(text).toContain('<!date^');
    expect(ackText(await slashCommand(app.url, emu, 'oncall platform', { channel: GENERAL }))).not.toContain('*future*');
    expect(ackText(await slashCommand(app.url, emu, 'oncall nope', { channel: GENERAL }))).toContain(
      'Unknown schedule "nope". Schedules: platform, future.',
    );
  });
});

describe('lateness of due escalations', () => {
  it('fires every due escalation within a couple of ticks', async () => {
    // The race rounds make their pages due by hand; only escalations that came due on their own count.
    const late = (
      await dbx()
        .select({ data: timelineEvents.data, title: incidents.title })
        .from(timelineEvents)
        .innerJoin(incidents, eq(incidents.id, timelineEvents.incidentId))
        .where(and(eq(timelineEvents.kind, 'page_escalated')))
    )
      .filter((e) => !e.title.startsWith('Race round'))
      .map((e) => e.data.lateMs)
      .filter((v): v is number => typeof v === 'number');
    expect(late.length).toBeGreaterThan(0);
    const sorted = [...late].sort((a, b) => a - b);
    console.log(
      `escalation lateness over ${sorted.length} sweeps: median ${sorted[Math.floor(sorted.length / 2)]} ms, worst ${sorted.at(-1)} ms`,
    );
    for (const ms of late) expect(ms).toBeLessThan(60_000);
  });
});

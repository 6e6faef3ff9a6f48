import { and, asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { incidents, outbox, pageNotifications, pages, timelineEvents } from '../../src/db/schema.js';
import { changeStatus } from '../../src/workflow/changes.js';
import { acknowledgePage } from '../../src/paging/acknowledge.js';
import { sweepDuePages } from '../../src/paging/pages.js';
import { onCallAt, scheduleDefFromConfig } from '../../src/paging/schedule.js';
import { GENERAL, SEVERITIES_PAGING_PRIMARY } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { settledOutbox } from '../support/outbox.js';
import type { MessageView } from '../support/slack-emulator/index.js';
import { ackText, clickButton, slashCommand } from '../support/slack-requests.js';

const CONFIG = {
  escalation_tick: '* * * * * *',
  severities: SEVERITIES_PAGING_PRIMARY,
  escalation_policies: [
    {
      id: 'primary',
      repeat: 0,
      levels: [
        { delay: '2s', targets: [{ user: 'U0BOB' }] },
        // Long enough that Carol's acknowledgement never races the page running out on a busy machine.
        { delay: '1m', targets: [{ user: 'U0CAROL' }] },
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

const fw = useFirewatch({ config: CONFIG });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** DMs the bot sent a person about an incident. */
const dmsTo = (user: string, incidentId: number): MessageView[] =>
  fw.dmsTo(user).filter((m) => fw.slack.textOf(m).includes(`INC-${incidentId}*`));

async function command(id: number, text: string, user = 'U0ALICE') {
  return fw.run(text, { channel: (await fw.incident(id)).channelId!, user });
}

async function pagesOf(id: number) {
  return fw.db.select().from(pages).where(eq(pages.incidentId, id)).orderBy(asc(pages.id));
}

async function kinds(id: number) {
  return (await fw.events(id)).filter((r) => r.kind.startsWith('page_')).map((r) => r.kind);
}

const buttonIds = (m: MessageView) => JSON.stringify(m.blocks).match(/page_(acknowledge|escalate)/g) ?? [];

describe('paging on declare', () => {
  it('pages level 1, escalates to level 2 when nobody acknowledges, and stops at the acknowledgement', async () => {
    const { id, channel } = await fw.declare('Primary database down', { severity: 'sev1' });
    const bobDm = await fw.slack.waitFor(() => dmsTo('U0BOB', id)[0]);
    expect(fw.slack.textOf(bobDm)).toContain('Primary database down');
    expect(fw.slack.textOf(bobDm)).toContain('SEV1 (Critical)');
    expect(fw.slack.textOf(bobDm)).toContain('<@U0ALICE>');
    expect(fw.slack.textOf(bobDm)).toContain(`<#${channel}>`);
    expect(buttonIds(bobDm)).toEqual(['page_acknowledge', 'page_escalate']);
    expect(fw.slack.messagesIn(channel).some((m) => fw.slack.textOf(m).includes('Paged <@U0BOB>'))).toBe(true);

    const bobButtons = structuredClone(bobDm.blocks);
    const carolDm = await fw.slack.waitFor(() => dmsTo('U0CAROL', id)[0], 8_000);
    expect(dmsTo('U0BOB', id)).toHaveLength(1);
    await carolDm.button('Acknowledge').click({ user: 'U0CAROL' });
    await fw.slack.waitFor(() => fw.slack.responses.find((r) => JSON.stringify(r.body).includes('Acknowledged: escalation stopped')));
    await settledOutbox(fw.db, id);

    const [page] = await pagesOf(id);
    expect(page).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'U0CAROL', nextEscalationAt: null });
    for (const dm of [dmsTo('U0BOB', id)[0]!, dmsTo('U0CAROL', id)[0]!]) {
      expect(buttonIds(dm)).toEqual([]);
      expect(fw.slack.textOf(dm)).toContain('Acknowledged by <@U0CAROL>');
    }
    expect(fw.slack.channels.get(channel)?.members.has('U0CAROL')).toBe(true);
    const [incident] = await fw.db.select().from(incidents).where(eq(incidents.id, id));
    expect(incident?.acknowledgedAt).not.toBeNull();

    await sleep(3_000);
    expect(await kinds(id)).toEqual(['page_triggered', 'page_notified', 'page_escalated', 'page_notified', 'page_acknowledged']);
    expect(dmsTo('U0BOB', id)).toHaveLength(1);
    expect(dmsTo('U0CAROL', id)).toHaveLength(1);

    const bobNow = dmsTo('U0BOB', id)[0]!;
    await clickButton(
      fw.app.url,
      fw.slack,
      { channel: bobNow.channel, ts: bobNow.ts, text: bobNow.text, blocks: bobButtons },
      'page_acknowledge',
      'U0BOB',
    );
    await fw.slack.waitFor(() => fw.slack.responses.find((r) => JSON.stringify(r.body).includes('already acknowledged by <@U0CAROL>')));
  });

  it('escalates at once from the Escalate button, and a second click of the same button does not skip a level', async () => {
    const { id } = await fw.declare('Escalate button check', { severity: 'sev1' });
    const bobDm = await fw.slack.waitFor(() => dmsTo('U0BOB', id)[0]);
    await bobDm.button('Escalate').click({ user: 'U0BOB' });
    await fw.slack.waitFor(() => dmsTo('U0CAROL', id)[0], 1_500);
    await bobDm.button('Escalate').click({ user: 'U0BOB' });
    await fw.slack.waitFor(() => fw.slack.responses.find((r) => JSON.stringify(r.body).includes('already escalated past that level')));
    const [page] = await pagesOf(id);
    expect(page).toMatchObject({ state: 'triggered', level: 1 });
    expect((await kinds(id)).filter((k) => k === 'page_escalated')).toHaveLength(1);
    await command(id, 'resolve Fixed');
  });

  it('resolving the incident ends its pages: DMs say so and nobody else is paged', async () => {
    const { id } = await fw.declare('Resolved mid page', { severity: 'sev1' });
    await fw.slack.waitFor(() => dmsTo('U0BOB', id)[0]);
    expect(await command(id, 'resolve False alarm')).toContain('is now resolved');
    await settledOutbox(fw.db, id);
    const [page] = await pagesOf(id);
    expect(page?.state).toBe('resolved');
    expect(fw.slack.textOf(dmsTo('U0BOB', id)[0]!)).toContain('resolved; no action needed');
    await sleep(2_500);
    expect(dmsTo('U0CAROL', id)).toHaveLength(0);
    expect(await kinds(id)).toEqual(['page_triggered', 'page_notified', 'page_resolved']);
  });

  it('lets an acknowledgement racing the sweep win cleanly: nothing is sent after the acknowledgement commits', async () => {
    for (let round = 0; round < 5; round++) {
      const { id } = await fw.declare(`Race round ${round}`, { severity: 'sev1' });
      await fw.slack.waitFor(() => dmsTo('U0BOB', id)[0]);
      const [page] = await pagesOf(id);
      await fw.db
        .update(pages)
        .set({ nextEscalationAt: sql`now()` })
        .where(eq(pages.id, page!.id));
      await Promise.all([sweepDuePages(fw.db), acknowledgePage(fw.db, { pageId: page!.id, actor: 'U0BOB' })]);
      fw.app.services.outbox.wake();
      await settledOutbox(fw.db, id);
      const events = await kinds(id);
      const ackAt = events.indexOf('page_acknowledged');
      expect(ackAt).toBeGreaterThan(-1);
      expect(events.slice(ackAt + 1)).toEqual([]);
      // Either the escalation committed first (and carol's DM, if sent, now shows the ack) or it never happened.
      for (const dm of dmsTo('U0CAROL', id)) expect(fw.slack.textOf(dm)).toContain('Acknowledged by <@U0BOB>');
      await command(id, 'resolve done');
    }
  });

  it('lets an acknowledgement and a resolve of the same incident both finish, in either order, without a deadlock', async () => {
    for (let round = 0; round < 5; round++) {
      const { id } = await fw.declare(`Ack and resolve race ${round}`, { severity: 'sev1' });
      const [page] = await pagesOf(id);
      const [acked, resolved] = await Promise.all([
        acknowledgePage(fw.db, { pageId: page!.id, actor: 'U0BOB' }),
        changeStatus(fw.db, fw.app.services.config, { incidentId: id, to: 'resolved', actor: 'U0ALICE', message: 'Fixed' }),
      ]);
      expect(resolved.ok).toBe(true);
      const [after] = await pagesOf(id);
      // Whichever committed first decides the page's end; both requests got an answer.
      expect(after?.state).toBe(acked.ok ? 'acknowledged' : 'resolved');
    }
  });

  it('does not DM a person twice when the DM was sent but recording it failed', async () => {
    const { id } = await fw.declare('DM recorded late', { severity: 'sev1' });
    await fw.slack.waitFor(() => dmsTo('U0BOB', id)[0]);
    const [notification] = await fw.db
      .select()
      .from(pageNotifications)
      .innerJoin(pages, eq(pages.id, pageNotifications.pageId))
      .where(eq(pages.incidentId, id));
    // As if the process died between Slack's answer and the update: no ts recorded, the row to run again.
    await fw.db
      .update(pageNotifications)
      .set({ dmTs: null, dmChannel: null })
      .where(eq(pageNotifications.id, notification!.page_notifications.id));
    await fw.db
      .update(outbox)
      .set({ status: 'pending', attempts: 1, doneAt: null })
      .where(and(eq(outbox.incidentId, id), eq(outbox.kind, 'page.dm')));
    fw.app.services.outbox.wake();
    await settledOutbox(fw.db, id);
    expect(dmsTo('U0BOB', id)).toHaveLength(1);
    const [recorded] = await fw.db.select().from(pageNotifications).where(eq(pageNotifications.id, notification!.page_notifications.id));
    expect(recorded?.dmTs).toBe(dmsTo('U0BOB', id)[0]?.ts);
  });

  it('pages again on raising severity to one with a policy, but not on lowering it', async () => {
    const { id } = await fw.declare('Severity raise check', { severity: 'sev3' });
    expect(await pagesOf(id)).toHaveLength(0);
    await command(id, 'severity sev1');
    await fw.slack.waitFor(() => dmsTo('U0BOB', id)[0]);
    await command(id, 'severity sev2');
    await command(id, 'severity sev1');
    expect(await pagesOf(id)).toHaveLength(1);
    await command(id, 'resolve done');
  });
});

describe('/incident page', () => {
  it('pages one person with a message, and paging them again escalates (here: to exhaustion)', async () => {
    const { id, channel } = await fw.declare('Direct page check', { severity: 'sev3' });
    expect(await command(id, 'page <@U0HEIDI|heidi> Need a DBA')).toContain(`Paging <@U0HEIDI> for INC-${id}.`);
    const dm = await fw.slack.waitFor(() => dmsTo('U0HEIDI', id)[0]);
    expect(fw.slack.textOf(dm)).toContain('Need a DBA');
    expect(fw.slack.textOf(dm)).toContain('directly');
    const [page] = await pagesOf(id);
    expect(page!.nextEscalationAt!.getTime() - page!.createdAt.getTime()).toBeGreaterThan(4 * 60_000);
    expect(await command(id, 'page <@U0HEIDI>')).toContain('that was the last level, and nobody acknowledged');
    await settledOutbox(fw.db, id);
    expect(fw.slack.messagesIn(channel).some((m) => fw.slack.textOf(m).includes('<!here> *Nobody acknowledged the page'))).toBe(true);
  });

  it('repeats the policy for its extra passes, then says loudly that nobody acknowledged', async () => {
    const { id, channel } = await fw.declare('Looping policy check', { severity: 'sev3' });
    await command(id, 'page looping');
    await fw.slack.waitFor(
      () => fw.slack.messagesIn(channel).find((m) => fw.slack.textOf(m).includes('Nobody acknowledged the page')),
      8_000,
    );
    await settledOutbox(fw.db, id);
    const notified = await fw.db
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
    const { id } = await fw.declare('Page outlasting a Slack outage', { severity: 'sev3' });
    fw.slack.down = true;
    try {
      await command(id, 'page looping');
      for (let waited = 0; (await pagesOf(id))[0]?.state !== 'exhausted'; waited += 100) {
        if (waited > 10_000) throw new Error('the page did not run out');
        await sleep(100);
      }
    } finally {
      fw.slack.down = false;
    }
    fw.app.services.outbox.wake();
    await settledOutbox(fw.db, id, 30_000);
    expect(dmsTo('U0DAVE', id)).toHaveLength(2);
  });

  it('pages whoever is on call in a schedule target', async () => {
    const { id } = await fw.declare('Schedule target check', { severity: 'sev3' });
    const expected = onCallAt(scheduleDefFromConfig(fw.app.services.config.schedules[0]!), new Date());
    await command(id, 'page oncall');
    await fw.slack.waitFor(() => dmsTo(expected!, id)[0]);
  });

  it('skips a schedule with nobody on call, records the skip, and pages the other targets', async () => {
    const { id, channel } = await fw.declare('Gapped schedule check', { severity: 'sev3' });
    await command(id, 'page gapped');
    await fw.slack.waitFor(() => dmsTo('U0ERIN', id)[0]);
    await settledOutbox(fw.db, id);
    expect(await kinds(id)).toEqual(['page_triggered', 'page_target_skipped', 'page_notified']);
    expect(fw.slack.messagesIn(channel).some((m) => fw.slack.textOf(m).includes('Skipped schedule *future*'))).toBe(true);
  });

  it('keeps a running page on the policy frozen when it started, whatever the config says later', async () => {
    const { id } = await fw.declare('Frozen policy check', { severity: 'sev3' });
    await command(id, 'page slow');
    await fw.slack.waitFor(() => dmsTo('U0SLOW1', id)[0]);
    const policy = fw.app.services.config.escalationPolicies.find((p) => p.id === 'slow')!;
    const original = policy.levels[1]!.targets;
    policy.levels[1]!.targets = [{ user: 'U0CHANGED' }];
    try {
      await command(id, 'page slow');
      await fw.slack.waitFor(() => dmsTo('U0SLOW2', id)[0]);
      expect(dmsTo('U0CHANGED', id)).toHaveLength(0);
    } finally {
      policy.levels[1]!.targets = original;
    }
  });

  it('explains an unknown policy and a plain @name', async () => {
    const { id } = await fw.declare('Bad page target check', { severity: 'sev3' });
    expect(await command(id, 'page nosuch')).toContain(
      'Unknown escalation policy "nosuch". Policies: primary, looping, oncall, gapped, slow.',
    );
    expect(await command(id, 'page @bob')).toContain('"@bob" is not a mention');
  });

  it('refuses to page for a resolved incident', async () => {
    const { id } = await fw.declare('Page after resolve check', { severity: 'sev3' });
    await command(id, 'resolve done');
    expect(await command(id, 'page <@U0BOB>')).toContain('is resolved; there is nobody to page for it');
  });
});

describe('/incident oncall', () => {
  it('shows who is on call now and the next hand-offs of each schedule', async () => {
    const r = await slashCommand(fw.app.url, fw.slack, 'oncall', { channel: GENERAL });
    const text = ackText(r);
    const now = onCallAt(scheduleDefFromConfig(fw.app.services.config.schedules[0]!), new Date());
    expect(text).toContain('*platform* (Europe/Berlin): now <@' + now + '>');
    expect(text).toContain('*future* (UTC): now _nobody is on call_');
    expect(text).toContain('<!date^');
    expect(ackText(await slashCommand(fw.app.url, fw.slack, 'oncall platform', { channel: GENERAL }))).not.toContain('*future*');
    expect(ackText(await slashCommand(fw.app.url, fw.slack, 'oncall nope', { channel: GENERAL }))).toContain(
      'Unknown schedule "nope". Schedules: platform, future.',
    );
  });
});

describe('lateness of due escalations', () => {
  it('fires every due escalation within a couple of ticks', async () => {
    // The race rounds make their pages due by hand; only escalations that came due on their own count.
    const late = (
      await fw.db
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

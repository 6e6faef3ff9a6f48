import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { followups, homeTabs, outbox, pages, scheduleOverrides } from '../../src/db/schema.js';
import { refreshHomes } from '../../src/outbox/home.js';
import { ME_CALLBACK } from '../../src/slack/blocks/me-modal.js';
import { SEVERITIES_PAGING_PRIMARY } from '../support/app.js';
import { eventShapes, sendEvent } from '../support/events.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';

const fw = useFirewatch({
  config: {
    escalation_tick: '* * * * * *',
    severities: SEVERITIES_PAGING_PRIMARY,
    escalation_policies: [{ id: 'primary', levels: [{ delay: '1h', targets: [{ user: 'U0BOB' }] }] }],
    schedules: [{ id: 'platform', time_zone: 'UTC', rotation: { start: '2026-01-01T00:00', length: '1d', users: ['U0BOB', 'U0CAROL'] } }],
  },
});

const home = (user: string) => fw.slack.home(user);
const homeText = (user: string) => home(user)?.content ?? '';

async function openHome(user: string): Promise<void> {
  const r = await sendEvent(fw.app.url, eventShapes.appHomeOpened({ user }), { from: fw.slack });
  expect(r.status).toBe(200);
}

describe('the App Home', () => {
  it('shows the shift, the open page, the incident and the follow-up, and its buttons act on them', async () => {
    // Bob on call now for the next two hours, whatever the rotation says today.
    await fw.db.insert(scheduleOverrides).values({
      scheduleId: 'platform',
      userId: 'U0BOB',
      startsAt: new Date(Date.now() - 60_000),
      endsAt: new Date(Date.now() + 2 * 3_600_000),
      createdBy: 'U0BOB',
    });
    await openHome('U0BOB');
    await until(() => (homeText('U0BOB').includes('platform') ? true : undefined), 'the Home published on opening');
    expect(homeText('U0BOB')).toMatch(/On call now, until <!date\^\d+\^/);
    expect(homeText('U0BOB')).toMatch(/Next shift: <!date\^\d+\^.*–/);
    expect(homeText('U0BOB')).toContain('No open pages.');
    expect(home('U0BOB')!.buttonLabels()).toEqual(['Request cover', 'Paging settings']);
    expect(JSON.stringify(home('U0BOB')!.blocks)).toContain('"action_id":"home_request_cover"');
    const before = fw.slack.homePublishesTo('U0BOB');

    // Bob declares, so he is in it, and its severity pages him: the Home is published again with both.
    const { id, channel } = await fw.declare('Checkout is down', { severity: 'sev1', user: 'U0BOB' });
    await until(() => (home('U0BOB')?.buttonLabels().includes('Acknowledge') ? true : undefined), 'the page on the Home');
    expect(fw.slack.homePublishesTo('U0BOB')).toBeGreaterThan(before);
    expect(homeText('U0BOB')).toContain(`INC-${id}`);
    expect(homeText('U0BOB')).toContain(`<#${channel}>`);

    await fw.run('followup Rotate the payment keys <@U0BOB>', { incident: id, user: 'U0ALICE' });
    await until(() => (homeText('U0BOB').includes('Rotate the payment keys') ? true : undefined), 'the follow-up on the Home');
    expect(home('U0BOB')!.buttonLabels()).toEqual(['Request cover', 'Paging settings', 'Acknowledge', 'Done']);
    expect(home('U0BOB')!.blocks.length).toBeLessThanOrEqual(100);

    // Acknowledge on the Home takes the page DM's path: the page stops, and the Home no longer lists it.
    expect((await home('U0BOB')!.click('Acknowledge')).status).toBe(200);
    await until(async () => {
      const [page] = await fw.db.select().from(pages).where(eq(pages.incidentId, id));
      return page?.state === 'acknowledged' ? page : undefined;
    }, 'the page acknowledged');
    const [page] = await fw.db.select().from(pages).where(eq(pages.incidentId, id));
    expect(page?.acknowledgedBy).toBe('U0BOB');
    await until(() => (homeText('U0BOB').includes('No open pages.') ? true : undefined), 'the Home without the page');

    expect((await home('U0BOB')!.click('Done')).status).toBe(200);
    await until(async () => {
      const [item] = await fw.db.select().from(followups).where(eq(followups.incidentId, id));
      return item?.doneAt ? item : undefined;
    }, 'the follow-up done');
    await until(() => (homeText('U0BOB').includes('No open follow-ups.') ? true : undefined), 'the Home without the follow-up');
    // A Home click has no message to redraw: no follow-up list was sent to Bob instead.
    expect(fw.dmsTo('U0BOB').filter((m) => m.content.includes('follow-ups on'))).toEqual([]);

    // Resolving the incident takes it off the Home of everyone in it.
    await fw.run('resolve Fixed the load balancer', { incident: id, user: 'U0BOB' });
    await until(() => (homeText('U0BOB').includes('You are in no open incident.') ? true : undefined), 'the resolved incident gone');
  });

  it('opens the /incident me form from Paging settings', async () => {
    await openHome('U0CAROL');
    await until(() => home('U0CAROL'), "Carol's Home");
    expect((await home('U0CAROL')!.click('Paging settings')).status).toBe(200);
    const modal = await until(() => fw.slack.modal('U0CAROL'), 'the paging settings form');
    expect(modal.callbackId).toBe(ME_CALLBACK);
  });

  it('publishes nothing for people who never opened the Home, and once for a burst', async () => {
    const { id } = await fw.declare('Search is slow', { user: 'U0ALICE' });
    await fw.drained();
    expect(fw.slack.homePublishesTo('U0ALICE')).toBe(0);
    expect(await fw.db.select().from(homeTabs).where(eq(homeTabs.userId, 'U0ALICE'))).toEqual([]);

    await openHome('U0ALICE');
    await until(() => home('U0ALICE'), "Alice's Home");
    await fw.drained();
    const before = fw.slack.homePublishesTo('U0ALICE');
    // Five follow-ups in one go: the queued publishes supersede each other, so few go out, the last showing all.
    await fw.db.transaction(async (tx) => {
      for (let i = 1; i <= 5; i++)
        await tx.insert(followups).values({ incidentId: id, text: `Step ${i}`, ownerId: 'U0ALICE', createdBy: 'U0ALICE' });
      // As many publishes as five separate changes would queue.
      for (let i = 0; i < 5; i++) await refreshHomes(tx, ['U0ALICE']);
    });
    fw.app.services.outbox.wake();
    await fw.drained();
    expect(fw.slack.homePublishesTo('U0ALICE') - before).toBe(1);
    expect(homeText('U0ALICE')).toContain('Step 5');
    const superseded = await fw.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, 'home.publish'), eq(outbox.status, 'done')));
    expect(superseded.filter((r) => r.result && 'superseded' in r.result).length).toBeGreaterThanOrEqual(4);
  });
});

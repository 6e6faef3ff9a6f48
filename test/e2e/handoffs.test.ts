import { and, asc, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { incidents, pageNotifications, pages, scheduleHandoffs, scheduleOverrides } from '../../src/db/schema.js';
import { acknowledgePage } from '../../src/paging/acknowledge.js';
import { triggerPage } from '../../src/paging/pages.js';
import { personPolicy } from '../../src/paging/policy.js';
import type { FrozenRules } from '../../src/paging/rules.js';
import { DEFAULT_USERS } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';

const PLATFORM = 'C0PLATFORM';
const SLACK_ONLY: FrozenRules = { defaults: [{ after: 0, via: ['slack'] }], people: {} };
const rotation = (users: string[], length = '1w') => ({ start: '2026-01-05T00:00', length, users });

const fw = useFirewatch({
  config: {
    escalation_tick: '* * * * * *',
    schedules: [
      { id: 'platform', time_zone: 'Europe/Berlin', rotation: rotation(['U0ALICE']), channel: PLATFORM },
      // No channel: no post, but whoever comes on is still told by DM.
      { id: 'backend', time_zone: 'America/New_York', rotation: rotation(['U0CAROL']) },
      { id: 'reports', time_zone: 'Europe/Berlin', rotation: rotation(['U0DAN', 'U0ERIN'], '1d') },
    ],
  },
  emulator: {
    users: [...DEFAULT_USERS, { id: 'U0DAN', name: 'dan', real_name: 'Dan Lo' }, { id: 'U0ERIN', name: 'erin', real_name: 'Erin Yu' }],
  },
  channels: [{ id: PLATFORM, name: 'platform' }],
});

const textOf = (m: { text?: string; blocks?: unknown[] }) => fw.slack.textOf(m);
const posts = () =>
  fw.slack
    .channel(PLATFORM)
    .messages()
    .filter((m) => textOf(m).includes('is on call now'));
const handoffDms = (user: string, schedule: string) =>
  fw.dmsTo(user).filter((m) => textOf(m).includes(`You are on call for *${schedule}*`));

/** Whether Intl (not the code under test) puts an instant at night, 22:00–08:00, in Berlin. */
const nightInBerlin = (at: Date) => {
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', hourCycle: 'h23' }).format(at));
  return hour >= 22 || hour < 8;
};

async function pageOf(incidentId: number): Promise<number> {
  const [page] = await fw.db.select({ id: pages.id }).from(pages).where(eq(pages.incidentId, incidentId)).orderBy(asc(pages.id));
  if (!page) throw new Error(`INC-${incidentId} has no page`);
  return page.id;
}

describe('hand-off posts', () => {
  it('lets hand-offs older than ten minutes go, even for a process that starts now', async () => {
    const now = Date.now();
    await fw.db.insert(scheduleOverrides).values({
      scheduleId: 'platform',
      userId: 'U0CAROL',
      startsAt: new Date(now - 40 * 60_000),
      endsAt: new Date(now - 20 * 60_000),
      createdBy: 'U0ALICE',
    });
    const restarted = await fw.startApp();
    try {
      // Several ticks of both processes go by.
      await new Promise((r) => setTimeout(r, 3_000));
    } finally {
      await restarted.stop();
    }
    expect(
      fw.slack
        .channel(PLATFORM)
        .messages()
        .filter((m) => textOf(m).includes('U0CAROL')),
    ).toEqual([]);
    expect(handoffDms('U0CAROL', 'platform')).toEqual([]);
    expect(await fw.db.select().from(scheduleHandoffs)).toEqual([]);
  });

  it(
    'posts a hand-off once with two processes ticking, with the ended shift’s pages, and DMs whoever comes on',
    { timeout: 60_000 },
    async () => {
      // Alice's shift: a page she acknowledges, one she does not, and pages that must not count.
      const checkout = await fw.declare('Checkout down', { user: 'U0ALICE', severity: 'sev1' });
      await fw.run('page <@U0ALICE>', { incident: checkout.id, user: 'U0BOB' });
      expect((await acknowledgePage(fw.db, { pageId: await pageOf(checkout.id), actor: 'U0ALICE' })).ok).toBe(true);
      const search = await fw.declare('Search slow', { user: 'U0BOB' });
      await fw.run('page <@U0ALICE>', { incident: search.id, user: 'U0BOB' });
      expect(await fw.run('oncall test', { user: 'U0ALICE' })).toContain('Test page sent');
      const drill = await fw.run('drill Practice run', { user: 'U0BOB' });
      const drillId = Number(/INC-(\d+)/.exec(drill)?.[1]);
      await fw.drained(drillId);
      await fw.run('page <@U0ALICE>', { incident: drillId, user: 'U0BOB' });
      await fw.db.transaction(async (tx) => {
        const [secret] = await tx
          .insert(incidents)
          .values({ title: 'Secret breach', severity: 'sev1', status: 'investigating', declaredBy: 'U0BOB', isPrivate: true })
          .returning();
        await triggerPage(tx, {
          incident: secret!,
          policy: personPolicy('U0ALICE'),
          rules: SLACK_ONLY,
          actor: 'U0BOB',
          message: undefined,
        });
      });
      const counted = await fw.db
        .select({ at: pageNotifications.createdAt })
        .from(pageNotifications)
        .innerJoin(pages, eq(pages.id, pageNotifications.pageId))
        .where(and(eq(pageNotifications.userId, 'U0ALICE'), eq(pages.kind, 'incident')))
        .orderBy(asc(pageNotifications.id));
      const nights = counted.slice(0, 2).filter((n) => nightInBerlin(n.at)).length;

      // Bob takes over both schedules in a few seconds, through overrides made in Slack.
      const second = await fw.startApp();
      try {
        const at = new Date(Date.now() + 3_000);
        const ends = new Date(at.getTime() + 2 * 3_600_000);
        await fw.db.insert(scheduleOverrides).values([
          { scheduleId: 'platform', userId: 'U0BOB', startsAt: at, endsAt: ends, createdBy: 'U0ALICE' },
          { scheduleId: 'backend', userId: 'U0BOB', startsAt: at, endsAt: ends, createdBy: 'U0CAROL' },
        ]);
        await until(
          () => (posts().length && handoffDms('U0BOB', 'platform').length && handoffDms('U0BOB', 'backend').length ? true : undefined),
          'the hand-off post and both DMs',
          30_000,
        );
        // Give a duplicate from either process time to show up.
        await new Promise((r) => setTimeout(r, 3_000));

        expect(posts()).toHaveLength(1);
        expect(handoffDms('U0BOB', 'platform')).toHaveLength(1);
        expect(handoffDms('U0BOB', 'backend')).toHaveLength(1);
        const claims = await fw.db.select().from(scheduleHandoffs).orderBy(asc(scheduleHandoffs.scheduleId));
        expect(claims.map((c) => [c.scheduleId, c.at.getTime()])).toEqual([
          ['backend', at.getTime()],
          ['platform', at.getTime()],
        ]);

        const post = textOf(posts()[0]!);
        const unix = (d: Date) => Math.floor(d.getTime() / 1000);
        expect(post).toContain(`<@U0BOB> is on call now, until <!date^${unix(ends)}^{date_short_pretty} at {time}|`);
        expect(post).toContain('*Shift that ended:* <@U0ALICE>');
        expect(post).toContain(`2 pages (${nights} at night) · 1 acknowledgement (median `);
        expect(post).toContain('· 2 incidents');
        expect(post).toContain('*Still open:* 2 incidents, 1 page not acknowledged');
        expect(post).toContain(`*INC-${checkout.id}* Checkout down (SEV1, Investigating)\n`);
        expect(post).toContain(`*INC-${search.id}* Search slow (SEV3, Investigating) · ⚠️ 1 page not acknowledged`);
        expect(post).not.toMatch(/Secret|Practice|DRILL/);

        const dm = textOf(handoffDms('U0BOB', 'platform')[0]!);
        expect(dm).toContain(`Your shift ends <!date^${unix(ends)}^`);
        expect(dm).toContain(`2 pages (${nights} at night) · 1 acknowledgement`);
        // The schedule without a channel posted nowhere.
        const elsewhere = fw.slack.messages.filter((m) => textOf(m).includes('*backend*') && !fw.slack.channels.get(m.channel)?.is_im);
        expect(elsewhere).toEqual([]);
      } finally {
        await second.stop();
      }
    },
  );
});

describe('/incident oncall report', () => {
  it('reports each person’s hours, pages, pages at night and median time to acknowledge, from seeded pages', async () => {
    // Two days ago in Berlin: whoever had that day of the daily rotation gets two pages, one at 23:30.
    const day = DateTime.now().setZone('Europe/Berlin').startOf('day').minus({ days: 2 });
    const onCall =
      Math.round(day.diff(DateTime.fromISO('2026-01-05', { zone: 'Europe/Berlin' }), 'days').days) % 2 === 0 ? 'U0DAN' : 'U0ERIN';
    const other = onCall === 'U0DAN' ? 'U0ERIN' : 'U0DAN';
    const at = (hour: number, minute = 0) => day.set({ hour, minute }).toJSDate();
    const seed = async (p: { at: Date; ackAfterMs?: number; kind?: 'test'; drill?: boolean; isPrivate?: boolean }) => {
      const [incident] =
        p.kind === 'test'
          ? [undefined]
          : await fw.db
              .insert(incidents)
              .values({
                title: 'Seeded',
                severity: 'sev2',
                status: 'resolved',
                declaredBy: other,
                drill: p.drill ?? false,
                isPrivate: p.isPrivate ?? false,
                createdAt: p.at,
              })
              .returning();
      const [page] = await fw.db
        .insert(pages)
        .values({
          kind: p.kind ?? 'incident',
          incidentId: incident?.id ?? null,
          policyId: 'seeded',
          policy: {},
          state: p.ackAfterMs === undefined ? 'resolved' : 'acknowledged',
          acknowledgedBy: p.ackAfterMs === undefined ? null : onCall,
          acknowledgedAt: p.ackAfterMs === undefined ? null : new Date(p.at.getTime() + p.ackAfterMs),
          testTarget: p.kind === 'test' ? onCall : null,
          createdAt: p.at,
        })
        .returning();
      await fw.db.insert(pageNotifications).values({ pageId: page!.id, level: 0, loop: 0, userId: onCall, createdAt: p.at });
    };
    await seed({ at: at(23, 30), ackAfterMs: 3 * 60_000 });
    await seed({ at: at(12), ackAfterMs: 60_000 });
    await seed({ at: at(13), ackAfterMs: 1_000, kind: 'test' });
    await seed({ at: at(14), ackAfterMs: 1_000, drill: true });
    await seed({ at: at(15), ackAfterMs: 1_000, isPrivate: true });

    const answer = await fw.run('oncall report reports 7d');
    expect(answer).toContain('On-call report: last 7d');
    expect(answer).toContain(`<@${onCall}>: *`);
    expect(answer).toMatch(
      new RegExp(
        `<@${onCall}>: \\*[\\d.]+ h\\* on call · [\\d.]+ h at night · [\\d.]+ h weekend · 2 pages \\(1 at night\\) · median ack 2m00s \\(2\\)`,
      ),
    );
    expect(answer).toMatch(new RegExp(`<@${other}>: \\*[\\d.]+ h\\* on call · .* · 0 pages \\(0 at night\\) · no acknowledgements`));
    // The two share the whole week between them.
    const hoursOf = (user: string) => Number(new RegExp(`<@${user}>: \\*([\\d.]+) h\\*`).exec(answer)?.[1]);
    expect(Math.abs(hoursOf(onCall) + hoursOf(other) - 168)).toBeLessThanOrEqual(0.1);
    expect(answer).not.toContain('*platform*');

    // Every schedule, 30 days, by default.
    const all = await fw.run('oncall report');
    expect(all).toContain('On-call report: last 30d');
    expect(all).toMatch(/\*platform\* \(Europe\/Berlin\).*\*backend\* \(America\/New_York\).*\*reports\*/);
  });

  it('refuses a period it does not offer and a schedule it does not know, saying what there is', async () => {
    expect(await fw.run('oncall report reports 14d')).toContain('"14d" is not a period: choose one of 7d, 30d, 90d.');
    expect(await fw.run('oncall report nosuch')).toContain('Unknown schedule "nosuch". Schedules: platform, backend, reports.');
  });
});

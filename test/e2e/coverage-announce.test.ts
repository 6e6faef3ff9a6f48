import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { scheduleDefFromConfig, type ScheduleDef } from '../../src/paging/schedule.js';
import { announceCoverageDiff } from '../../src/paging/coverage-announce.js';
import { coverageDiff } from '../../src/paging/coverage.js';
import { useFirewatch } from '../support/harness.js';
import { until } from '../support/hostile.js';

const ADMIN = 'C0FWADMIN';
const DAY = '1d';
/** 2026-10-20 09:00 in Berlin, as Slack's date token carries it. */
const OVERRIDE_START = DateTime.fromISO('2026-10-20T09:00', { zone: 'Europe/Berlin' }).toSeconds();

const fw = useFirewatch({
  channels: [{ id: ADMIN, name: 'firewatch-admin' }],
  config: {
    admin_channel: ADMIN,
    schedules: [
      { id: 'daily', time_zone: 'Europe/Berlin', rotation: { start: '2026-01-01T09:00', length: DAY, users: ['U0ALICE', 'U0BOB'] } },
      { id: 'island', time_zone: 'Australia/Lord_Howe', rotation: { start: '2026-01-01T09:00', length: DAY, users: ['U0CAROL'] } },
    ],
  },
});

const schedules = (): ScheduleDef[] => fw.config.schedules.map(scheduleDefFromConfig);
const dms = (user: string) =>
  fw.slack
    .dm(user)
    .messages()
    .map((m) => fw.slack.textOf(m));
const adminPosts = () =>
  fw.slack
    .channel(ADMIN)
    .messages()
    .map((m) => fw.slack.textOf(m));

/** What an override's transaction (and a reload) does with the diff of the schedules before and after it. */
const announce = (before: ScheduleDef[], after: ScheduleDef[], now = new Date()) =>
  fw.db.transaction((tx) => announceCoverageDiff(tx, fw.config, coverageDiff(before, after, now), 'U0BOB'));

describe('announceCoverageDiff (what an override and a config reload do with a schedule change)', () => {
  it('DMs the person who gained and the one who lost, and posts double cover and DST-length shifts', { timeout: 30_000 }, async () => {
    const before = schedules();
    const [daily, island] = before as [ScheduleDef, ScheduleDef];
    // Carol takes a day of the Berlin rotation while she also holds the island's: double cover.
    const after = [{ ...daily, overrides: [{ user: 'U0CAROL', start: '2026-10-20T09:00', end: '2026-10-21T09:00' }] }, island];
    const now = new Date('2026-10-01T00:00:00Z');

    expect(await announce(before, after, now)).toBe(true);
    fw.app.services.outbox.wake();

    const carol = await until(() => dms('U0CAROL').find((t) => t.includes('Your on-call shifts changed')), 'Carol’s DM', 20_000);
    expect(carol).toContain('<@U0BOB> made an override');
    expect(carol).toContain(`now on call <!date^${OVERRIDE_START}^`);
    // 2026-10-20 is day 292 from 2026-01-01: Alice's (even days).
    const alice = await until(() => dms('U0ALICE').find((t) => t.includes('Your on-call shifts changed')), 'Alice’s DM', 20_000);
    expect(alice).toContain(`no longer on call <!date^${OVERRIDE_START}^`);
    expect(dms('U0BOB').filter((t) => t.includes('Your on-call shifts changed'))).toEqual([]);

    const post = await until(() => adminPosts().find((t) => t.includes('On-call coverage after')), 'the admin post', 20_000);
    expect(post).toContain('*Double cover*');
    expect(post).toMatch(/<@U0CAROL> in \*daily\* and \*island\*/);
    // The Berlin rotation's 25 h day when clocks go back on 2026-10-25; nothing about the island, which did not change.
    expect(post).toContain('is 25 h (the rotation is 24 h)');
    expect(post).not.toContain('*island*: ');
    expect(post).not.toContain('*Gaps*');
  });

  it('tells nobody when the change moves no shift', async () => {
    expect(await announce(schedules(), schedules())).toBe(false);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttemptState } from '../../src/db/schema.js';
import { buildDrillReport, drillReportLines, tookText, type DrillResult } from '../../src/paging/drill-report.js';
import { onCallPeople } from '../../src/paging/drills.js';
import { mayTestPage, testPageDeadlineMs } from '../../src/paging/test-pages.js';
import { mrkdwn } from '../../src/slack/outcome.js';

const start = new Date('2026-12-01T10:00:00Z');
const after = (s: number) => new Date(start.getTime() + s * 1000);

const result = (r: Partial<DrillResult> & Pick<DrillResult, 'userId'>): DrillResult => ({
  startedAt: start,
  state: 'expired',
  acknowledgedAt: null,
  slackError: null,
  attempts: [],
  ...r,
});

const TEN_MINUTES = 10 * 60_000;
const lines = (results: DrillResult[]) => drillReportLines(buildDrillReport(results), TEN_MINUTES).map(mrkdwn);

describe('a paging drill report', () => {
  it('names who has no method besides Slack, whose method failed and why, who did not acknowledge, and who did how fast', () => {
    const report = lines([
      result({ userId: 'U0CAROL' }),
      result({
        userId: 'U0BOB',
        attempts: [
          { method: 'email', state: 'sent', error: null },
          { method: 'push', state: 'failed', error: 'ntfy 40301 forbidden' },
        ],
      }),
      result({
        userId: 'U0ALICE',
        state: 'acknowledged',
        acknowledgedAt: after(123),
        attempts: [
          { method: 'email', state: 'acknowledged', error: null },
          { method: 'sms', state: 'cancelled', error: null },
        ],
      }),
      result({
        userId: 'U0DAN',
        state: 'acknowledged',
        acknowledgedAt: after(4),
        attempts: [{ method: 'push', state: 'sent', error: null }],
      }),
    ]);
    expect(report).toEqual([
      '🧪 Paging drill: 4 on-call people test-paged.',
      '📵 No method besides Slack: <@U0CAROL>',
      '❌ <@U0BOB>: push failed: ntfy 40301 forbidden',
      '⏰ Did not acknowledge within 10m00s of their last method: <@U0CAROL>, <@U0BOB>',
      '✅ <@U0DAN> acknowledged in 4s (Slack)',
      '✅ <@U0ALICE> acknowledged in 2m03s (e-mail)',
    ]);
  });

  it('counts methods that could not be used at all (no address, no provider) as no method besides Slack', () => {
    const report = buildDrillReport([
      result({ userId: 'U0ALICE', attempts: [{ method: 'sms', state: 'skipped', error: 'SMS is not configured (no TWILIO_*)' }] }),
    ]);
    expect(report.onlySlack).toEqual(['U0ALICE']);
    expect(report.failed).toEqual([]);
  });

  it('reports a method skipped beside one that worked as failed, and a Slack DM that was refused', () => {
    const report = buildDrillReport([
      result({
        userId: 'U0ALICE',
        slackError: 'messages_tab_disabled',
        attempts: [
          { method: 'email', state: 'delivered', error: null },
          { method: 'sms', state: 'skipped', error: 'no address for SMS' },
        ],
      }),
    ]);
    expect(report.onlySlack).toEqual([]);
    expect(report.failed).toEqual([
      { userId: 'U0ALICE', method: 'slack', error: 'messages_tab_disabled' },
      { userId: 'U0ALICE', method: 'sms', error: 'no address for SMS' },
    ]);
  });

  it('says so when nobody was on call', () => {
    expect(lines([])).toEqual(['🧪 Paging drill: nobody is on call in any schedule, so nobody was test-paged.']);
  });

  it('puts everyone tested in exactly one of acknowledged and not acknowledged, fastest first', () => {
    const states: AttemptState[] = [
      'pending',
      'queued',
      'sent',
      'delivered',
      'failed',
      'no_answer',
      'acknowledged',
      'cancelled',
      'skipped',
    ];
    const arbitraryResult = fc.record({
      acked: fc.option(fc.integer({ min: 0, max: 3_600 })),
      attempts: fc.array(
        fc.record({
          method: fc.constantFrom('email', 'sms', 'voice', 'push') as fc.Arbitrary<'email' | 'sms' | 'voice' | 'push'>,
          state: fc.constantFrom(...states),
          error: fc.option(fc.string()),
        }),
        { maxLength: 5 },
      ),
    });
    fc.assert(
      fc.property(fc.array(arbitraryResult, { maxLength: 12 }), (drawn) => {
        const results = drawn.map((d, i) =>
          result({
            userId: `U${i}`,
            state: d.acked === null ? 'expired' : 'acknowledged',
            acknowledgedAt: d.acked === null ? null : after(d.acked),
            attempts: d.attempts,
          }),
        );
        const report = buildDrillReport(results);
        const acked = report.acknowledged.map((a) => a.userId);
        expect([...acked, ...report.notAcknowledged].sort()).toEqual(results.map((r) => r.userId).sort());
        expect(new Set(acked).size).toBe(acked.length);
        const times = report.acknowledged.map((a) => a.afterMs);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        for (const userId of report.onlySlack) expect(report.failed.some((f) => f.userId === userId && f.method !== 'slack')).toBe(false);
        expect(report.tested).toBe(results.length);
      }),
    );
  });

  it('writes durations as the receipts do', () => {
    expect([tookText(0), tookText(59_400), tookText(60_000), tookText(600_000)]).toEqual(['0s', '59s', '1m00s', '10m00s']);
  });
});

describe('a test page', () => {
  it('waits for its last method, then the time allowed to acknowledge', () => {
    expect(testPageDeadlineMs([], TEN_MINUTES)).toBe(TEN_MINUTES);
    const planned = [
      { method: 'email' as const, step: 0, afterMs: 0 },
      { method: 'sms' as const, step: 1, afterMs: 120_000 },
    ];
    expect(testPageDeadlineMs(planned, TEN_MINUTES)).toBe(TEN_MINUTES + 120_000);
  });
});

describe('who a paging drill tests', () => {
  const rotation = (users: string[]) => ({ start: '2026-01-05T09:00', lengthMs: 604_800_000, users });
  const schedule = (id: string, users: string[]) => ({ id, timeZone: 'UTC', rotation: rotation(users), overrides: [] });

  it('takes whoever is on call now in every schedule, each person once', () => {
    const schedules = [schedule('platform', ['U0ALICE']), schedule('db', ['U0BOB']), schedule('web', ['U0ALICE'])];
    expect(onCallPeople(schedules, start)).toEqual(['U0ALICE', 'U0BOB']);
  });

  it('leaves out a schedule with nobody on call yet', () => {
    const later = { ...schedule('later', ['U0CAROL']), rotation: { ...rotation(['U0CAROL']), start: '2027-06-01T09:00' } };
    expect(onCallPeople([later], start)).toEqual([]);
  });
});

describe('mayTestPage', () => {
  it('lets anyone test themselves, and only admins test others once admins are configured', () => {
    expect(mayTestPage({ admins: [] }, 'U0BOB', 'U0CAROL')).toBe(true);
    expect(mayTestPage({ admins: ['U0ALICE'] }, 'U0BOB', 'U0BOB')).toBe(true);
    expect(mayTestPage({ admins: ['U0ALICE'] }, 'U0BOB', 'U0CAROL')).toBe(false);
    expect(mayTestPage({ admins: ['U0ALICE'] }, 'U0ALICE', 'U0CAROL')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import type { OncallReport } from '../../src/paging/oncall-report.js';
import type { PersonStats } from '../../src/paging/shift-stats.js';
import { handoffDm, handoffPost } from '../../src/slack/blocks/handoffs.js';
import { BLOCK_LIMIT, oncallReportMessage, SECTION_LIMIT } from '../../src/slack/blocks/oncall-report.js';
import { parseCommand } from '../../src/slack/commands/registry.js';
import type { HandoffFacts } from '../../src/paging/handoff-run.js';
import { Args } from '../support/slack-emulator/args.js';
import { messageBlocks } from '../support/slack-emulator/block-kit.js';

const GRAMMAR = { severities: ['sev1', 'sev2'], roles: [], types: [] };
const HOUR = 3_600_000;

const sectionTexts = (blocks: unknown[]) =>
  blocks.flatMap((b) => {
    const block = b as { type: string; text?: { text: string } };
    return block.type === 'section' && block.text ? [block.text.text] : [];
  });

/** What chat.postMessage would answer about these blocks: undefined when Slack takes them. */
function slackRefusal(blocks: unknown[]): unknown {
  try {
    messageBlocks(new Args({ blocks }));
    return undefined;
  } catch (err) {
    return err;
  }
}

const person = (i: number): PersonStats => ({
  userId: `U0PERSON${i}`,
  onCallMs: 40.25 * HOUR,
  nightMs: 12.5 * HOUR,
  weekendMs: 8 * HOUR,
  pages: 3,
  nightPages: 1,
  acknowledged: 2,
  medianAckMs: 125_000,
  incidents: 1,
});

const report = (schedules: number, people: number): OncallReport => ({
  from: new Date('2026-05-01T00:00:00Z'),
  to: new Date('2026-05-31T00:00:00Z'),
  schedules: Array.from({ length: schedules }, (_, s) => ({
    scheduleId: `schedule-${s}`,
    timeZone: 'Australia/Lord_Howe',
    people: Array.from({ length: people }, (_, i) => person(i)),
  })),
});

describe('oncall report: the grammar', () => {
  it('reads an optional schedule and period in either order, 30 days by default', () => {
    expect(parseCommand('oncall report', GRAMMAR)).toEqual({ kind: 'oncall_report', schedule: undefined, period: '30d' });
    expect(parseCommand('oncall report Platform', GRAMMAR)).toEqual({ kind: 'oncall_report', schedule: 'platform', period: '30d' });
    expect(parseCommand('oncall report platform 7d', GRAMMAR)).toEqual({ kind: 'oncall_report', schedule: 'platform', period: '7d' });
    expect(parseCommand('oncall report 90D platform', GRAMMAR)).toEqual({ kind: 'oncall_report', schedule: 'platform', period: '90d' });
  });

  it('refuses a period it does not offer, listing the ones it does', () => {
    expect(parseCommand('oncall report platform 14d', GRAMMAR)).toEqual({
      kind: 'invalid',
      message: expect.stringContaining('"14d" is not a period: choose one of 7d, 30d, 90d.'),
    });
    expect(parseCommand('oncall report 7d 30d', GRAMMAR)).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('7d, 30d, 90d'),
    });
  });

  it('refuses a second schedule, and shows a hostile word as text', () => {
    expect(parseCommand('oncall report platform backend', GRAMMAR)).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('one schedule and one period at most'),
    });
    expect(parseCommand('oncall report 1<!channel>', GRAMMAR)).toMatchObject({ message: expect.stringContaining('"1&lt;!channel&gt;"') });
  });
});

describe('oncall report: the message', () => {
  it('shows each person’s hours, nights, weekends, pages and median time to acknowledge', () => {
    const { blocks } = oncallReportMessage(report(1, 1), '30d');
    expect(slackRefusal(blocks)).toBeUndefined();
    const [text] = sectionTexts(blocks);
    expect(text).toBe(
      '*schedule-0* (Australia/Lord_Howe)\n' +
        '• <@U0PERSON0>: *40.3 h* on call · 12.5 h at night · 8.0 h weekend · 3 pages (1 at night) · median ack 2m05s (2)',
    );
  });

  it('says so when nobody was on call and when no schedule is configured', () => {
    expect(sectionTexts(oncallReportMessage(report(1, 0), '7d').blocks)[0]).toContain('_nobody was on call_');
    expect(sectionTexts(oncallReportMessage({ ...report(0, 0) }, '7d').blocks)[0]).toContain('No on-call schedules are configured');
  });

  it('splits a long schedule into sections of at most 3,000 characters, no line cut in two', () => {
    const { blocks } = oncallReportMessage(report(1, 120), '90d');
    expect(slackRefusal(blocks)).toBeUndefined();
    const texts = sectionTexts(blocks);
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(SECTION_LIMIT);
    expect(
      texts
        .join('\n')
        .split('\n')
        .filter((l) => l.startsWith('• ')),
    ).toHaveLength(120);
  });

  it('stays within 50 blocks however many schedules, with a note saying what was left out and how to see it', () => {
    const { blocks } = oncallReportMessage(report(80, 3), '30d');
    expect(blocks.length).toBe(BLOCK_LIMIT);
    expect(slackRefusal(blocks)).toBeUndefined();
    const note = JSON.stringify(blocks.at(-1));
    expect(note).toContain('Too long for one message: 33 more sections left out, from *schedule-47* on');
    expect(note).toContain('/incident oncall report schedule-47 30d');
  });
});

describe('hand-off messages', () => {
  const facts: HandoffFacts = {
    scheduleId: 'platform',
    timeZone: 'Europe/Berlin',
    at: new Date('2026-06-01T07:00:00Z'),
    incoming: 'U0BOB',
    until: new Date('2026-06-08T07:00:00Z'),
    ended: {
      user: 'U0ALICE',
      start: new Date('2026-05-25T07:00:00Z'),
      pages: 2,
      nightPages: 1,
      acknowledged: 1,
      medianAckMs: 90_000,
      incidents: 1,
    },
    open: {
      incidents: [{ id: 7, title: 'Checkout <!here> down', severity: 'sev1', status: 'investigating' }],
      unacknowledged: [{ pageId: 3, incidentId: 7 }],
    },
  };

  it('posts who is on now until when in each reader’s zone, the shift that ended and what is open', () => {
    const { blocks } = handoffPost(facts);
    expect(slackRefusal(blocks)).toBeUndefined();
    expect(sectionTexts(blocks)).toEqual([
      '🔄 *platform*: <@U0BOB> is on call now, until <!date^1780902000^{date_short_pretty} at {time}|2026-06-08 07:00 UTC>.',
      '*Shift that ended:* <@U0ALICE>, <!date^1779692400^{date_short_pretty} at {time}|2026-05-25 07:00 UTC> – <!date^1780297200^{date_short_pretty} at {time}|2026-06-01 07:00 UTC>\n' +
        '2 pages (1 at night) · 1 acknowledgement (median 1m30s) · 1 incident',
      '*Still open:* 1 incident, 1 page not acknowledged\n• *INC-7* Checkout &lt;!here&gt; down (SEV1, Investigating) · ⚠️ 1 page not acknowledged',
    ]);
  });

  it('says when nobody is on call, and tells the person coming on when their shift ends', () => {
    expect(sectionTexts(handoffPost({ ...facts, incoming: null, until: null }).blocks)[0]).toBe(
      '⚠️ *platform*: nobody is on call now, with no hand-off ahead.',
    );
    expect(sectionTexts(handoffDm(facts).blocks)[0]).toBe(
      '📟 You are on call for *platform* from <!date^1780297200^{date_short_pretty} at {time}|2026-06-01 07:00 UTC>. ' +
        'Your shift ends <!date^1780902000^{date_short_pretty} at {time}|2026-06-08 07:00 UTC>.',
    );
  });
});

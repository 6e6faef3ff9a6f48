import { describe, expect, it } from 'vitest';
import { sampleAttempt } from '../support/timeline-samples.js';
import type { NotificationAttempt, Page, PageNotification } from '../../src/db/schema.js';
import { testPageDm, testPageDmEnded, testPageReport } from '../../src/slack/blocks/test-pages.js';

const reached = new Date('2026-12-01T03:00:00Z');
const at = (s: number) => new Date(reached.getTime() + s * 1000);

const page = (p: Partial<Page> = {}): Page => ({
  id: 7,
  kind: 'test',
  incidentId: null,
  policyId: 'test',
  policy: { id: 'test', repeat: 0, levels: [{ delayMs: 720_000, targets: [{ user: 'U0BOB' }] }] },
  rules: null,
  state: 'triggered',
  level: 0,
  loop: 0,
  step: 0,
  nextEscalationAt: at(720),
  triggeredBy: 'U0ALICE',
  message: null,
  acknowledgedBy: null,
  acknowledgedAt: null,
  endedAt: null,
  createdAt: reached,
  testTarget: 'U0BOB',
  reportChannel: null,
  reportTs: null,
  drillDueAt: null,
  ...p,
});
const notification: PageNotification = {
  id: 3,
  pageId: 7,
  level: 0,
  loop: 0,
  userId: 'U0BOB',
  dmChannel: 'D0BOB',
  dmTs: '1.2',
  dmError: null,
  lineTs: null,
  createdAt: reached,
};
const attempt = (a: Partial<NotificationAttempt> & Pick<NotificationAttempt, 'method' | 'state'>): NotificationAttempt =>
  sampleAttempt(reached, { notificationId: 3, pageId: 7, incidentId: null, userId: 'U0BOB', ...a });

describe('a test page report', () => {
  it('shows each receipt while it waits, and for how long it will', () => {
    const report = testPageReport({
      page: page(),
      notification,
      attempts: [attempt({ method: 'email', state: 'sent', sentAt: at(1) }), attempt({ method: 'sms', state: 'pending', dueAt: at(120) })],
    });
    expect(report.text).toBe(
      '🧪 *TEST PAGE — nothing is wrong.* Test page of <@U0BOB>: Slack · e-mail 1s · SMS at 2m00s\n⏳ Waiting for an acknowledgement (up to 12m00s).',
    );
  });

  it('ends with the time to acknowledge and the method that did', () => {
    const report = testPageReport({
      page: page({ state: 'acknowledged', acknowledgedBy: 'U0BOB', acknowledgedAt: at(125) }),
      notification,
      attempts: [
        attempt({ method: 'email', state: 'sent', sentAt: at(1) }),
        attempt({ method: 'sms', state: 'acknowledged', updatedAt: at(125) }),
      ],
    });
    expect(report.text).toBe(
      '🧪 *TEST PAGE — nothing is wrong.* Test page of <@U0BOB>: Slack · e-mail 1s · acked by SMS 2m05s\n✅ Acknowledged in 2m05s.',
    );
  });

  it('says when nobody acknowledged within the test page’s time, and calls the requester “you” when they tested themselves', () => {
    const own = { ...notification, userId: 'U0ALICE' };
    const report = testPageReport({ page: page({ state: 'expired', triggeredBy: 'U0ALICE' }), notification: own, attempts: [] });
    expect(report.text).toBe('🧪 *TEST PAGE — nothing is wrong.* Test page of you: Slack\n⚠️ Not acknowledged within 12m00s.');
  });

  it('gives the tested person a DM that says it is a test, with only an Acknowledge button, which it loses once over', () => {
    const dm = testPageDm(page(), 'U0BOB');
    expect(dm.text).toMatch(/^🧪 \*TEST PAGE — nothing is wrong\.\* <@U0ALICE> asked Firewatch to check/);
    const buttons = dm.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(buttons.map((b) => ('action_id' in b ? b.action_id : undefined))).toEqual(['page_acknowledge']);
    const ended = testPageDmEnded({ page: page({ state: 'expired' }), notification, attempts: [] });
    expect(ended.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(ended.text).toBe('🧪 *TEST PAGE — nothing is wrong.* ⚠️ Not acknowledged within 12m00s.');
  });
});

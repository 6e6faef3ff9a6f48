import { describe, expect, it } from 'vitest';
import { sampleAttempt } from '../support/timeline-samples.js';
import type { NotificationAttempt } from '../../src/db/schema.js';
import type { MetricEvent } from '../../src/postmortems/metrics.js';
import { describeEvent } from '../../src/postmortems/timeline-wording.js';
import { elapsed, receiptText } from '../../src/slack/blocks/receipts.js';

const reached = new Date('2026-12-01T03:00:00Z');
const at = (s: number) => new Date(reached.getTime() + s * 1000);
const attempt = (a: Partial<NotificationAttempt> & Pick<NotificationAttempt, 'method' | 'state'>): NotificationAttempt =>
  sampleAttempt(reached, { ...a });

describe('a page receipt', () => {
  it('says how far each attempt came and when, from when the page reached the person', () => {
    const text = receiptText({ createdAt: reached, dmTs: '1.2', dmError: null }, [
      attempt({ method: 'push', state: 'sent', sentAt: at(1) }),
      attempt({ method: 'sms', state: 'delivered', sentAt: at(120), deliveredAt: at(123) }),
      attempt({ method: 'voice', state: 'acknowledged', updatedAt: at(160) }),
      attempt({ method: 'email', state: 'pending', dueAt: at(300) }),
    ]);
    expect(text).toBe('Slack · push 1s · SMS delivered 2m03s · acked by call 2m40s · e-mail at 5m00s');
  });

  it('names what did not reach the person, and what was not needed', () => {
    const text = receiptText({ createdAt: reached, dmTs: null, dmError: 'messages_tab_disabled' }, [
      attempt({ method: 'email', state: 'failed' }),
      attempt({ method: 'voice', state: 'no_answer' }),
      attempt({ method: 'sms', state: 'cancelled' }),
      attempt({ method: 'push', state: 'skipped' }),
    ]);
    expect(text).toBe('Slack failed · e-mail failed · call no answer · SMS not needed · push skipped');
  });

  it('counts seconds up to a minute, then minutes and two-digit seconds', () => {
    expect([0, 59_400, 60_000, 123_000, 3_600_000].map(elapsed)).toEqual(['0s', '59s', '1m00s', '2m03s', '60m00s']);
  });
});

describe('how an acknowledgement came', () => {
  const data = { pageId: 7, policy: 'primary', user: 'U0BOB', level: 0, loop: 0 };
  const row = (via?: string): MetricEvent => ({
    id: 1,
    kind: 'page_acknowledged',
    actor: 'U0BOB',
    occurredAt: new Date('2026-12-01T03:02:40Z'),
    data: via ? { ...data, via } : data,
  });

  it('is said in the postmortem’s timeline, and left out when it is not known', () => {
    expect(describeEvent(row('sms'), new Set()).text).toBe('✅ <@U0BOB> acknowledged the page (level 1 of policy primary) by SMS');
    expect(describeEvent(row('email'), new Set()).text).toContain('acknowledged the page (level 1 of policy primary) by e-mail');
    expect(describeEvent(row(), new Set()).text).toBe('✅ <@U0BOB> acknowledged the page (level 1 of policy primary)');
  });
});

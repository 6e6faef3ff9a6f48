import { describe, expect, it } from 'vitest';
import { alertDecisionsMessage } from '../../src/slack/blocks/alert-decisions.js';
import type { AlertDecision } from '../../src/workflow/alert-decisions.js';

const decision = (n: number, reason = `no route · group g · joined INC-1`): AlertDecision => ({
  integrationId: 'prom',
  fingerprint: `fp${n}`,
  title: `Alert ${n}`,
  labels: {},
  outcome: 'joined',
  reason,
  receivedAt: new Date(0),
  status: 'firing',
  lastReceivedAt: new Date(0),
});

describe('alertDecisionsMessage', () => {
  it('keeps within 50 blocks and says how many more there are', () => {
    const { blocks } = alertDecisionsMessage(
      'INC-1',
      Array.from({ length: 120 }, (_, i) => decision(i)),
    );
    expect(blocks).toHaveLength(50);
    expect(JSON.stringify(blocks.at(-1))).toContain('…and 72 more alerts not shown.');
  });
  it('cuts a section to 3000 characters', () => {
    const { blocks } = alertDecisionsMessage('INC-1', [decision(1, 'x'.repeat(5000))]);
    const section = blocks[1] as { text: { text: string } };
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
  });
  it('says when the incident has no alerts', () => {
    expect(alertDecisionsMessage('INC-1', []).text).toContain('INC-1 has no alerts');
  });
});

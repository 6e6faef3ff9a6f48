import { describe, expect, it } from 'vitest';
import { alertDecisionsMessage, alertsOutsideMessage, OUTSIDE_SHOWN } from '../../src/slack/blocks/alert-decisions.js';
import type { AlertDecision } from '../../src/workflow/alert-decisions.js';
import type { OutsideAlert, OutsideAlerts } from '../../src/workflow/alerts-outside.js';

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
  events: 1,
});

const outside = (n: number, more: Partial<OutsideAlert> = {}): OutsideAlert => ({
  integrationId: 'prom',
  fingerprint: `fp${n}`,
  title: `Alert ${n}`,
  outcome: 'silenced',
  reason: 'no route · group g · silenced by #3',
  silence: '#3',
  receivedAt: new Date(0),
  status: 'firing',
  events: 1,
  ...more,
});

const found = (alerts: OutsideAlert[], total = alerts.length): OutsideAlerts => ({
  alerts,
  total,
  silences: new Map([['#3', { comment: 'db upgrade', createdBy: 'U0ALICE', endsAt: new Date(3_600_000) }]]),
});

const sections = (blocks: unknown[]) =>
  blocks.filter((b): b is { type: 'section'; text: { text: string } } => (b as { type: string }).type === 'section');

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
  it('counts the events of an alert the line stands for', () => {
    const { blocks } = alertDecisionsMessage('INC-1', [decision(1), { ...decision(2), events: 3 }]);
    expect(sections(blocks)[1]!.text.text).not.toContain('events');
    expect(sections(blocks)[2]!.text.text).toContain('· 3 events');
  });
});

describe('alertsOutsideMessage', () => {
  it('keeps within 50 blocks of at most 3000 characters, and says how many more there are', () => {
    const long = 'y'.repeat(5000);
    const alerts = Array.from({ length: OUTSIDE_SHOWN }, (_, i) => outside(i, { title: long, reason: long }));
    const { blocks, text } = alertsOutsideMessage(found(alerts, 130), '24 h');
    expect(blocks).toHaveLength(50);
    expect(text).toContain('130 alerts of the last 24 h opened or joined no incident');
    for (const s of sections(blocks)) expect(s.text.text.length).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(blocks.at(-1))).toContain('…and 82 more alerts not shown.');
  });
  it('fits exactly 49 alerts as 48 and one more, and 48 with no "more" line', () => {
    const alerts = Array.from({ length: OUTSIDE_SHOWN }, (_, i) => outside(i));
    expect(alertsOutsideMessage(found(alerts, 49), '24 h').blocks).toHaveLength(50);
    const all = alertsOutsideMessage(found(alerts), '24 h').blocks;
    expect(all).toHaveLength(49);
    expect(JSON.stringify(all)).not.toContain('more alert');
  });
  it('says why each was kept out: the silence with who made it and why, the drop route, open_after', () => {
    const { blocks } = alertsOutsideMessage(
      found([
        outside(1, { events: 4 }),
        outside(2, { outcome: 'dropped', silence: null, reason: 'route 1 {alertname="Watchdog"} → dropped · dropped' }),
        outside(3, { outcome: 'waiting', silence: null, reason: 'no route · group g · waiting (3 alerts in 5m open an incident)' }),
      ]),
      '24 h',
    );
    const [, silenced, dropped, waiting] = sections(blocks).map((s) => s.text.text);
    expect(silenced).toContain('🔕 silenced · *Alert 1* from *prom*');
    expect(silenced).toContain('· 4 times');
    expect(silenced).toContain('#3 by <@U0ALICE> until <!date^3600^');
    expect(silenced).toContain('“db upgrade”');
    expect(dropped).toContain('route 1 {alertname="Watchdog"} → dropped');
    expect(waiting).toContain('waiting (3 alerts in 5m open an incident)');
  });
  it('says when nothing was kept out', () => {
    expect(alertsOutsideMessage(found([]), '24 h').text).toContain('No alert of the last 24 h was silenced, dropped or left waiting');
  });
});

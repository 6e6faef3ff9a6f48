import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDurationMs, incidentMetrics, type MetricEvent } from '../../src/postmortems/metrics.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const CREATED = new Date(Date.UTC(2026, 10, 29, 22, 0, 0));

/** Events `offset` ms after creation, ids in the order given. */
function timeline(...steps: Array<[offset: number, kind: string, actor: string | null, data?: Record<string, unknown>]>): MetricEvent[] {
  return steps.map(([offset, kind, actor, data], i) => ({
    id: i + 1,
    kind,
    actor,
    occurredAt: new Date(CREATED.getTime() + offset),
    data: data ?? {},
  }));
}

const move = (offset: number, from: string, to: string, actor = 'U0ALICE'): [number, string, string, Record<string, unknown>] => [
  offset,
  'status_changed',
  actor,
  { from, to },
];

describe('incidentMetrics', () => {
  const declared: [number, string, string, Record<string, unknown>] = [
    0,
    'declared',
    'U0ALICE',
    { lead: 'U0ALICE', status: 'investigating' },
  ];

  it('measures acknowledgement, mitigation and resolution from the creation', () => {
    const events = timeline(
      declared,
      [0, 'page_triggered', 'U0ALICE', { pageId: 1, policy: 'primary' }],
      [0, 'page_notified', 'U0ALICE', { pageId: 1, user: 'U0BOB', level: 0, loop: 0 }],
      [5 * MINUTE, 'page_escalated', null, { pageId: 1, level: 1, loop: 0, manual: false }],
      [5 * MINUTE, 'page_notified', 'U0ALICE', { pageId: 1, user: 'U0CAROL', level: 1, loop: 0 }],
      [7 * MINUTE, 'page_acknowledged', 'U0CAROL', { pageId: 1, user: 'U0CAROL', level: 1, loop: 0 }],
      move(40 * MINUTE, 'investigating', 'monitoring'),
      move(2 * HOUR, 'monitoring', 'resolved'),
    );
    expect(incidentMetrics({ createdAt: CREATED, status: 'resolved' }, events)).toEqual({
      timeToAcknowledgeMs: 7 * MINUTE,
      timeToMitigateMs: 40 * MINUTE,
      timeToResolveMs: 2 * HOUR,
      totalDurationMs: 2 * HOUR,
      pages: 1,
      escalations: 1,
      pageAcknowledgements: [{ policy: 'primary', user: 'U0CAROL', afterMs: 7 * MINUTE, via: null }],
      people: ['U0ALICE', 'U0BOB', 'U0CAROL'],
    });
  });

  it('says of each acknowledged page how long it took from its start and which method woke whoever acknowledged it', () => {
    const events = timeline(
      declared,
      [MINUTE, 'page_triggered', 'U0ALICE', { pageId: 7, policy: 'primary' }],
      [2 * MINUTE, 'page_triggered', 'U0ALICE', { pageId: 8, policy: 'user:U0DAN' }],
      [MINUTE + 160 * SECOND, 'page_acknowledged', 'U0BOB', { pageId: 7, user: 'U0BOB', level: 0, loop: 0, via: 'sms' }],
      [4 * MINUTE, 'page_acknowledged', 'U0DAN', { pageId: 8, user: 'U0DAN', level: 0, loop: 0 }],
      [5 * MINUTE, 'page_acknowledged', 'U0EVE', { pageId: 99, user: 'U0EVE', level: 0, loop: 0, via: 'push' }],
    );
    expect(incidentMetrics({ createdAt: CREATED, status: 'investigating' }, events).pageAcknowledgements).toEqual([
      { policy: 'primary', user: 'U0BOB', afterMs: 160 * SECOND, via: 'sms' },
      { policy: 'user:U0DAN', user: 'U0DAN', afterMs: 2 * MINUTE, via: null },
    ]);
  });

  it('counts a status update as the acknowledgement when nobody was paged', () => {
    const events = timeline(declared, [
      3 * MINUTE,
      'status_update',
      'U0ALICE',
      { message: 'Looking', status: 'investigating', severity: 'sev2' },
    ]);
    expect(incidentMetrics({ createdAt: CREATED, status: 'investigating' }, events).timeToAcknowledgeMs).toBe(3 * MINUTE);
  });

  describe('on a reopened incident', () => {
    const events = timeline(declared, move(HOUR, 'investigating', 'monitoring'), move(2 * HOUR, 'monitoring', 'resolved'), [
      10 * HOUR,
      'status_changed',
      'U0BOB',
      { from: 'resolved', to: 'investigating', reopen: true, message: 'back' },
    ]);
    const resolvedAgain = [...events, ...timeline(move(DAY, 'investigating', 'resolved')).map((e) => ({ ...e, id: 99 }))];

    it('keeps the time to resolve at the first resolve, and has no total duration while reopened', () => {
      const metrics = incidentMetrics({ createdAt: CREATED, status: 'investigating' }, events);
      expect(metrics.timeToResolveMs).toBe(2 * HOUR);
      expect(metrics.timeToMitigateMs).toBe(HOUR);
      expect(metrics.totalDurationMs).toBeNull();
    });

    it('takes the total duration from the last resolve once resolved again', () => {
      const metrics = incidentMetrics({ createdAt: CREATED, status: 'resolved' }, resolvedAgain);
      expect(metrics.timeToResolveMs).toBe(2 * HOUR);
      expect(metrics.totalDurationMs).toBe(DAY);
    });

    it('keeps the total duration of a closed incident from its last resolve', () => {
      const closed = [...resolvedAgain, ...timeline(move(2 * DAY, 'resolved', 'closed')).map((e) => ({ ...e, id: 100 }))];
      expect(incidentMetrics({ createdAt: CREATED, status: 'closed' }, closed).totalDurationMs).toBe(DAY);
    });
  });

  it('counts a resolve before any move to monitoring as the mitigation', () => {
    const events = timeline(
      declared,
      move(HOUR, 'investigating', 'resolved'),
      [2 * HOUR, 'status_changed', 'U0ALICE', { from: 'resolved', to: 'investigating', reopen: true }],
      move(3 * HOUR, 'investigating', 'monitoring'),
      move(4 * HOUR, 'monitoring', 'resolved'),
    );
    const metrics = incidentMetrics({ createdAt: CREATED, status: 'resolved' }, events);
    expect(metrics.timeToMitigateMs).toBe(HOUR);
    expect(metrics.timeToResolveMs).toBe(HOUR);
    expect(metrics.totalDurationMs).toBe(4 * HOUR);
  });

  it('has no times and no counts for an incident just declared', () => {
    expect(incidentMetrics({ createdAt: CREATED, status: 'investigating' }, [])).toEqual({
      timeToAcknowledgeMs: null,
      timeToMitigateMs: null,
      timeToResolveMs: null,
      totalDurationMs: null,
      pages: 0,
      escalations: 0,
      pageAcknowledgements: [],
      people: [],
    });
  });

  it('claims no resolution for a status it does not know', () => {
    const events = timeline(declared, move(HOUR, 'investigating', 'resolved'));
    expect(incidentMetrics({ createdAt: CREATED, status: 'archived' }, events).totalDurationMs).toBeNull();
  });

  it('counts paged, acknowledging and assigned people and the declared lead, never null and never twice', () => {
    const events = timeline(
      [0, 'declared', 'U0ALICE', { lead: 'U0LEAD' }],
      [0, 'declared', 'U0ALICE', { lead: null }],
      [MINUTE, 'page_notified', 'U0ALICE', { user: 'U0BOB' }],
      [MINUTE, 'page_notified', null, { user: 'U0BOB' }],
      [2 * MINUTE, 'page_acknowledged', 'U0BOB', { user: 'U0BOB' }],
      [3 * MINUTE, 'role_assigned', 'U0ALICE', { role: 'comms', user: 'U0DAVE', previous: 'U0EVE' }],
      [4 * MINUTE, 'update_reminder', null, { remind: 'U0ALICE' }],
      [5 * MINUTE, 'message_pinned', null, { author: 'U0FRANK', pinnedBy: 'slack_pin' }],
    );
    expect(incidentMetrics({ createdAt: CREATED, status: 'investigating' }, events).people).toEqual([
      'U0ALICE',
      'U0BOB',
      'U0DAVE',
      'U0LEAD',
    ]);
  });

  const kinds = fc.constantFrom(
    'declared',
    'page_triggered',
    'page_notified',
    'page_escalated',
    'page_acknowledged',
    'role_assigned',
    'status_changed',
    'status_update',
    'note',
  );
  const userId = fc.constantFrom('U1', 'U2', 'U3', '');
  const anyEvent = fc.record({
    kind: kinds,
    actor: fc.option(userId),
    offset: fc.integer({ min: 0, max: 3 * DAY }),
    data: fc.record({
      user: fc.option(userId),
      lead: fc.option(userId),
      to: fc.constantFrom('monitoring', 'resolved', 'investigating', 'closed'),
    }),
  });
  const anyTimeline = fc
    .array(anyEvent, { maxLength: 30 })
    .map((list) =>
      list.map((e, i) => ({ id: i + 1, kind: e.kind, actor: e.actor, occurredAt: new Date(CREATED.getTime() + e.offset), data: e.data })),
    );
  const status = fc.constantFrom('triage', 'investigating', 'identified', 'monitoring', 'resolved', 'closed', 'declined');

  it('lists people sorted, once each, without null or empty ids, for any timeline', () => {
    fc.assert(
      fc.property(anyTimeline, status, (events, current) => {
        const { people } = incidentMetrics({ createdAt: CREATED, status: current }, events);
        expect(people).toEqual([...new Set(people)].sort());
        expect(people.every((p) => typeof p === 'string' && p !== '')).toBe(true);
      }),
    );
  });

  it('gives the same metrics for events in any order, resolves first, never mitigated after the first resolve', () => {
    fc.assert(
      fc.property(anyTimeline, status, fc.nat(), (events, current, seed) => {
        const metrics = incidentMetrics({ createdAt: CREATED, status: current }, events);
        const shuffled = [...events].sort((a, b) => ((a.id * 7919 + seed) % 101) - ((b.id * 7919 + seed) % 101));
        expect(incidentMetrics({ createdAt: CREATED, status: current }, shuffled)).toEqual(metrics);
        if (metrics.timeToResolveMs !== null) expect(metrics.timeToMitigateMs).toBeLessThanOrEqual(metrics.timeToResolveMs);
        if (metrics.totalDurationMs !== null) expect(metrics.totalDurationMs).toBeGreaterThanOrEqual(metrics.timeToResolveMs ?? -1);
      }),
    );
  });
});

describe('formatDurationMs', () => {
  it.each([
    [null, '—'],
    [0, '0s'],
    [45 * SECOND, '45s'],
    [MINUTE - 1, '59s'],
    [12 * MINUTE + 59 * SECOND, '12m'],
    [HOUR, '1h 00m'],
    [HOUR + 5 * MINUTE, '1h 05m'],
    [DAY - 1, '23h 59m'],
    [DAY, '1d 0h 00m'],
    [2 * DAY + 3 * HOUR + 4 * MINUTE, '2d 3h 04m'],
    [-90 * SECOND, '-1m'],
  ])('formats %s as %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });
});

// The insights charts' weekly series: UTC weeks starting on Monday, empty weeks as zeros, percentiles from
// the one percentile() the Slack insights use.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { weeklySeries, weekStartUtc, weeksEnding, type WeeklyIncident } from '../../src/postmortems/weekly.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const SEVERITIES = ['sev1', 'sev2', 'sev3'];

const incident = (createdAt: Date, overrides: Partial<WeeklyIncident> = {}): WeeklyIncident => ({
  severity: 'sev3',
  type: null,
  createdAt,
  acknowledgedAt: null,
  resolvedAt: null,
  ...overrides,
});

describe('weekStartUtc', () => {
  it('is the Monday at 00:00 UTC of the week, across a year boundary', () => {
    // 2026-01-01 is a Thursday: its week started on Monday 2025-12-29.
    expect(weekStartUtc(new Date('2026-01-01T23:59:59Z')).toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(weekStartUtc(new Date('2025-12-29T00:00:00Z')).toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(weekStartUtc(new Date('2025-12-28T23:59:59.999Z')).toISOString()).toBe('2025-12-22T00:00:00.000Z');
  });

  it('is a Monday at midnight no later than the instant and less than a week before it (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01Z'), max: new Date('2100-01-01Z'), noInvalidDate: true }), (at) => {
        const start = weekStartUtc(at);
        expect(start.getUTCDay()).toBe(1);
        expect(start.getTime() % DAY).toBe(0);
        expect(start.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(at.getTime() - start.getTime()).toBeLessThan(7 * DAY);
      }),
    );
  });
});

describe('weeksEnding', () => {
  it('lists the weeks oldest first, the last one holding now', () => {
    const weeks = weeksEnding(new Date('2026-01-07T10:00:00Z'), 3).map((w) => w.toISOString().slice(0, 10));
    expect(weeks).toEqual(['2025-12-22', '2025-12-29', '2026-01-05']);
  });
});

describe('weeklySeries', () => {
  const now = new Date('2026-01-07T10:00:00Z');
  const weeks = weeksEnding(now, 4);

  it('buckets incidents by week across the new year, keeps empty weeks as zeros, and orders severities as configured', () => {
    const series = weeklySeries(
      [
        incident(new Date('2025-12-31T23:00:00Z'), { severity: 'sev1' }),
        incident(new Date('2026-01-01T01:00:00Z'), { severity: 'sev1' }),
        incident(new Date('2026-01-06T00:00:00Z'), { severity: 'sevX', type: 'security' }),
        incident(new Date('2025-12-01T00:00:00Z')), // before the first week
        incident(new Date('2026-01-07T11:00:00Z')), // after now
      ],
      [],
      { weeks, now, severities: SEVERITIES },
    );
    expect(series.weeks.map((w) => w.toISOString().slice(0, 10))).toEqual(['2025-12-15', '2025-12-22', '2025-12-29', '2026-01-05']);
    expect(series.bySeverity).toEqual([
      { severity: 'sev1', counts: [0, 0, 2, 0] },
      { severity: 'sev2', counts: [0, 0, 0, 0] },
      { severity: 'sev3', counts: [0, 0, 0, 0] },
      { severity: 'sevX', counts: [0, 0, 0, 1] },
    ]);
    expect(series.byType).toEqual([
      { type: 'untyped', count: 2 },
      { type: 'security', count: 1 },
    ]);
    expect(series.timeToAcknowledge).toEqual(weeks.map(() => ({ p50: null, p90: null })));
  });

  it('takes p50 and p90 of each week by nearest rank, ignoring durations made negative by clock skew', () => {
    const created = new Date('2026-01-05T09:00:00Z');
    const acked = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((m) =>
      incident(created, { acknowledgedAt: new Date(created.getTime() + m * MINUTE) }),
    );
    const skewed = incident(created, {
      acknowledgedAt: new Date(created.getTime() - MINUTE),
      resolvedAt: new Date(created.getTime() + 60 * MINUTE),
    });
    const series = weeklySeries([...acked, skewed], [], { weeks, now, severities: SEVERITIES });
    expect(series.timeToAcknowledge[3]).toEqual({ p50: 5 * MINUTE, p90: 9 * MINUTE });
    expect(series.timeToResolve[3]).toEqual({ p50: 60 * MINUTE, p90: 60 * MINUTE });
  });

  it('counts follow-ups opened by the week they were opened and done by the week they were done', () => {
    const series = weeklySeries(
      [],
      [
        { createdAt: new Date('2025-11-01T00:00:00Z'), doneAt: new Date('2025-12-23T00:00:00Z') },
        { createdAt: new Date('2025-12-30T00:00:00Z'), doneAt: null },
        { createdAt: new Date('2026-01-05T00:00:00Z'), doneAt: new Date('2026-01-06T00:00:00Z') },
      ],
      { weeks, now, severities: SEVERITIES },
    );
    expect(series.followupsOpened).toEqual([0, 0, 1, 1]);
    expect(series.followupsDone).toEqual([0, 1, 0, 1]);
  });

  const instant = fc.date({ min: new Date('2025-10-01Z'), max: new Date('2026-02-01Z'), noInvalidDate: true });
  const anyIncident = fc.record({
    severity: fc.constantFrom('sev1', 'sev2', 'sev3', 'other'),
    type: fc.option(fc.constantFrom('availability', 'security'), { nil: null }),
    createdAt: instant,
    acknowledgedAt: fc.option(instant, { nil: null }),
    resolvedAt: fc.option(instant, { nil: null }),
  });

  it('stacks exactly the incidents in range, one week each, and p50 never exceeds p90 (property)', () => {
    fc.assert(
      fc.property(fc.array(anyIncident, { maxLength: 60 }), fc.integer({ min: 1, max: 20 }), (items, count) => {
        const ws = weeksEnding(now, count);
        const series = weeklySeries(items, [], { weeks: ws, now, severities: SEVERITIES });
        const inRange = items.filter((i) => i.createdAt >= ws[0]! && i.createdAt < now).length;
        const stacked = series.bySeverity.reduce((sum, s) => sum + s.counts.reduce((a, b) => a + b, 0), 0);
        expect(stacked).toBe(inRange);
        expect(series.byType.reduce((sum, t) => sum + t.count, 0)).toBe(inRange);
        for (const s of series.bySeverity) expect(s.counts).toHaveLength(count);
        for (const w of [...series.timeToAcknowledge, ...series.timeToResolve]) {
          expect(w.p50 === null).toBe(w.p90 === null);
          if (w.p50 !== null && w.p90 !== null) expect(w.p50).toBeLessThanOrEqual(w.p90);
        }
      }),
    );
  });
});

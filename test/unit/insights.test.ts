import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STATUSES } from '../../src/incidents/status.js';
import {
  computeInsights,
  INSIGHT_PERIODS,
  parsePeriod,
  percentile,
  type InsightFollowup,
  type InsightIncident,
  type Insights,
} from '../../src/postmortems/insights.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'];
const FROM_30D = NOW - 30 * DAY;
const PREVIOUS_FROM_30D = NOW - 60 * DAY;

let nextId = 1;

/** An accepted incident created a day ago, with nothing else set, unless overridden. */
function incident(overrides: Partial<InsightIncident> = {}): InsightIncident {
  return {
    id: nextId++,
    title: 'x',
    severity: 'sev3',
    type: null,
    status: 'resolved',
    source: 'slack',
    alertGroup: null,
    createdAt: new Date(NOW - DAY),
    acknowledgedAt: null,
    resolvedAt: null,
    ...overrides,
  };
}

/** An incident created at `created` (ms) with acknowledgement and resolution that many ms later. */
function timed(
  created: number,
  ackAfter: number | null,
  resolveAfter: number | null,
  overrides: Partial<InsightIncident> = {},
): InsightIncident {
  return incident({
    createdAt: new Date(created),
    acknowledgedAt: ackAfter === null ? null : new Date(created + ackAfter),
    resolvedAt: resolveAfter === null ? null : new Date(created + resolveAfter),
    ...overrides,
  });
}

function followup(created: number, due: number | null, done: number | null): InsightFollowup {
  return { createdAt: new Date(created), dueAt: due === null ? null : new Date(due), doneAt: done === null ? null : new Date(done) };
}

function insights(incidents: readonly InsightIncident[], followups: readonly InsightFollowup[] = [], days = 30): Insights {
  return computeInsights(incidents, followups, { days, now: new Date(NOW), severities: SEVERITIES });
}

describe('parsePeriod', () => {
  it('defaults to 30 days when no period is given', () => {
    expect(parsePeriod(undefined)).toBe(30);
    expect(parsePeriod('')).toBe(30);
    expect(parsePeriod('   ')).toBe(30);
  });

  it('accepts 7d, 30d and 90d in any case', () => {
    expect(parsePeriod('7d')).toBe(7);
    expect(parsePeriod('30D')).toBe(30);
    expect(parsePeriod(' 90d ')).toBe(90);
    for (const [name, days] of Object.entries(INSIGHT_PERIODS)) expect(parsePeriod(name)).toBe(days);
  });

  it('rejects any other period, including names inherited from Object', () => {
    for (const text of ['14d', '7', 'd', '7 days', '1w', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(parsePeriod(text)).toBeNull();
    }
  });
});

describe('percentile', () => {
  it('is null for no values', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([], 90)).toBeNull();
  });

  it('takes the nearest rank, so the answer is always one of the values', () => {
    const tens = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(tens, 50)).toBe(5);
    expect(percentile(tens, 90)).toBe(9);
    expect(percentile(tens, 91)).toBe(10);
    expect(percentile(tens, 100)).toBe(10);
    expect(percentile(tens, 0)).toBe(1);
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([10, 20, 30], 90)).toBe(30);
    expect(percentile([7], 90)).toBe(7);
  });

  it('refuses a percentile outside 0 to 100, which would mean a fraction was passed by mistake or worse', () => {
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('computeInsights', () => {
  it('compares the last `days` before now with the same length before that', () => {
    const result = insights([], [], 7);
    expect(result.days).toBe(7);
    expect(result.to).toEqual(new Date(NOW));
    expect(result.from).toEqual(new Date(NOW - 7 * DAY));
    expect(result.previousFrom).toEqual(new Date(NOW - 14 * DAY));
  });

  it('puts an incident created exactly at `from` in the current period and one exactly at `to` in neither', () => {
    const result = insights([
      incident({ createdAt: new Date(FROM_30D), severity: 'sev1' }),
      incident({ createdAt: new Date(NOW), severity: 'sev2' }),
      incident({ createdAt: new Date(NOW - 1), severity: 'sev1' }),
      incident({ createdAt: new Date(FROM_30D - 1), severity: 'sev3' }),
      incident({ createdAt: new Date(PREVIOUS_FROM_30D), severity: 'sev3' }),
      incident({ createdAt: new Date(PREVIOUS_FROM_30D - 1), severity: 'sev4' }),
    ]);
    expect(result.incidents).toEqual({ current: 2, previous: 2 });
    expect(result.bySeverity).toEqual([
      { severity: 'sev1', current: 2, previous: 0 },
      { severity: 'sev3', current: 0, previous: 2 },
    ]);
  });

  it('gives the median and p90 of time to acknowledge and to resolve for odd and even counts', () => {
    const base = NOW - 5 * DAY;
    const result = insights([
      // Five acknowledged (odd), four resolved (even), listed out of order.
      timed(base, 3 * MINUTE, 40 * MINUTE),
      timed(base, 1 * MINUTE, 10 * MINUTE),
      timed(base, 5 * MINUTE, null),
      timed(base, 2 * MINUTE, 30 * MINUTE),
      timed(base, 4 * MINUTE, 20 * MINUTE),
      timed(base, null, null),
    ]);
    expect(result.timeToAcknowledge.current).toEqual({ count: 5, median: 3 * MINUTE, p90: 5 * MINUTE });
    // Nearest rank: the lower middle value of an even count, never an average nobody experienced.
    expect(result.timeToResolve.current).toEqual({ count: 4, median: 20 * MINUTE, p90: 40 * MINUTE });
  });

  it('reports the previous period separately so the two can be compared', () => {
    const current = NOW - 2 * DAY;
    const previous = NOW - 40 * DAY;
    const result = insights([
      timed(current, 2 * MINUTE, 2 * HOUR),
      timed(current, 4 * MINUTE, 4 * HOUR),
      timed(previous, 10 * MINUTE, 1 * HOUR),
      timed(previous, 20 * MINUTE, 3 * HOUR),
      timed(previous, 30 * MINUTE, 5 * HOUR),
    ]);
    expect(result.incidents).toEqual({ current: 2, previous: 3 });
    expect(result.timeToAcknowledge).toEqual({
      current: { count: 2, median: 2 * MINUTE, p90: 4 * MINUTE },
      previous: { count: 3, median: 20 * MINUTE, p90: 30 * MINUTE },
    });
    expect(result.timeToResolve).toEqual({
      current: { count: 2, median: 2 * HOUR, p90: 4 * HOUR },
      previous: { count: 3, median: 3 * HOUR, p90: 5 * HOUR },
    });
  });

  it('has empty distributions when no incident has the time', () => {
    const result = insights([timed(NOW - DAY, null, null)]);
    expect(result.timeToAcknowledge).toEqual({
      current: { count: 0, median: null, p90: null },
      previous: { count: 0, median: null, p90: null },
    });
    expect(result.timeToResolve.current).toEqual({ count: 0, median: null, p90: null });
  });

  it('drops negative durations from clock skew but keeps zero ones', () => {
    const result = insights([timed(NOW - DAY, -MINUTE, 0), timed(NOW - DAY, 0, -HOUR), timed(NOW - DAY, 6 * MINUTE, HOUR)]);
    expect(result.timeToAcknowledge.current).toEqual({ count: 2, median: 0, p90: 6 * MINUTE });
    expect(result.timeToResolve.current).toEqual({ count: 2, median: 0, p90: HOUR });
    expect(result.incidents.current).toBe(3);
  });

  it('leaves declined incidents out of every figure', () => {
    const kept = [
      timed(NOW - DAY, MINUTE, HOUR, { title: 'Checkout latency', type: 'performance', alertGroup: 'checkout' }),
      timed(NOW - 40 * DAY, 2 * MINUTE, 2 * HOUR, { severity: 'sev2', type: 'availability' }),
    ];
    const declined = [
      timed(NOW - DAY, 0, 1, {
        status: 'declined',
        title: 'Spurious flapping probe',
        severity: 'sev1',
        type: 'security',
        alertGroup: 'probe',
      }),
      timed(NOW - 40 * DAY, 0, 1, { status: 'declined', severity: 'legacy', type: null, alertGroup: 'probe' }),
    ];
    const result = insights([...declined, ...kept]);
    expect(result).toEqual(insights(kept));
    expect(result.incidents).toEqual({ current: 1, previous: 1 });
    expect(result.bySeverity.map((row) => row.severity)).toEqual(['sev2', 'sev3']);
    expect(result.byType.map((row) => row.type)).toEqual(['performance', 'availability']);
    expect(result.timeToAcknowledge.current.median).toBe(MINUTE);
    expect(result.topAlertGroups).toEqual([{ group: 'checkout', count: 1 }]);
    expect(result.topTitleWords.map((row) => row.word)).toEqual(['checkout', 'latency']);
  });

  it('lists severities in configured order, then unknown ones by name, leaving out those absent from both periods', () => {
    const result = insights([
      incident({ severity: 'sev3' }),
      incident({ severity: 'sev3' }),
      incident({ severity: 'sev1', createdAt: new Date(NOW - 45 * DAY) }),
      incident({ severity: 'zeta' }),
      incident({ severity: 'legacy', createdAt: new Date(NOW - 45 * DAY) }),
    ]);
    expect(result.bySeverity).toEqual([
      { severity: 'sev1', current: 0, previous: 1 },
      { severity: 'sev3', current: 2, previous: 0 },
      { severity: 'legacy', current: 0, previous: 1 },
      { severity: 'zeta', current: 1, previous: 0 },
    ]);
  });

  it('counts incidents without a type as untyped and orders types by current count, then name', () => {
    const previous = new Date(NOW - 50 * DAY);
    const result = insights([
      incident({ type: null }),
      incident({ type: null }),
      incident({ type: 'performance' }),
      incident({ type: 'availability' }),
      incident({ type: 'availability', createdAt: previous }),
      incident({ type: 'security', createdAt: previous }),
      incident({ type: null, createdAt: previous }),
    ]);
    expect(result.byType).toEqual([
      { type: 'untyped', current: 2, previous: 1 },
      { type: 'availability', current: 1, previous: 1 },
      { type: 'performance', current: 1, previous: 0 },
      { type: 'security', current: 0, previous: 1 },
    ]);
  });

  it('lists the five alert groups of the current period that fired most, ties by name', () => {
    const groups = { db: 4, api: 3, queue: 3, cache: 2, disk: 1, dns: 1, tls: 1 };
    const history = Object.entries(groups).flatMap(([group, count]) =>
      Array.from({ length: count }, () => incident({ alertGroup: group })),
    );
    history.push(incident({ alertGroup: null }), incident({ alertGroup: 'tls', createdAt: new Date(NOW - 40 * DAY) }));
    history.push(...Array.from({ length: 9 }, () => incident({ alertGroup: 'old', createdAt: new Date(NOW - 40 * DAY) })));
    expect(insights(history).topAlertGroups).toEqual([
      { group: 'db', count: 4 },
      { group: 'api', count: 3 },
      { group: 'queue', count: 3 },
      { group: 'cache', count: 2 },
      { group: 'disk', count: 1 },
    ]);
  });

  it('counts title words once per incident, lowercased, without short, stop or generic incident words', () => {
    const result = insights([
      incident({ title: 'Checkout API errors: checkout CHECKOUT down for EU' }),
      incident({ title: 'Elevated errors in checkout after deploy' }),
      incident({ title: 'Incident: database failover issue on db-primary' }),
      incident({ title: 'Database latency; the database is slow' }),
      incident({ title: 'Checkout latency again', createdAt: new Date(NOW - 40 * DAY) }),
    ]);
    expect(result.topTitleWords).toEqual([
      { word: 'checkout', count: 2 },
      { word: 'database', count: 2 },
      { word: 'api', count: 1 },
      { word: 'deploy', count: 1 },
      { word: 'elevated', count: 1 },
      { word: 'failover', count: 1 },
      { word: 'latency', count: 1 },
      { word: 'primary', count: 1 },
      { word: 'slow', count: 1 },
    ]);
  });

  it('keeps the ten most frequent title words, ties by word', () => {
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];
    const history = words.map((_, index) => incident({ title: words.slice(0, index + 1).join(' ') }));
    history.push(incident({ title: 'lima kilo' }));
    const top = insights(history).topTitleWords;
    expect(top).toHaveLength(10);
    expect(top[0]).toEqual({ word: 'alpha', count: 12 });
    expect(top.map((row) => row.word)).toEqual([
      'alpha',
      'bravo',
      'charlie',
      'delta',
      'echo',
      'foxtrot',
      'golf',
      'hotel',
      'india',
      'juliet',
    ]);
    expect(top.find((row) => row.word === 'juliet')).toEqual({ word: 'juliet', count: 3 });
  });

  it('counts follow-ups opened and done in the period, and every open one past due', () => {
    const result = insights(
      [],
      [
        followup(NOW - DAY, null, null), // opened
        followup(FROM_30D, NOW + DAY, NOW - HOUR), // opened at `from`, done
        followup(NOW, null, null), // at `to`: not opened in the period
        followup(NOW - 100 * DAY, NOW - 50 * DAY, null), // long-overdue, opened before the period
        followup(NOW - 40 * DAY, NOW - DAY, NOW - 35 * DAY), // done in the previous period, so neither done nor overdue
        followup(NOW - 40 * DAY, NOW - 2 * DAY, null), // overdue
        followup(NOW - 2 * DAY, NOW, null), // due exactly at `to`: not yet overdue
        followup(NOW - 2 * DAY, NOW - DAY, NOW - HOUR), // done late: opened and done, not overdue
      ],
    );
    expect(result.followups).toEqual({ opened: 4, done: 2, overdue: 2 });
  });

  it('refuses a period that is not a positive number of days', () => {
    for (const days of [0, -7, 1.5, Number.NaN]) {
      expect(() => computeInsights([], [], { days, now: new Date(NOW), severities: SEVERITIES })).toThrow(RangeError);
    }
  });
});

describe('computeInsights on generated histories', () => {
  const HISTORY_DAYS = 200;
  const severityArb = fc.constantFrom('sev1', 'sev2', 'sev3', 'sev4', 'legacy');
  const incidentArb = (status: fc.Arbitrary<string>): fc.Arbitrary<InsightIncident> =>
    fc
      .record({
        // A little past `now` too, so the upper bound of the current period is exercised.
        createdAt: fc.integer({ min: NOW - HISTORY_DAYS * DAY, max: NOW + DAY }),
        ack: fc.option(fc.integer({ min: -HOUR, max: 2 * DAY })),
        resolve: fc.option(fc.integer({ min: -HOUR, max: 10 * DAY })),
        status,
        severity: severityArb,
        type: fc.option(fc.constantFrom('availability', 'performance', 'security')),
        alertGroup: fc.option(fc.constantFrom('db', 'api', 'queue', 'cache', 'disk', 'dns')),
        title: fc.constantFrom('Checkout latency', 'Database failover', 'API errors for EU', 'Disk full on db-1', 'the queue'),
      })
      .map(({ createdAt, ack, resolve, ...rest }) => timed(createdAt, ack, resolve, rest));
  const historyArb = fc.array(incidentArb(fc.constantFrom(...STATUSES)), { maxLength: 150 });
  const daysArb = fc.constantFrom(...Object.values(INSIGHT_PERIODS));

  const within = (incident: InsightIncident, start: number, end: number) =>
    incident.status !== 'declined' && incident.createdAt.getTime() >= start && incident.createdAt.getTime() < end;

  it('counts in each period exactly the accepted incidents created in that window', () => {
    fc.assert(
      fc.property(historyArb, daysArb, (history, days) => {
        const result = insights(history, [], days);
        const from = NOW - days * DAY;
        const previousFrom = from - days * DAY;
        const current = history.filter((i) => within(i, from, NOW)).length;
        const previous = history.filter((i) => within(i, previousFrom, from)).length;
        expect(result.incidents).toEqual({ current, previous });
        const sum = (rows: Array<{ current: number; previous: number }>) =>
          rows.reduce((total, row) => ({ current: total.current + row.current, previous: total.previous + row.previous }), {
            current: 0,
            previous: 0,
          });
        expect(sum(result.bySeverity)).toEqual({ current, previous });
        expect(sum(result.byType)).toEqual({ current, previous });
        expect(result.bySeverity.every((row) => row.current + row.previous > 0)).toBe(true);
      }),
    );
  });

  it('has median ≤ p90, both within the range of the durations they summarise', () => {
    fc.assert(
      fc.property(historyArb, daysArb, (history, days) => {
        const result = insights(history, [], days);
        const from = NOW - days * DAY;
        const windows = { current: [from, NOW], previous: [from - days * DAY, from] } as const;
        for (const [metric, field] of [
          ['timeToAcknowledge', 'acknowledgedAt'],
          ['timeToResolve', 'resolvedAt'],
        ] as const) {
          for (const period of ['current', 'previous'] as const) {
            const [start, end] = windows[period];
            const durations = history
              .filter((i) => within(i, start, end))
              .flatMap((i) => {
                const at = i[field];
                return at ? [at.getTime() - i.createdAt.getTime()] : [];
              })
              .filter((duration) => duration >= 0);
            const { count, median, p90 } = result[metric][period];
            expect(count).toBe(durations.length);
            if (median === null || p90 === null) {
              expect(durations).toHaveLength(0);
              expect([median, p90]).toEqual([null, null]);
              continue;
            }
            expect(median).toBeLessThanOrEqual(p90);
            expect(median).toBeGreaterThanOrEqual(Math.min(...durations));
            expect(p90).toBeLessThanOrEqual(Math.max(...durations));
            expect(durations).toContain(median);
            expect(durations).toContain(p90);
          }
        }
      }),
    );
  });

  it('is unchanged by adding declined incidents anywhere in the history', () => {
    const declinedArb = fc.array(incidentArb(fc.constant('declined')), { minLength: 1, maxLength: 50 });
    fc.assert(
      fc.property(historyArb, declinedArb, daysArb, fc.nat(), (history, declined, days, at) => {
        const position = history.length === 0 ? 0 : at % (history.length + 1);
        const mixed = [...history.slice(0, position), ...declined, ...history.slice(position)];
        expect(insights(mixed, [], days)).toEqual(insights(history, [], days));
      }),
    );
  });
});

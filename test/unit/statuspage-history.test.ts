// The status page's history bar: which stretches of time the publications put a component in a state,
// and each UTC day's worst state over the last days.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { componentHistory, publicIntervals } from '../../src/statuspage/history.js';
import type { Publication } from '../../src/statuspage/model.js';
import { COMPONENT_STATES, type ComponentState } from '../../src/statuspage/states.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
let nextId = 1;
const pub = (
  incidentId: number,
  at: Date,
  components: Array<[string, ComponentState]>,
  status: Publication['status'] = 'investigating',
): Publication => ({
  id: nextId++,
  incidentId,
  title: 't',
  status,
  components: components.map(([id, state]) => ({ id, state })),
  message: '',
  publishedAt: at,
});

describe('publicIntervals', () => {
  it('runs from a publication to the next naming the component, or to the public resolution, or to now', () => {
    const intervals = publicIntervals(
      [
        pub(1, hoursAgo(50), [['api', 'major_outage']]),
        pub(1, hoursAgo(40), [
          ['api', 'degraded_performance'],
          ['web', 'partial_outage'],
        ]),
        pub(1, hoursAgo(30), [], 'resolved'),
        pub(2, hoursAgo(5), [['db', 'under_maintenance']]),
      ],
      NOW,
    );
    expect(intervals.map((i) => [i.component, i.state, (NOW.getTime() - i.from) / 3_600_000, (NOW.getTime() - i.to) / 3_600_000])).toEqual([
      ['api', 'major_outage', 50, 40],
      ['api', 'degraded_performance', 40, 30],
      ['web', 'partial_outage', 40, 30],
      ['db', 'under_maintenance', 5, 0],
    ]);
  });

  it('keeps no stretch of operational, and none outside [first publication, now]', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            incident: fc.integer({ min: 1, max: 3 }),
            hours: fc.integer({ min: 0, max: 500 }),
            state: fc.constantFrom(...COMPONENT_STATES),
          }),
        ),
        (steps) => {
          const sorted = [...steps].sort((a, b) => b.hours - a.hours);
          const intervals = publicIntervals(
            sorted.map((s) => pub(s.incident, hoursAgo(s.hours), [['api', s.state]])),
            NOW,
          );
          for (const i of intervals) {
            expect(i.state).not.toBe('operational');
            expect(i.from).toBeLessThan(i.to);
            expect(i.to).toBeLessThanOrEqual(NOW.getTime());
          }
        },
      ),
    );
  });
});

describe('componentHistory', () => {
  it('gives 90 UTC days up to today, oldest first, each the worst state of any stretch touching it', () => {
    const intervals = publicIntervals(
      [
        pub(1, new Date('2026-03-08T23:00:00Z'), [['api', 'partial_outage']]),
        pub(1, new Date('2026-03-09T01:00:00Z'), [['api', 'operational']], 'resolved'),
      ],
      NOW,
    );
    const days = componentHistory(intervals, 'api', NOW);
    expect(days).toHaveLength(90);
    expect(days[0]!.date).toBe('2025-12-11');
    expect(days.at(-1)).toEqual({ date: '2026-03-10', state: 'operational' });
    expect(days.filter((d) => d.state !== 'operational')).toEqual([
      { date: '2026-03-08', state: 'partial_outage' },
      { date: '2026-03-09', state: 'partial_outage' },
    ]);
    expect(componentHistory(intervals, 'web', NOW).every((d) => d.state === 'operational')).toBe(true);
  });
});

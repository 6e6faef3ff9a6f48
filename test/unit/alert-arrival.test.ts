// Order of arrival over time: alerts of several groups come at several instants, those of one instant in
// any order and split into any batches, through the replay's in-memory pipeline (classifyBatch and
// planGroup, as live ingest runs them). What opens, what each incident holds and what is silenced must not
// depend on how an instant's alerts were delivered.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/alerts/decide.js';
import type { Matcher } from '../../src/alerts/matchers.js';
import { createReplay, type Decided, type StoredEvent } from '../../src/alerts/replay-run.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const MINUTE = 60_000;
const eq = (name: string, value: string): Matcher => ({ name, op: '=', value });

/** Alert i always carries the same labels: three groups by alertname, two clusters. */
const labelsOf = (i: number) => ({ alertname: ['Disk', 'Latency', 'Errors'][i % 3]!, cluster: i % 4 < 2 ? 'eu' : 'us' });

interface Arrival {
  /** Minutes after T0. */
  minute: number;
  fingerprint: number;
  firing: boolean;
}

/** Instants a minute or more apart, each with some alerts (one state per alert an instant). */
const timelineArb = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 0, max: 4 }),
      alerts: fc.uniqueArray(fc.record({ fingerprint: fc.integer({ min: 0, max: 8 }), firing: fc.boolean() }), {
        minLength: 1,
        maxLength: 6,
        selector: (a) => a.fingerprint,
      }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((instants) => {
    let minute = 0;
    return instants.flatMap(({ gap, alerts }, i): Arrival[] => {
      minute += i === 0 ? 0 : gap + 1;
      return alerts.map((a) => ({ minute, ...a }));
    });
  });

/** open_after or not, a drop route for some alerts, and a silence of the us cluster starting and ending within the timeline. */
const pipelineArb = fc
  .record({
    openAfter: fc.option(fc.record({ count: fc.integer({ min: 1, max: 3 }), within: fc.constantFrom(2 * MINUTE, 5 * MINUTE) }), {
      nil: undefined,
    }),
    silenceFrom: fc.integer({ min: 0, max: 20 }),
    silenceFor: fc.integer({ min: 1, max: 15 }),
    dropErrors: fc.boolean(),
  })
  .map((p): Pipeline => ({
    routes: p.dropErrors ? [{ match: [eq('alertname', 'Errors'), eq('cluster', 'eu')], drop: true, continue: false }] : [],
    groupBy: ['alertname'],
    openAfter: p.openAfter,
    silences: [
      {
        id: 1,
        ref: '#1',
        matchers: [eq('cluster', 'us')],
        startsAt: new Date(T0 + p.silenceFrom * MINUTE),
        endsAt: new Date(T0 + (p.silenceFrom + p.silenceFor) * MINUTE),
        stopPages: false,
      },
    ],
  }));

/** How each alert is delivered within its instant: its place in the order, and which of up to three batches takes it. */
const deliveryArb = fc.infiniteStream(
  fc.record({ key: fc.double({ min: 0, max: 1, noNaN: true }), batch: fc.integer({ min: 0, max: 2 }) }),
);

/** The arrivals as stored events, an instant's alerts ordered and batched as `place` says (each batch its own source group). */
function deliver(arrivals: readonly Arrival[], place: (a: Arrival) => { key: number; batch: number }): StoredEvent[] {
  const placed = arrivals.map((a) => ({ a, ...place(a) }));
  placed.sort((x, y) => x.a.minute - y.a.minute || x.batch - y.batch || x.key - y.key);
  return placed.map(({ a, batch }, i) => ({
    id: i + 1,
    integrationId: 'prom',
    fingerprint: `f${a.fingerprint}`,
    status: a.firing ? 'firing' : 'resolved',
    labels: labelsOf(a.fingerprint),
    sourceGroupKey: `m${a.minute}b${batch}`,
    receivedAt: new Date(T0 + a.minute * MINUTE),
    set: {},
    outcome: 'waiting',
    silence: null,
    incidentId: null,
  }));
}

const run = (pipeline: Pipeline, events: StoredEvent[]): Decided[] => {
  const replay = createReplay(pipeline, new Map());
  replay.feed(events);
  return replay.finish().records;
};

const at = (d: Decided) => `${(d.event.receivedAt.getTime() - T0) / MINUTE}:${d.event.fingerprint}`;

/**
 * What must not depend on delivery: each group's incidents in the order they opened, with the alerts that
 * fired into each, and what was silenced.
 */
function outcome(records: readonly Decided[]) {
  const incidents = new Map<number, { group: string; alerts: Set<string> }>();
  for (const r of records) {
    // What an incident holds: the alerts that opened or joined it, or waited and were taken along.
    if (r.decided.incident === null || !['opened', 'joined', 'waiting'].includes(r.decided.outcome)) continue;
    const held = incidents.get(r.decided.incident) ?? { group: r.event.labels.alertname!, alerts: new Set<string>() };
    held.alerts.add(r.event.fingerprint);
    incidents.set(r.decided.incident, held);
  }
  const byGroup: Record<string, string[][]> = {};
  for (const [, { group, alerts }] of [...incidents].sort(([a], [b]) => a - b)) (byGroup[group] ??= []).push([...alerts].sort());
  const silenced = records
    .filter((r) => r.decided.outcome === 'silenced')
    .map(at)
    .sort();
  return { byGroup, silenced };
}

describe('order of arrival across time (properties)', () => {
  it('opens the same incidents per group, holding the same alerts, and silences the same alerts, however each instant is delivered', () => {
    fc.assert(
      fc.property(pipelineArb, timelineArb, deliveryArb, (pipeline, arrivals, stream) => {
        const together = outcome(
          run(
            pipeline,
            deliver(arrivals, () => ({ key: 0, batch: 0 })),
          ),
        );
        const places = new Map(arrivals.map((a) => [a, stream.next().value]));
        expect(
          outcome(
            run(
              pipeline,
              deliver(arrivals, (a) => places.get(a)!),
            ),
          ),
        ).toEqual(together);
      }),
      { numRuns: 300 },
    );
  });

  it('never both silences an alert and puts it in an incident', () => {
    fc.assert(
      fc.property(pipelineArb, timelineArb, deliveryArb, (pipeline, arrivals, stream) => {
        const places = new Map(arrivals.map((a) => [a, stream.next().value]));
        for (const r of run(
          pipeline,
          deliver(arrivals, (a) => places.get(a)!),
        )) {
          if (r.decided.outcome === 'silenced' || r.decided.outcome === 'dropped') expect(r.decided.incident, at(r)).toBeNull();
          if (r.decided.silence !== null) expect(r.decided.outcome).toBe('silenced');
        }
      }),
      { numRuns: 300 },
    );
  });

  // Found by the first property: f4 waited (out of the window by then) and resolves at the very moment f7
  // opens the Latency group with f1; and f3, resolved long before, is resolved again at an opening moment.
  it('takes along an alert resolved at the moment its group opens, in whichever batch of the moment its resolve came', () => {
    const pipeline: Pipeline = { routes: [], groupBy: ['alertname'], openAfter: { count: 2, within: 2 * MINUTE }, silences: [] };
    const arrivals: Arrival[] = [
      { minute: 0, fingerprint: 4, firing: true },
      { minute: 3, fingerprint: 1, firing: true },
      { minute: 4, fingerprint: 1, firing: false },
      { minute: 4, fingerprint: 7, firing: true },
      { minute: 4, fingerprint: 4, firing: false },
      { minute: 5, fingerprint: 3, firing: true },
      { minute: 6, fingerprint: 3, firing: false },
      { minute: 9, fingerprint: 6, firing: true },
      { minute: 10, fingerprint: 0, firing: true },
      { minute: 10, fingerprint: 3, firing: false },
    ];
    const expected = { byGroup: { Latency: [['f1', 'f4', 'f7']], Disk: [['f0', 'f6']] }, silenced: [] };
    expect(
      outcome(
        run(
          pipeline,
          deliver(arrivals, () => ({ key: 0, batch: 0 })),
        ),
      ),
    ).toEqual(expected);
    for (const resolvesIn of [0, 2]) {
      const place = (a: Arrival) => ({ key: 0, batch: a.firing ? 1 : resolvesIn });
      expect(outcome(run(pipeline, deliver(arrivals, place)))).toEqual(expected);
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pipeline, PipelineSilence } from '../../src/alerts/decide.js';
import type { Matcher } from '../../src/alerts/matchers.js';
import { diffReplay, differences } from '../../src/alerts/replay.js';
import { formatReplay } from '../../src/alerts/replay-format.js';
import {
  againstStored,
  createReplay,
  inReceivedOrder,
  pairReplays,
  type ReplayRecord,
  type StoredEvent,
} from '../../src/alerts/replay-run.js';
import type { AlertRoute } from '../../src/alerts/route.js';
import { parseReplayArgs, UsageError } from '../../src/replay/args.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const eq = (name: string, value: string): Matcher => ({ name, op: '=', value });
const r = (match: Matcher[], more: Partial<AlertRoute> = {}): AlertRoute => ({ match, drop: false, continue: false, ...more });
const silence = (id: number, match: Matcher[], from: number, to: number): PipelineSilence => ({
  id,
  ref: `#${id}`,
  matchers: match,
  startsAt: new Date(T0 + from),
  endsAt: new Date(T0 + to),
  stopPages: false,
});

const A: Pipeline = {
  routes: [r([eq('team', 'db')], { set: { severity: 'sev1' } }), r([eq('alertname', 'Watchdog')], { drop: true })],
  groupBy: ['alertname'],
  openAfter: undefined,
  silences: [silence(1, [eq('env', 'staging')], 0, 3_600_000)],
};

/** Alert i always carries the same labels, as a real alert's fingerprint does. */
const labelsOf = (i: number) => ({
  alertname: ['Disk', 'Latency', 'Watchdog'][i % 3]!,
  team: i % 2 ? 'db' : 'web',
  env: i === 4 ? 'staging' : 'prod',
  cluster: `c${i % 2}`,
});

const batchArb = fc.record({
  dt: fc.integer({ min: 0, max: 20 * 60_000 }),
  source: fc.constantFrom('g0', 'g1'),
  alerts: fc.array(fc.record({ i: fc.integer({ min: 0, max: 6 }), firing: fc.boolean() }), { minLength: 1, maxLength: 4 }),
});

/** Events as webhooks brought them, before anything was decided. */
function eventsOf(batches: Array<{ dt: number; source: string; alerts: Array<{ i: number; firing: boolean }> }>): StoredEvent[] {
  let at = T0;
  let id = 0;
  return batches.flatMap((b) => {
    at += b.dt;
    return b.alerts.map((a): StoredEvent => ({
      id: ++id,
      integrationId: 'prom',
      fingerprint: `f${a.i}`,
      status: a.firing ? 'firing' : 'resolved',
      labels: labelsOf(a.i),
      sourceGroupKey: b.source,
      receivedAt: new Date(at),
      set: {},
      outcome: 'waiting',
      silence: null,
      incidentId: null,
    }));
  });
}

function feedAll(replay: ReturnType<typeof createReplay>, events: StoredEvent[], pages = [events.length]) {
  let at = 0;
  for (const size of pages) {
    replay.feed(events.slice(at, at + size));
    at += size;
  }
  replay.feed(events.slice(at));
  return replay;
}

/** What a config decided for them, stored as live ingest stores it (incident ids are not the replay's numbers). */
function store(pipeline: Pipeline, events: StoredEvent[]): { stored: StoredEvent[]; ends: Map<number, Date> } {
  const { records, ends } = feedAll(createReplay(pipeline, new Map()), events).finish();
  const stored = records
    .map((rec) => ({
      ...rec.event,
      outcome: rec.decided.outcome,
      set: rec.decided.set,
      silence: rec.decided.silence,
      incidentId: rec.decided.incident === null ? null : rec.decided.incident + 100,
    }))
    .sort((a, b) => a.id - b.id);
  return { stored, ends: new Map([...ends].map(([k, v]) => [k + 100, v])) };
}

const decided = (pipeline: Pipeline, stored: StoredEvent[], ends: Map<number, Date>, pages?: number[]) =>
  feedAll(createReplay(pipeline, ends), inReceivedOrder(stored), pages).finish().records;

/** `--against stored`: the replay under `pipeline` against what was stored. */
const replayed = (pipeline: Pipeline, stored: StoredEvent[], ends: Map<number, Date>): ReplayRecord[] =>
  againstStored(decided(pipeline, stored, ends));

/** The default: the replay under `pipeline` against the running config's replay of the same events. */
const againstRunning = (running: Pipeline, pipeline: Pipeline, stored: StoredEvent[], ends: Map<number, Date>): ReplayRecord[] =>
  pairReplays(decided(running, stored, ends), decided(pipeline, stored, ends));

describe('replay', () => {
  const pipelines: Pipeline[] = [
    A,
    { ...A, openAfter: { count: 2, within: 10 * 60_000 } },
    { ...A, groupBy: undefined },
    { ...A, groupBy: ['cluster'], openAfter: { count: 3, within: 5 * 60_000 } },
  ];

  it('reports no differences when replaying under the config that decided the events', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { minLength: 1, maxLength: 25 }), fc.constantFrom(...pipelines), (batches, pipeline) => {
        const { stored, ends } = store(pipeline, eventsOf(batches));
        const diff = diffReplay(replayed(pipeline, stored, ends), 3);
        expect(differences(diff), JSON.stringify(diff)).toBe(0);
        expect(diff.events).toBe(stored.length);
      }),
    );
  });

  it('gives the same answer however the events are listed and however they are paged', () => {
    fc.assert(
      fc.property(
        fc.array(batchArb, { minLength: 1, maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 10 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (batches, pages, noise) => {
          const { stored, ends } = store(A, eventsOf(batches));
          const other: Pipeline = { ...A, openAfter: { count: 2, within: 60_000 }, routes: [r([eq('team', 'web')], { drop: true })] };
          const expected = diffReplay(replayed(other, stored, ends), 100);
          const shuffled = stored
            .map((e) => ({ e, k: noise.next().value }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.e);
          const paged = againstStored(decided(other, shuffled, ends, pages));
          expect(diffReplay(paged, 100)).toEqual(expected);
          const running = diffReplay(againstRunning(A, other, stored, ends), 100);
          expect(diffReplay(pairReplays(decided(A, shuffled, ends), decided(other, shuffled, ends, pages)), 100)).toEqual(running);
        },
      ),
    );
  });

  it('reports no differences when replaying the running config against itself, whatever decided the stored events', () => {
    fc.assert(
      fc.property(
        fc.array(batchArb, { minLength: 1, maxLength: 25 }),
        fc.constantFrom(...pipelines),
        fc.constantFrom(...pipelines),
        (batches, then, running) => {
          const { stored, ends } = store(then, eventsOf(batches));
          const diff = diffReplay(againstRunning(running, running, stored, ends), 3);
          expect(differences(diff), JSON.stringify(diff)).toBe(0);
          expect(diff.events).toBe(stored.length);
        },
      ),
    );
  });

  // Two groups open under A: Disk (team web, then db) and Latency (team db). The events were stored under
  // an older config that set nothing and silenced nothing.
  const events = eventsOf([
    { dt: 0, source: 'g0', alerts: [{ i: 0, firing: true }] },
    { dt: 60_000, source: 'g0', alerts: [{ i: 1, firing: true }] },
    { dt: 60_000, source: 'g1', alerts: [{ i: 3, firing: true }] },
    { dt: 60_000, source: 'g1', alerts: [{ i: 4, firing: true }] },
  ]);
  const older: Pipeline = { routes: [], groupBy: ['alertname'], openAfter: undefined, silences: [] };
  const B: Pipeline = {
    routes: [r([eq('alertname', 'Latency')], { drop: true }), r([eq('team', 'db')], { set: { severity: 'sev2' } })],
    groupBy: ['cluster'],
    openAfter: undefined,
    silences: [silence(7, [eq('alertname', 'Disk'), eq('team', 'db')], 0, 3_600_000)],
  };

  it('names the incidents, silences, drops and routes another config changes against the running one', () => {
    const { stored, ends } = store(older, events);
    expect(stored.map((e) => e.outcome)).toEqual(['opened', 'opened', 'joined', 'joined']);
    expect(decided(A, stored, ends).map((d) => d.decided.outcome)).toEqual(['opened', 'opened', 'joined', 'silenced']);
    const diff = diffReplay(againstRunning(A, B, stored, ends), 5);
    expect(diff.newlyDropped.examples.map((e) => e.fingerprint)).toEqual(['f1', 'f4']);
    // f3 (Disk, team db) is silenced by #7; f4 (Latency) is dropped, no longer silenced by A's window.
    expect(diff.newlySilenced.examples.map((e) => [e.fingerprint, e.replayed.silence])).toEqual([['f3', '#7']]);
    expect(diff.noLongerSilenced.examples.map((e) => [e.fingerprint, e.against.silence, e.replayed.outcome])).toEqual([
      ['f4', '#1', 'dropped'],
    ]);
    expect(diff.rerouted.examples.map((e) => [e.fingerprint, e.against.set, e.replayed.set])).toEqual([
      ['f3', { severity: 'sev1' }, { severity: 'sev2' }],
    ]);
    // The Latency incident (f1) would not open; Disk's stays, holding f0 alone.
    expect(diff.wouldNotOpen.examples.map((i) => [i.incident, i.first.fingerprint])).toEqual([[2, 'f1']]);
    expect(diff.wouldOpen.count + diff.merged.count + diff.split.count).toBe(0);
    const text = formatReplay(diff, {
      config: 'b.yaml',
      against: { kind: 'config', name: 'firewatch.yaml' },
      from: new Date(T0),
      until: new Date(T0 + 3_600_000),
    });
    expect(text).toContain(
      'Replay of 4 alert events from 2026-03-01T12:00:00.000Z to 2026-03-01T13:00:00.000Z under b.yaml against firewatch.yaml',
    );
    expect(text).toContain('Alerts newly silenced: 1');
    expect(text).toContain('Incidents that open under the running config and would not: 1');
    expect(text).toContain('f3] at 2026-03-01T12:02:00.000Z: is joined running incident 1, would be silenced by #7');
  });

  it('compares against what was stored with --against stored', () => {
    const { stored, ends } = store(older, events);
    const diff = diffReplay(replayed(B, stored, ends), 5);
    // The older config silenced nothing and set nothing: that, not A, is what B is set against.
    expect(diff.noLongerSilenced.count).toBe(0);
    expect(diff.rerouted.examples.map((e) => [e.fingerprint, e.against.set, e.replayed.set])).toEqual([['f3', {}, { severity: 'sev2' }]]);
    const text = formatReplay(diff, { config: 'b.yaml', against: { kind: 'stored' }, from: new Date(T0), until: new Date(T0 + 3_600_000) });
    expect(text).toContain('under b.yaml against what was stored');
    expect(text).toContain('Incidents that opened and would not have: 1');
    expect(text).toContain('f3] at 2026-03-01T12:02:00.000Z: was joined INC-101, would be silenced by #7');
  });

  it('merges what a coarser grouping puts together and splits what open_after holds back', () => {
    const events = eventsOf([
      { dt: 0, source: 'g0', alerts: [{ i: 0, firing: true }] },
      { dt: 60_000, source: 'g0', alerts: [{ i: 1, firing: true }] },
    ]);
    const { stored, ends } = store(A, events);
    const merged = diffReplay(replayed({ ...A, groupBy: undefined }, stored, ends), 5);
    expect(merged.merged.examples).toMatchObject([{ incident: 1, alerts: 2, others: [101, 102] }]);
    const waits = diffReplay(replayed({ ...A, openAfter: { count: 2, within: 60_000 } }, stored, ends), 5);
    expect(waits.wouldNotOpen.count).toBe(2);
  });
});

describe('replay arguments', () => {
  const now = new Date('2026-03-08T00:00:00Z');
  it('reads --since as the period up to now, and --from/--until as given', () => {
    expect(parseReplayArgs(['--config', 'b.yaml', '--since', '7d'], now)).toEqual({
      config: 'b.yaml',
      against: undefined,
      from: new Date('2026-03-01T00:00:00Z'),
      until: now,
      limit: 5,
      json: false,
    });
    const a = parseReplayArgs(
      ['--config', 'b.yaml', '--from', '2026-03-01T00:00:00Z', '--until', '2026-03-02T00:00:00Z', '--json', '--limit', '2'],
      now,
    );
    expect([a.from.toISOString(), a.until.toISOString(), a.limit, a.json]).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
      2,
      true,
    ]);
  });
  it('reads --against as a config file or "stored"', () => {
    expect(parseReplayArgs(['--config', 'b.yaml', '--since', '1d', '--against', 'a.yaml'], now).against).toBe('a.yaml');
    expect(parseReplayArgs(['--config', 'b.yaml', '--since', '1d', '--against', 'stored'], now).against).toBe('stored');
    expect(() => parseReplayArgs(['--config', 'b.yaml', '--since', '1d', '--against', ''], now)).toThrow(/--against names a config file/);
  });
  it('refuses what it cannot read, saying why', () => {
    expect(() => parseReplayArgs(['--since', '7d'], now)).toThrow(/--config <file>/);
    expect(() => parseReplayArgs(['--config', 'b.yaml', '--since', 'week'], now)).toThrow(/--since expects a duration/);
    expect(() => parseReplayArgs(['--config', 'b.yaml'], now)).toThrow(UsageError);
    expect(() => parseReplayArgs(['--config', 'b.yaml', '--since', '1d', '--bogus'], now)).toThrow(/bogus/);
  });
});

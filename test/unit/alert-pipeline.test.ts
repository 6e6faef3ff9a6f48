import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, planGroup, type GroupState, type IncomingAlert, type Pipeline, type PipelineSilence } from '../../src/alerts/decide.js';
import { groupKeyOf } from '../../src/alerts/grouping.js';
import type { Matcher } from '../../src/alerts/matchers.js';
import { reasonOf } from '../../src/alerts/reason.js';
import { route, type AlertRoute } from '../../src/alerts/route.js';

const AT = new Date('2026-03-01T12:00:00Z');
const eq = (name: string, value: string): Matcher => ({ name, op: '=', value });
const r = (match: Matcher[], more: Partial<AlertRoute> = {}): AlertRoute => ({ match, drop: false, continue: false, ...more });

describe('route', () => {
  const routes = [
    r([eq('team', 'db')], { set: { severity: 'sev1' }, continue: true }),
    r([eq('team', 'db')], { set: { severity: 'sev3', service: 'postgres' } }),
    r([eq('team', 'db')], { set: { type: 'data' } }),
    r([eq('alertname', 'Watchdog')], { drop: true }),
  ];
  it('lets the first match set a field and a continued match add only what is unset', () => {
    expect(route({ integration: 'prom', labels: { team: 'db' } }, routes)).toEqual({
      routes: [0, 1],
      set: { severity: 'sev1', service: 'postgres' },
      dropped: false,
    });
  });
  it('drops, and skips routes of other integrations', () => {
    expect(route({ integration: 'prom', labels: { alertname: 'Watchdog' } }, routes).dropped).toBe(true);
    expect(route({ integration: 'pd', labels: { team: 'db' } }, [r([eq('team', 'db')], { integration: 'prom' })]).routes).toEqual([]);
  });
  it('picks the first matching route when none continues', () => {
    const labelsArb = fc.record({ team: fc.constantFrom('db', 'web'), env: fc.constantFrom('prod', 'dev') });
    const routeArb = fc.record({
      name: fc.constantFrom('team', 'env'),
      value: fc.constantFrom('db', 'web', 'prod', 'dev'),
      drop: fc.boolean(),
    });
    fc.assert(
      fc.property(labelsArb, fc.array(routeArb, { maxLength: 6 }), (labels, specs) => {
        const rs = specs.map((s) => r([eq(s.name, s.value)], { drop: s.drop }));
        const first = rs.findIndex((x) => x.match.every((m) => labels[m.name as 'team'] === m.value));
        const got = route({ integration: 'prom', labels }, rs);
        expect(got.routes).toEqual(first < 0 ? [] : [first]);
        expect(got.dropped).toBe(first >= 0 && rs[first]!.drop);
      }),
    );
  });
});

describe('groupKeyOf', () => {
  it('is the sorted name=value pairs of group_by, a missing label empty, else the source key', () => {
    expect(groupKeyOf({ cluster: 'eu', alertname: 'DiskFull', x: '1' }, ['cluster', 'alertname', 'team'], 'src')).toBe(
      'alertname=DiskFull,cluster=eu,team=',
    );
    expect(groupKeyOf({ a: '1' }, undefined, '{}:{alertname="X"}')).toBe('{}:{alertname="X"}');
  });
});

describe('reasonOf', () => {
  it('reads as route · group · outcome', () => {
    const routes = [r([eq('team', 'web')]), r([eq('team', 'db')], { set: { severity: 'sev1' } })];
    const routing = route({ integration: 'prom', labels: { team: 'db' } }, routes);
    expect(
      reasonOf({
        routing,
        routes,
        groupKey: 'alertname=DiskFull,cluster=eu',
        byLabels: true,
        decision: { outcome: 'opened', inIncident: true, firingInWindow: 3 },
        openAfter: { count: 3, within: 300_000 },
        silence: undefined,
        incident: 'INC-12',
      }),
    ).toBe('route 2 {team="db"} → sev1 · group alertname=DiskFull,cluster=eu · opened INC-12 (3 alerts in 5m)');
  });
});

// A whole pipeline in memory: groups with their alerts, and incidents with the fingerprints they hold.
function simulate(pipeline: Pipeline, batches: IncomingAlert[][]) {
  const groups = new Map<string, GroupState & { incident: number | null }>();
  const incidents: Array<Set<string>> = [];
  const outcomes = new Map<string, string[]>();
  for (const batch of batches) {
    const byGroup = new Map<string, Array<{ alert: IncomingAlert; classified: ReturnType<typeof classify> }>>();
    for (const alert of batch) {
      const classified = classify(alert, pipeline, AT);
      const list = byGroup.get(classified.groupKey) ?? [];
      list.push({ alert, classified });
      byGroup.set(classified.groupKey, list);
    }
    for (const [key, items] of byGroup) {
      const state = groups.get(key) ?? { hasIncident: false, incident: null, alerts: new Map() };
      const plan = planGroup(state, items, pipeline.openAfter, AT, pipeline.silences);
      let incident = state.incident;
      if (plan.openedBy !== undefined) {
        incident = incidents.push(new Set(plan.attach)) - 1;
      }
      plan.decisions.forEach((d, i) => {
        const fp = items[i]!.alert.fingerprint;
        outcomes.set(fp, [...(outcomes.get(fp) ?? []), d.outcome]);
        if ((d.outcome === 'joined' || d.outcome === 'opened') && incident !== null) incidents[incident]!.add(fp);
      });
      groups.set(key, { hasIncident: incident !== null, incident, alerts: plan.alerts });
    }
  }
  const canonical = incidents.map((s) => [...s].sort().join(',')).sort();
  return { canonical, outcomes, incidents };
}

const alertArb = (fingerprint: string) =>
  fc.record({
    integration: fc.constant('prom'),
    fingerprint: fc.constant(fingerprint),
    status: fc.constantFrom<'firing' | 'resolved'>('firing', 'firing', 'resolved'),
    labels: fc.record({
      alertname: fc.constantFrom('DiskFull', 'HighLatency', 'Watchdog'),
      cluster: fc.constantFrom('eu', 'us'),
      team: fc.constantFrom('db', 'web'),
    }),
    sourceGroupKey: fc.constantFrom('g1', 'g2'),
  });

const batchArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 12 })
  .chain((ids) => fc.tuple(...ids.map((id) => alertArb(`fp${id}`))));

const silence = (id: number, matchers: Matcher[]): PipelineSilence => ({
  id,
  ref: `#${id}`,
  matchers,
  startsAt: new Date(AT.getTime() - 60_000),
  endsAt: new Date(AT.getTime() + 60_000),
  stopPages: false,
});

const pipelineArb = fc.record({
  routes: fc.subarray([r([eq('alertname', 'Watchdog')], { drop: true }), r([eq('team', 'db')], { set: { severity: 'sev1' } })]),
  groupBy: fc.constantFrom(undefined, ['alertname'], ['alertname', 'cluster']),
  openAfter: fc.option(fc.record({ count: fc.integer({ min: 1, max: 4 }), within: fc.constant(300_000) }), { nil: undefined }),
  silences: fc.subarray([silence(1, [eq('cluster', 'us')]), silence(2, [eq('team', 'web'), eq('alertname', 'HighLatency')])]),
}) as fc.Arbitrary<Pipeline>;

describe('the pipeline over batches (properties)', () => {
  it('never both silences and opens or joins an alert, and never lets a dropped alert open anything', () => {
    fc.assert(
      fc.property(pipelineArb, fc.array(batchArb, { maxLength: 4 }), (pipeline, batches) => {
        const { incidents } = simulate(pipeline, batches);
        const held = new Set(incidents.flatMap((s) => [...s]));
        for (const batch of batches)
          for (const alert of batch) {
            const c = classify(alert, pipeline, AT);
            if (c.routing.dropped) expect(c.silence).toBeUndefined();
            if ((c.silence || c.routing.dropped) && batches.flat().filter((a) => a.fingerprint === alert.fingerprint).length === 1)
              expect(held.has(alert.fingerprint)).toBe(false);
          }
      }),
    );
  });

  it('gives a silenced or dropped alert that outcome, whatever its group', () => {
    fc.assert(
      fc.property(pipelineArb, batchArb, (pipeline, batch) => {
        const { outcomes } = simulate(pipeline, [batch]);
        for (const alert of batch) {
          const c = classify(alert, pipeline, AT);
          const got = outcomes.get(alert.fingerprint)![0];
          if (c.routing.dropped) expect(got).toBe('dropped');
          else if (c.silence) expect(got).toBe('silenced');
          else expect(['opened', 'joined', 'waiting', 'duplicate', 'resolved']).toContain(got);
        }
      }),
    );
  });

  it('opens the same incidents holding the same alerts whatever the order within each batch', () => {
    fc.assert(
      fc.property(
        pipelineArb,
        fc
          .array(batchArb, { maxLength: 4 })
          .chain((batches) =>
            fc.tuple(
              fc.constant(batches),
              fc.tuple(...batches.map((b) => fc.shuffledSubarray(b, { minLength: b.length, maxLength: b.length }))),
            ),
          ),
        (pipeline, [batches, shuffled]) => {
          expect(simulate(pipeline, shuffled).canonical).toEqual(simulate(pipeline, batches).canonical);
        },
      ),
    );
  });

  it('waits for open_after and then takes the waiting alerts along', () => {
    const pipeline: Pipeline = { routes: [], groupBy: ['alertname'], openAfter: { count: 3, within: 300_000 }, silences: [] };
    const a = (fp: string): IncomingAlert => ({
      integration: 'prom',
      fingerprint: fp,
      status: 'firing',
      labels: { alertname: 'DiskFull' },
      sourceGroupKey: fp,
    });
    const { outcomes, incidents } = simulate(pipeline, [[a('1')], [a('2')], [a('3')], [a('4')]]);
    expect([...outcomes.values()].map((o) => o[0])).toEqual(['waiting', 'waiting', 'opened', 'joined']);
    expect(incidents.map((s) => [...s].sort())).toEqual([['1', '2', '3', '4']]);
  });

  it('leaves out of open_after a waiting alert that a silence begun since holds now: neither counted nor taken along', () => {
    const later = silence(9, [eq('host', 'a')]);
    const byLabels = (fp: string, host: string) => ({
      alert: {
        integration: 'prom',
        fingerprint: fp,
        status: 'firing' as const,
        labels: { alertname: 'DiskFull', host },
        sourceGroupKey: 'g',
      },
    });
    const state: GroupState = {
      hasIncident: false,
      alerts: new Map([
        [
          '1',
          {
            status: 'firing',
            lastFiringAt: new Date(AT.getTime() - 60_000),
            resolvedAt: null,
            labels: { alertname: 'DiskFull', host: 'a' },
          },
        ],
      ]),
    };
    const pipeline: Pipeline = { routes: [], groupBy: ['alertname'], openAfter: { count: 3, within: 300_000 }, silences: [later] };
    const batch = [byLabels('2', 'b'), byLabels('3', 'c')].map(({ alert }) => ({ alert, classified: classify(alert, pipeline, AT) }));
    const held = planGroup(state, batch, pipeline.openAfter, AT, pipeline.silences);
    expect(held.decisions.map((d) => d.outcome)).toEqual(['waiting', 'waiting']);
    expect(held.openedBy).toBeUndefined();
    // Without the silence the same three open, the first taken along.
    const free = planGroup(state, batch, pipeline.openAfter, AT, []);
    expect(free.openedBy).toBe(0);
    expect([...free.attach].sort()).toEqual(['1', '2', '3']);
    // With two needed, the batch opens by itself and leaves the held one out.
    const two = planGroup(state, batch, { count: 2, within: 300_000 }, AT, pipeline.silences);
    expect(two.decisions[0]).toEqual({ outcome: 'opened', inIncident: true, firingInWindow: 2 });
    expect([...two.attach].sort()).toEqual(['2', '3']);
    // It stays known to the group as it was stored: waiting, not silenced.
    expect(two.alerts.get('1')?.status).toBe('firing');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dependencyCycle } from '../../src/config/services.js';
import { parseConfig } from '../../src/config/load.js';
import {
  dependenciesOf,
  dependentsOf,
  pagesOwners,
  policiesToPage,
  servicesByIds,
  unknownServiceIds,
} from '../../src/incidents/services.js';
import { serviceInsights } from '../../src/postmortems/service-insights.js';

const service = (id: string, tier: number, depends_on: string[] = [], policy?: string) => ({
  id,
  name: id.toUpperCase(),
  tier,
  owners: { users: [], ...(policy ? { policy } : {}) },
  depends_on,
});

const CATALOGUE = {
  services: [
    service('web', 2, ['api'], 'web-oncall'),
    service('api', 1, ['db', 'cache'], 'api-oncall'),
    service('db', 1, [], 'api-oncall'),
    service('cache', 3),
  ],
  pageTiers: [1],
};

describe('the service catalogue', () => {
  it('finds every dependency, nearest first, and whoever depends on an affected service', () => {
    expect(dependenciesOf(CATALOGUE, 'web')).toEqual(['api', 'db', 'cache']);
    expect(dependenciesOf(CATALOGUE, 'db')).toEqual([]);
    expect(dependentsOf(CATALOGUE, ['db'])).toEqual(['web', 'api']);
    expect(dependentsOf(CATALOGUE, ['api', 'db'])).toEqual(['web']);
  });

  it('pages the owning policy only for tiers in page_tiers, each policy once', () => {
    expect(pagesOwners(CATALOGUE, 1)).toBe(true);
    expect(pagesOwners(CATALOGUE, 2)).toBe(false);
    expect(policiesToPage(CATALOGUE, servicesByIds(CATALOGUE, ['web', 'api', 'db', 'cache']))).toEqual(['api-oncall']);
    expect(policiesToPage({ ...CATALOGUE, pageTiers: [1, 2] }, servicesByIds(CATALOGUE, ['web', 'api']))).toEqual([
      'web-oncall',
      'api-oncall',
    ]);
  });

  it('names the ids it does not know, once each', () => {
    expect(unknownServiceIds(CATALOGUE, ['api', 'nope', 'nope', 'zzz'])).toEqual(['nope', 'zzz']);
  });

  it('finds a dependency cycle exactly when there is one', () => {
    expect(dependencyCycle(CATALOGUE.services)).toBeUndefined();
    expect(dependencyCycle([service('a', 1, ['b']), service('b', 1, ['c']), service('c', 1, ['a'])])).toEqual(['a', 'b', 'c', 'a']);
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(5), { maxLength: 3 }), { minLength: 1, maxLength: 6 }), (edges) => {
        // Edges only to later services can never go round.
        const acyclic = edges.map((to, i) =>
          service(
            `s${i}`,
            1,
            to.filter((j) => j > i && j < edges.length).map((j) => `s${j}`),
          ),
        );
        expect(dependencyCycle(acyclic)).toBeUndefined();
        const cycle = dependencyCycle(
          edges.map((to, i) =>
            service(
              `s${i}`,
              1,
              to.filter((j) => j < edges.length).map((j) => `s${j}`),
            ),
          ),
        );
        if (cycle) expect(cycle[0]).toBe(cycle.at(-1));
      }),
    );
  });
});

describe('page_tiers and services in the config', () => {
  it('defaults page_tiers to [1] and refuses a tier out of 1–4', () => {
    expect(parseConfig({}, undefined).pageTiers).toEqual([1]);
    expect(parseConfig({ page_tiers: [1, 2] }, undefined).pageTiers).toEqual([1, 2]);
    expect(() => parseConfig({ page_tiers: [5] }, 'f.yaml')).toThrow(/page_tiers.*tier from 1/s);
  });

  it('refuses services that depend on each other in a circle, naming them', () => {
    const services = [
      { id: 'a', name: 'A', tier: 1, depends_on: ['b'] },
      { id: 'b', name: 'B', tier: 1, depends_on: ['a'] },
    ];
    expect(() => parseConfig({ services }, 'f.yaml')).toThrow(/services.*a → b → a/s);
  });
});

describe('insights by service', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const at = (days: number) => new Date(now.getTime() - days * 86_400_000);
  it('counts incidents per service per period and the services whose dependencies were affected', () => {
    const result = serviceInsights(
      CATALOGUE,
      [
        { createdAt: at(1), status: 'resolved', services: ['db'] },
        { createdAt: at(2), status: 'investigating', services: ['db', 'api'] },
        { createdAt: at(3), status: 'declined', services: ['cache'] },
        { createdAt: at(10), status: 'resolved', services: ['db'] },
      ],
      { days: 7, now },
    );
    expect(result.byService).toEqual([
      { service: 'db', current: 2, previous: 1 },
      { service: 'api', current: 1, previous: 0 },
    ]);
    expect(result.dependenciesAffected).toEqual([
      { service: 'web', count: 2, via: ['api', 'db'] },
      { service: 'api', count: 1, via: ['db'] },
    ]);
  });
});

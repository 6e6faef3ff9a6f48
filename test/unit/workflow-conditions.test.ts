import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditionsHold, type Conditions, type IncidentFacts } from '../../src/automation/conditions.js';

const ORDER = ['sev1', 'sev2', 'sev3', 'sev4'];
const facts: IncidentFacts = {
  severity: 'sev2',
  type: 'security',
  services: ['payments-api'],
  tiers: [2],
  private: false,
  source: 'slack',
  status: 'investigating',
};

const severity = fc.constantFrom(...ORDER);
const incident = fc.record({
  severity,
  type: fc.option(fc.constantFrom('security', 'availability')),
  services: fc.subarray(['payments-api', 'postgres']),
  tiers: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
  private: fc.boolean(),
  source: fc.constantFrom('slack', 'api', 'console', 'prom'),
  status: fc.constantFrom('triage', 'investigating', 'resolved'),
});
const condition: fc.Arbitrary<Conditions> = fc.oneof(
  fc.record({
    severity: fc.oneof(
      fc.subarray(ORDER, { minLength: 1 }),
      severity.map((s) => ({ at_least: s })),
    ),
  }),
  fc.record({ type: fc.subarray(['security', 'availability'], { minLength: 1 }) }),
  fc.record({ service: fc.subarray(['payments-api', 'postgres'], { minLength: 1 }) }),
  fc.record({ tier: fc.record({ at_most: fc.integer({ min: 1, max: 4 }) }) }),
  fc.record({ private: fc.boolean() }),
  fc.record({ source: fc.subarray(['slack', 'alert', 'api'], { minLength: 1 }) }),
  fc.record({ status: fc.subarray(['triage', 'investigating'], { minLength: 1 }) }),
);

describe('workflow conditions', () => {
  it('holds with no conditions', () => {
    expect(conditionsHold(undefined, facts, ORDER)).toBe(true);
    expect(conditionsHold({}, facts, ORDER)).toBe(true);
  });

  it('reads severity at_least by the configured order, most severe first', () => {
    expect(conditionsHold({ severity: { at_least: 'sev2' } }, facts, ORDER)).toBe(true);
    expect(conditionsHold({ severity: { at_least: 'sev1' } }, facts, ORDER)).toBe(false);
    expect(conditionsHold({ severity: { at_least: 'sev3' } }, { ...facts, severity: 'sev1' }, ORDER)).toBe(true);
    expect(conditionsHold({ severity: { at_least: 'sev2' } }, { ...facts, severity: 'sev4' }, ['sev4', 'sev3', 'sev2', 'sev1'])).toBe(true);
  });

  it('matches a source of alert for any integration, not for a person declaring', () => {
    expect(conditionsHold({ source: ['alert'] }, { ...facts, source: 'prom' }, ORDER)).toBe(true);
    expect(conditionsHold({ source: ['alert'] }, facts, ORDER)).toBe(false);
  });

  it('reads the tier of the most critical service, and none without services', () => {
    expect(conditionsHold({ tier: { at_most: 2 } }, { ...facts, tiers: [3, 2] }, ORDER)).toBe(true);
    expect(conditionsHold({ tier: { at_most: 1 } }, { ...facts, tiers: [3, 2] }, ORDER)).toBe(false);
    expect(conditionsHold({ tier: { at_most: 4 } }, { ...facts, tiers: [] }, ORDER)).toBe(false);
  });

  it('at_least sevN holds exactly for the severities listed up to sevN', () => {
    fc.assert(
      fc.property(incident, severity, (f, bound) => {
        const upTo = ORDER.slice(0, ORDER.indexOf(bound) + 1);
        expect(conditionsHold({ severity: { at_least: bound } }, f, ORDER)).toBe(conditionsHold({ severity: upTo }, f, ORDER));
      }),
    );
  });

  it('holds for several conditions exactly when each holds on its own', () => {
    fc.assert(
      fc.property(incident, fc.array(condition, { maxLength: 4 }), (f, parts) => {
        const merged = Object.assign({}, ...parts) as Conditions;
        const keys = Object.keys(merged) as (keyof Conditions)[];
        const each = keys.every((k) => conditionsHold({ [k]: merged[k] } as Conditions, f, ORDER));
        expect(conditionsHold(merged, f, ORDER)).toBe(each);
      }),
    );
  });
});

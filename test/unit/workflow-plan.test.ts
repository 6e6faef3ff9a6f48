import { describe, expect, it } from 'vitest';
import { planWorkflows, type PlanIncident } from '../../src/automation/plan.js';

const ORDER = ['sev1', 'sev2', 'sev3', 'sev4'];
const t = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));
const incident = (over: Partial<PlanIncident> = {}): PlanIncident => ({
  key: 'INC-1',
  facts: { severity: 'sev1', type: null, services: [], tiers: [], private: false, source: 'slack', status: 'resolved' },
  endedAt: t(120),
  events: [
    { kind: 'declared', data: { lead: null }, occurredAt: t(0) },
    { kind: 'status_update', data: {}, occurredAt: t(10) },
    { kind: 'role_assigned', data: { role: 'lead', user: 'U0A' }, occurredAt: t(20) },
    { kind: 'status_changed', data: { from: 'investigating', to: 'resolved' }, occurredAt: t(90) },
  ],
  ...over,
});

describe('the workflows plan', () => {
  it('runs event triggers at each occurrence and only where conditions hold', () => {
    const runs = planWorkflows(
      [
        { id: 'sev1', when: 'declared', if: { severity: ['sev1'] }, actions: ['page'] },
        { id: 'sev2', when: 'declared', if: { severity: ['sev2'] }, actions: ['page'] },
        { id: 'resolved', when: 'resolved', actions: ['post'] },
        { id: 'roles', when: 'role_assigned', actions: ['post'] },
      ],
      [incident()],
      ORDER,
      t(200),
    );
    expect(runs.map((r) => [r.workflow, r.at])).toEqual([
      ['sev1', t(0)],
      ['roles', t(20)],
      ['resolved', t(90)],
    ]);
  });

  it('fires *_for triggers once per stretch at least `after` long, ending at resolution', () => {
    const runs = planWorkflows(
      [
        { id: 'quiet', when: 'no_update_for', after: 30 * 60_000, actions: ['post'] },
        { id: 'leaderless', when: 'lead_missing_for', after: 15 * 60_000, actions: ['invite'] },
        { id: 'leaderless-long', when: 'lead_missing_for', after: 25 * 60_000, actions: ['invite'] },
      ],
      [incident()],
      ORDER,
      t(200),
    );
    // 10 → 90 is the one quiet stretch of 30 minutes; 90 → 120 (resolved) as well.
    expect(runs.map((r) => [r.workflow, r.at])).toEqual([
      ['leaderless', t(15)],
      ['quiet', t(40)],
      ['quiet', t(120)],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { findWorkflowLoop, triggersOfEvent } from '../../src/automation/triggers.js';

describe('triggersOfEvent', () => {
  it.each([
    ['declared', { title: 'x' }, ['declared']],
    ['declared', { title: 'x', type: 'security' }, ['declared', 'type_set']],
    ['status_changed', { from: 'investigating', to: 'identified' }, ['status_changed']],
    ['status_changed', { from: 'monitoring', to: 'resolved' }, ['status_changed', 'resolved']],
    ['status_changed', { from: 'resolved', to: 'closed' }, ['status_changed', 'closed']],
    ['severity_changed', { from: 'sev3', to: 'sev1' }, ['severity_changed']],
    ['type_changed', { from: null, to: 'data' }, ['type_set']],
    ['service_added', { services: ['search'] }, ['service_added']],
    ['role_assigned', { role: 'lead', user: 'U0BOB' }, ['role_assigned']],
    ['status_update', { message: 'still down' }, []],
    ['some_future_kind', null, []],
  ])('%s %j is an occurrence of %j', (kind, data, expected) => {
    expect(triggersOfEvent(kind, data)).toEqual(expected);
  });
});

describe('findWorkflowLoop', () => {
  it('finds a workflow whose role action starts itself', () => {
    expect(findWorkflowLoop([{ id: 'self', when: 'role_assigned', actions: ['role'] }])).toEqual(['self', 'self']);
  });

  it('follows a chain through another workflow, and finds none when the chain ends', () => {
    const a = { id: 'a', when: 'declared' as const, actions: ['role' as const] };
    const b = { id: 'b', when: 'role_assigned' as const, actions: ['post' as const] };
    expect(findWorkflowLoop([a, b])).toBeUndefined();
    const c = { id: 'c', when: 'role_assigned' as const, actions: ['role' as const] };
    expect(findWorkflowLoop([a, c])).toEqual(['c', 'c']);
  });
});

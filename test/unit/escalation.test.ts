import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escalationStep, personPolicy, resolveLevel, type FrozenPolicy, type PagePosition } from '../../src/paging/policy.js';

const twoLevels: FrozenPolicy = {
  id: 'primary',
  repeat: 1,
  levels: [
    { delayMs: 60_000, targets: [{ user: 'U1' }] },
    { delayMs: 60_000, targets: [{ user: 'U2' }, { user: 'U3' }] },
  ],
};
const now = new Date('2026-06-01T12:00:00Z');
const due = new Date(now.getTime() - 1);
const later = new Date(now.getTime() + 1);
const at = (state: PagePosition['state'], level: number, loop: number, nextEscalationAt: Date | null = due): PagePosition => ({
  state,
  level,
  loop,
  nextEscalationAt,
});

describe('the escalation step', () => {
  it('moves a due page to the next level of the same pass', () => {
    expect(escalationStep(twoLevels, at('triggered', 0, 0), now)).toEqual({ kind: 'notify', level: 1, loop: 0 });
  });

  it('starts the next pass at level 1 after the last level while passes remain', () => {
    expect(escalationStep(twoLevels, at('triggered', 1, 0), now)).toEqual({ kind: 'notify', level: 0, loop: 1 });
  });

  it('exhausts the page after the last level of the last pass', () => {
    expect(escalationStep(twoLevels, at('triggered', 1, 1), now)).toEqual({ kind: 'exhaust' });
    expect(escalationStep(personPolicy('U9'), at('triggered', 0, 0), now)).toEqual({ kind: 'exhaust' });
  });

  it('waits while the level delay has not passed, unless someone escalates now', () => {
    expect(escalationStep(twoLevels, at('triggered', 0, 0, later), now)).toEqual({ kind: 'none', why: 'not-due' });
    expect(escalationStep(twoLevels, at('triggered', 0, 0, later), now, true)).toEqual({ kind: 'notify', level: 1, loop: 0 });
  });

  it('never moves an acknowledged, resolved or exhausted page, even when escalated by hand', () => {
    for (const state of ['acknowledged', 'resolved', 'exhausted'] as const) {
      for (const manual of [false, true])
        expect(escalationStep(twoLevels, at(state, 0, 0), now, manual)).toEqual({ kind: 'none', why: 'not-triggered' });
    }
  });

  it('notifies every level of every pass exactly once before exhausting, for any policy shape', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 5 }), (levels, repeat) => {
        const policy: FrozenPolicy = {
          id: 'p',
          repeat,
          levels: Array.from({ length: levels }, (_, i) => ({ delayMs: 1_000, targets: [{ user: `U${i}` }] })),
        };
        let page = at('triggered', 0, 0);
        const visited = ['0:0'];
        for (;;) {
          const step = escalationStep(policy, page, now);
          if (step.kind === 'exhaust') break;
          if (step.kind !== 'notify') throw new Error('a due page must move');
          visited.push(`${step.loop}:${step.level}`);
          page = at('triggered', step.level, step.loop);
        }
        const expected = Array.from({ length: repeat + 1 }, (_, loop) =>
          Array.from({ length: levels }, (_, level) => `${loop}:${level}`),
        ).flat();
        expect(visited).toEqual(expected);
      }),
    );
  });
});

describe('resolving a level', () => {
  it('lists each user once and names schedules with nobody on call as skipped', () => {
    const policy: FrozenPolicy = {
      id: 'p',
      repeat: 0,
      levels: [
        {
          delayMs: 1_000,
          targets: [
            { user: 'U1' },
            { user: 'U1' },
            {
              schedule: {
                id: 'later',
                timeZone: 'UTC',
                rotation: { start: '2099-01-01T00:00', lengthMs: 86_400_000, users: ['U2'] },
                overrides: [],
              },
            },
            {
              schedule: {
                id: 'now',
                timeZone: 'UTC',
                rotation: { start: '2020-01-01T00:00', lengthMs: 86_400_000, users: ['U3'] },
                overrides: [],
              },
            },
          ],
        },
      ],
    };
    expect(resolveLevel(policy, 0, now)).toEqual({ users: ['U1', 'U3'], skipped: ['later'] });
  });
});

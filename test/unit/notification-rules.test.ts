import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { CONTACT_METHODS } from '../../src/config/people.js';
import { frozenRules, frozenRulesSchema, maskAddress, plannedAttempts, rulesFor } from '../../src/paging/rules.js';

describe('notification rules on a page', () => {
  const config = parseConfig(
    {
      people: [
        {
          user: 'U0ALICE',
          rules: [
            { after: '0m', via: ['slack', 'push'] },
            { after: '2m', via: ['sms'] },
          ],
        },
        { user: 'U0BOB', email: 'bob@example.com' },
      ],
      notify_defaults: [{ after: '0m', via: ['slack', 'email'] }],
    },
    'f.yaml',
  );

  it('freeze each person’s own rules and the defaults for everyone else, as JSON a page keeps', () => {
    const frozen = frozenRules(config, new Map());
    expect(frozenRulesSchema.parse(JSON.parse(JSON.stringify(frozen)))).toEqual(frozen);
    expect(rulesFor(frozen, 'U0ALICE')).toEqual([
      { after: 0, via: ['slack', 'push'] },
      { after: 120_000, via: ['sms'] },
    ]);
    expect(rulesFor(frozen, 'U0BOB')).toEqual([{ after: 0, via: ['slack', 'email'] }]);
    expect(rulesFor(frozen, 'U0NOBODY')).toEqual([{ after: 0, via: ['slack', 'email'] }]);
  });

  it('plan one attempt per method and rule besides Slack, each at its rule’s delay', () => {
    expect(plannedAttempts(rulesFor(frozenRules(config, new Map()), 'U0ALICE'))).toEqual([
      { method: 'push', step: 0, afterMs: 0 },
      { method: 'sms', step: 1, afterMs: 120_000 },
    ]);
  });

  it('plan every named method but Slack exactly once per rule, whatever the rules', () => {
    const rule = fc.record({ after: fc.nat(), via: fc.array(fc.constantFrom(...CONTACT_METHODS), { minLength: 1, maxLength: 8 }) });
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 6 }), (rules) => {
        const planned = plannedAttempts(rules);
        const expected = rules.flatMap((r, step) =>
          [...new Set(r.via)].filter((m) => m !== 'slack').map((method) => `${step}:${method}:${r.after}`),
        );
        expect(planned.map((p) => `${p.step}:${p.method}:${p.afterMs}`)).toEqual(expected);
      }),
    );
  });

  it('mask addresses so a receipt names them without giving them away', () => {
    expect(maskAddress('email', 'alice@example.com')).toBe('a…e@example.com');
    expect(maskAddress('email', 'a@example.com')).toBe('a…@example.com');
    expect(maskAddress('sms', '+4915112345678')).toBe('+49…5678');
    expect(maskAddress('voice', '+4915112345678')).toBe('+49…5678');
    expect(maskAddress('push', 'alice-pager-7f3k')).toBe('ali…');
  });
});

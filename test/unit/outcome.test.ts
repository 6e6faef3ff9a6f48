import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { command, msg, person, refuse } from '../../src/outcome.js';
import { mrkdwn, say } from '../../src/slack/outcome.js';

describe('a domain message', () => {
  it('keeps people and commands as parts, and text, numbers included, as text', () => {
    expect(msg`${person('U0ALICE')} is now the lead on ${'INC-4'}; ${3} left. Run ${command('postmortem')}.`).toEqual([
      { user: 'U0ALICE' },
      ' is now the lead on INC-4; 3 left. Run ',
      { command: 'postmortem' },
      '.',
    ]);
  });

  it('joins neighbouring text into one part and leaves out empty text', () => {
    expect(msg`${''}a${'b'}${''}c`).toEqual(['abc']);
    expect(msg`${person('U1')}${person('U2')}`).toEqual([{ user: 'U1' }, { user: 'U2' }]);
  });

  it('is the same text as a template string when it names no person and no command', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.array(fc.oneof(fc.string(), fc.integer())), (texts, values) => {
        const strings = Object.assign([...texts, ''], { raw: [...texts, ''] }) as unknown as TemplateStringsArray;
        const used = values.slice(0, texts.length);
        const expected = texts.map((t, i) => t + (used[i] ?? '')).join('');
        expect(mrkdwn(msg(strings, ...used))).toBe(expected);
      }),
    );
  });
});

describe('a message in Slack', () => {
  it('names people as mentions and commands as code', () => {
    expect(mrkdwn(msg`Paging ${person('U0BOB')}; or ${command('page @someone')}.`)).toBe('Paging <@U0BOB>; or `/incident page @someone`.');
  });

  it('marks a refusal with a warning sign and says a success as it is', () => {
    expect(say(refuse('not_found', msg`INC-9 does not exist.`))).toBe('⚠️ INC-9 does not exist.');
    expect(say({ ok: true, message: msg`Done.` })).toBe('Done.');
  });

  it('keeps the field a refusal names, and leaves it out when it names none', () => {
    expect(refuse('invalid', msg`Say what to note.`, 'text')).toEqual({
      ok: false,
      code: 'invalid',
      message: ['Say what to note.'],
      field: 'text',
    });
    expect(refuse('final', msg`Over.`)).not.toHaveProperty('field');
  });
});

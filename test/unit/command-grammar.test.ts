import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { helpText, parseCommand, SUBCOMMANDS } from '../../src/slack/commands/registry.js';

const SEVERITIES = {
  severities: ['sev1', 'sev2', 'sev3', 'sev4'],
  roles: ['comms', 'scribe', 'ops'],
  types: ['availability', 'security', 'other'],
};

describe('/incident grammar', () => {
  it('reads a severity and a title from declare', () => {
    expect(parseCommand('declare sev2 Payments API returning 500s', SEVERITIES)).toEqual({
      kind: 'declare',
      severity: 'sev2',
      title: 'Payments API returning 500s',
    });
  });

  it('takes the severity in any letter case', () => {
    expect(parseCommand('DECLARE SEV1 Down', SEVERITIES)).toEqual({ kind: 'declare', severity: 'sev1', title: 'Down' });
  });

  it('leaves the severity unset when the first word is part of the title', () => {
    expect(parseCommand('declare Search latency high', SEVERITIES)).toEqual({
      kind: 'declare',
      severity: undefined,
      title: 'Search latency high',
    });
  });

  it('opens the form for declare without a title, keeping a given severity', () => {
    expect(parseCommand('declare', SEVERITIES)).toEqual({ kind: 'declare', severity: undefined, title: '' });
    expect(parseCommand('declare sev1', SEVERITIES)).toEqual({ kind: 'declare', severity: 'sev1', title: '' });
  });

  it('refuses a severity that is not configured, naming the allowed ones', () => {
    const parsed = parseCommand('declare sev9 Broken', SEVERITIES);
    expect(parsed).toEqual({ kind: 'invalid', message: 'Unknown severity "sev9". Choose one of: sev1, sev2, sev3, sev4.' });
  });

  it('accepts severities named in the config, whatever they are called', () => {
    expect(parseCommand('declare p1 Checkout down', { ...SEVERITIES, severities: ['p1', 'p2'] })).toEqual({
      kind: 'declare',
      severity: 'p1',
      title: 'Checkout down',
    });
  });

  it('treats empty text and help as a request for help', () => {
    expect(parseCommand('', SEVERITIES)).toEqual({ kind: 'help' });
    expect(parseCommand('  help ', SEVERITIES)).toEqual({ kind: 'help' });
  });

  it('reads drill like declare: an optional severity, then an optional title', () => {
    expect(parseCommand('drill sev2 Failover practice', SEVERITIES)).toEqual({
      kind: 'drill',
      severity: 'sev2',
      title: 'Failover practice',
    });
    expect(parseCommand('DRILL Failover practice', SEVERITIES)).toEqual({ kind: 'drill', severity: undefined, title: 'Failover practice' });
    expect(parseCommand('drill sev1', SEVERITIES)).toEqual({ kind: 'drill', severity: 'sev1', title: '' });
    expect(parseCommand('drill', SEVERITIES)).toEqual({ kind: 'drill', severity: undefined, title: '' });
  });

  it('refuses a drill with an unknown severity, listing the configured ones', () => {
    expect(parseCommand('drill sev9', SEVERITIES)).toEqual({
      kind: 'invalid',
      message: 'Unknown severity "sev9". Choose one of: sev1, sev2, sev3, sev4.',
    });
  });

  it('lists real incidents by default, drills only when asked, and refuses anything else', () => {
    expect(parseCommand('list', SEVERITIES)).toEqual({ kind: 'list', drills: false });
    expect(parseCommand('list drills', SEVERITIES)).toEqual({ kind: 'list', drills: true });
    expect(parseCommand('list everything', SEVERITIES)).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('list [drills]'),
    });
  });

  it('names an unknown subcommand', () => {
    expect(parseCommand('frobnicate now', SEVERITIES)).toEqual({ kind: 'unknown', name: 'frobnicate' });
  });

  it('lists every subcommand of the contract in help', () => {
    const names = [
      'declare',
      'drill',
      'status',
      'update',
      'severity',
      'lead',
      'role',
      'page',
      'oncall',
      'me',
      'note',
      'followup',
      'checklist',
      'type',
      'impact',
      'service',
      'statuspage',
      'silence',
      'silences',
      'alerts',
      'resolve',
      'close',
      'postmortem',
      'insights',
      'workflows',
      'digest',
      'list',
      'subscribe',
      'unsubscribe',
      'help',
    ];
    expect(SUBCOMMANDS.map((s) => s.name)).toEqual(names);
    for (const name of names) expect(helpText()).toContain(`/incident ${name}`);
  });

  it('never throws and always answers something, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => {
        const parsed = parseCommand(text, SEVERITIES);
        expect(parsed.kind).toMatch(
          /^(declare|drill|status|resolve|close|update|severity|lead|role|note|followup|checklist|type|impact|service|list|help|page|oncall|oncall_test|oncall_calendar|me|digest|postmortem|insights|workflows|subscribe|unsubscribe|unknown|invalid)$/,
        );
      }),
    );
  });
});

describe('/incident checklist', () => {
  it('names one checklist, or none to list them', () => {
    expect(parseCommand('checklist', SEVERITIES)).toEqual({ kind: 'checklist', ref: undefined, id: undefined });
    expect(parseCommand('checklist Sev1-Basics', SEVERITIES)).toEqual({ kind: 'checklist', ref: undefined, id: 'sev1-basics' });
    expect(parseCommand('INC-4 checklist sev1-basics', SEVERITIES)).toEqual({ kind: 'checklist', ref: 4, id: 'sev1-basics' });
    expect(parseCommand('checklist a b', SEVERITIES).kind).toBe('invalid');
  });
});

describe('/incident oncall test', () => {
  it('tests the person who asked when nobody is named', () => {
    expect(parseCommand('oncall test', SEVERITIES)).toEqual({ kind: 'oncall_test', user: undefined });
    expect(parseCommand('oncall TEST ', SEVERITIES)).toEqual({ kind: 'oncall_test', user: undefined });
  });

  it('tests the person a mention names, with or without their name in it', () => {
    expect(parseCommand('oncall test <@U0123ALICE>', SEVERITIES)).toEqual({ kind: 'oncall_test', user: 'U0123ALICE' });
    expect(parseCommand('oncall test <@W0BOB|bob>', SEVERITIES)).toEqual({ kind: 'oncall_test', user: 'W0BOB' });
  });

  it('explains how to mention when a plain @name is typed', () => {
    const parsed = parseCommand('oncall test @alice', SEVERITIES);
    expect(parsed.kind).toBe('invalid');
    expect(parsed).toMatchObject({ message: expect.stringContaining('"@alice" is not a mention') });
  });

  it('refuses a second person, since a test page tests one', () => {
    expect(parseCommand('oncall test <@U0123ALICE> <@U0123BOB>', SEVERITIES)).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('one person at most'),
    });
  });

  it('still reads any other word after oncall as a schedule', () => {
    expect(parseCommand('oncall Platform', SEVERITIES)).toEqual({ kind: 'oncall', schedule: 'platform' });
    expect(parseCommand('oncall', SEVERITIES)).toEqual({ kind: 'oncall', schedule: undefined });
  });

  it('lists the test page in help', () => {
    expect(helpText()).toContain('oncall test [@user]');
  });
});

describe('/incident silence', () => {
  it('hands the whole text, stop_pages included, to the silence parser, and shows stop_pages in help', () => {
    expect(parseCommand('silence alertname="Disk" for 2h stop_pages deploy', SEVERITIES)).toEqual({
      kind: 'silence',
      text: 'alertname="Disk" for 2h stop_pages deploy',
    });
    expect(parseCommand('silence alertname="Disk" for 2h deploy', SEVERITIES)).toEqual({
      kind: 'silence',
      text: 'alertname="Disk" for 2h deploy',
    });
    expect(helpText()).toContain('silence <matchers> for <duration> [starting <HH:MM or ISO time>] [stop_pages] [reason]');
  });
});

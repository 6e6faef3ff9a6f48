import { describe, expect, it } from 'vitest';
import { helpText, routeCommand, SUBCOMMANDS } from '../../src/slack/commands/registry.js';

const GRAMMAR = { severities: ['sev1', 'sev2'], roles: ['comms'], types: ['availability'] };

describe('the /incident registry', () => {
  it('names each subcommand once', () => {
    const names = SUBCOMMANDS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('lists every registered subcommand in help, with its usage and summary, in registry order', () => {
    const lines = helpText().split('\n').slice(1);
    expect(lines).toEqual(SUBCOMMANDS.map((s) => `• \`/incident ${s.usage}\` — ${s.summary}`));
    for (const s of SUBCOMMANDS) expect(s.usage.split(' ')[0]).toBe(s.name);
  });

  it('routes each subcommand name to its module, whatever its arguments and wherever the incident is named', () => {
    for (const s of SUBCOMMANDS) {
      expect(routeCommand(s.name, GRAMMAR).subcommand, s.name).toBe(s);
      expect(routeCommand(`${s.name.toUpperCase()} INC-4 something`, GRAMMAR).subcommand, s.name).toBe(s);
      expect(routeCommand(`INC-4 ${s.name} something`, GRAMMAR).subcommand, s.name).toBe(s);
    }
  });

  it('routes empty text to help, and an unknown name to no module', () => {
    expect(routeCommand('  ', GRAMMAR).subcommand?.name).toBe('help');
    expect(routeCommand('frobnicate', GRAMMAR).subcommand).toBeUndefined();
  });
});

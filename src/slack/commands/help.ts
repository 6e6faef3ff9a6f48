import { ephemeral, type GeneralSubcommand } from './subcommand.js';

export const helpCommand: GeneralSubcommand<{ kind: 'help' }> = {
  name: 'help',
  usage: 'help',
  summary: 'this list',
  needsIncident: false,
  parse: () => ({ kind: 'help' }),
  // The help text comes in the context: it is made from the registry, which lists this module.
  async handle({ ack, helpText }) {
    await ack(ephemeral(helpText));
  },
};

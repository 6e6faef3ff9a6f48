import { previewDigest } from '../../digests/job.js';
import { renderDigest } from '../blocks/digest.js';
import type { GeneralSubcommand } from './subcommand.js';

export const digestCommand: GeneralSubcommand<{ kind: 'digest' }> = {
  name: 'digest',
  usage: 'digest',
  summary: 'preview the stakeholder digest, now, just for you',
  needsIncident: false,
  parse: () => ({ kind: 'digest' }),
  async handle({ services, ack }) {
    await ack({ response_type: 'ephemeral', ...renderDigest(await previewDigest(services.db, services.config)) });
  },
};

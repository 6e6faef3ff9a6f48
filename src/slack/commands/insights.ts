import { parsePeriod } from '../../postmortems/insights.js';
import { insightsFor } from '../../postmortems/insights-job.js';
import { insightsMessage } from '../blocks/insights.js';
import { invalid, splitFirst } from './parsing.js';
import type { GeneralSubcommand } from './subcommand.js';

export const insightsCommand: GeneralSubcommand<{ kind: 'insights'; days: number }> = {
  name: 'insights',
  usage: 'insights [7d|30d|90d]',
  summary: 'metrics across incidents, compared with the period before',
  needsIncident: false,
  parse({ rest }) {
    const [period] = splitFirst(rest);
    const days = parsePeriod(period);
    return days === null ? invalid(`Unknown period "${period}". Periods: 7d, 30d, 90d (default 30d).`) : { kind: 'insights', days };
  },
  async handle({ services, ack }, { days }) {
    await ack({ response_type: 'ephemeral', ...insightsMessage(await insightsFor(services.db, services.config, days)) });
  },
};

import { scheduleDefFromConfig } from '../../paging/schedule.js';
import { oncallMessage } from '../blocks/paging.js';
import { escapeMrkdwn } from '../blocks/text.js';
import { splitFirst } from './parsing.js';
import { ephemeral, type GeneralSubcommand } from './subcommand.js';

export const oncallCommand: GeneralSubcommand<{ kind: 'oncall'; schedule: string | undefined }> = {
  name: 'oncall',
  usage: 'oncall [schedule]',
  summary: 'who is on call now, and the next hand-offs',
  needsIncident: false,
  parse({ rest }) {
    const [schedule] = splitFirst(rest);
    return { kind: 'oncall', schedule: schedule ? schedule.toLowerCase() : undefined };
  },
  async handle({ services: { config }, ack }, { schedule }) {
    const schedules = config.schedules.map(scheduleDefFromConfig).filter((s) => !schedule || s.id === schedule);
    if (schedule && schedules.length === 0) {
      const known = config.schedules.map((s) => s.id).join(', ') || 'none are configured';
      await ack(ephemeral(`⚠️ Unknown schedule "${escapeMrkdwn(schedule)}". Schedules: ${known}.`));
      return;
    }
    await ack({ response_type: 'ephemeral', ...oncallMessage(schedules, new Date()) });
  },
};

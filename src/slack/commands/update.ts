import { postStatusUpdate } from '../../workflow/changes.js';
import { updateModal } from '../blocks/modals.js';
import { platformCode } from '../errors.js';
import { answer, ephemeral, type IncidentSubcommand } from './subcommand.js';

export const updateCommand: IncidentSubcommand<{ kind: 'update'; ref: number | undefined; message: string }> = {
  name: 'update',
  usage: 'update [message]',
  summary: 'post a status update (no message: opens a form)',
  needsIncident: true,
  parse: ({ ref, rest }) => ({ kind: 'update', ref, message: rest }),
  async handle({ services, command, incident, ack, respond }, parsed) {
    if (parsed.message) {
      const update = { incidentId: incident.id, actor: command.user_id, message: parsed.message };
      await ack(answer(await postStatusUpdate(services.db, services.config, update)));
      return;
    }
    // Ack first: the trigger_id is valid for three seconds from the user's keystroke.
    await ack();
    await services.client.views
      .open({ trigger_id: command.trigger_id, view: updateModal(services.config, incident) })
      .catch(async (err: unknown) => {
        services.logger.warn({ err }, 'could not open the update form');
        const why = platformCode(err) ?? 'Slack did not answer';
        await respond(ephemeral(`⚠️ Could not open the update form (${why}). Post directly: \`/incident update <message>\`.`)).catch(
          () => {},
        );
      });
  },
};

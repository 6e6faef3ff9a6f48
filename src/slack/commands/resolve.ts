import { stillPublicComponents } from '../../statuspage/store.js';
import { changeStatus } from '../../workflow/changes.js';
import { PUBLISH_RESOLUTION_ACTION } from '../blocks/statuspage-modal.js';
import { truncate } from '../blocks/text.js';
import { answer, ephemeral, type IncidentSubcommand } from './subcommand.js';

export const resolveCommand: IncidentSubcommand<{ kind: 'resolve'; ref: number | undefined; message: string }> = {
  name: 'resolve',
  usage: 'resolve [summary]',
  summary: 'resolve the incident',
  needsIncident: true,
  parse: ({ ref, rest }) => ({ kind: 'resolve', ref, message: rest }),
  async handle({ services, command, incident, ack }, parsed) {
    const change = { incidentId: incident.id, actor: command.user_id, to: 'resolved' as const, message: parsed.message };
    const outcome = await changeStatus(services.db, services.config, change);
    const reply = answer(outcome);
    // The public page still shows the outage until someone publishes that it is over: offer the command.
    const affected = outcome.ok ? await stillPublicComponents(services.db, incident.id) : [];
    if (!affected.length) return ack(reply);
    const text =
      `${reply.text ?? ''}\nThe status page still shows ${affected.join(', ')} as affected. Tell the public it is over: ` +
      `\`/incident statuspage ${affected.join(',')} operational <public message>\``;
    await ack({
      ...ephemeral(text),
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } },
        {
          type: 'actions',
          block_id: 'resolve_statuspage',
          elements: [
            {
              type: 'button',
              action_id: PUBLISH_RESOLUTION_ACTION,
              style: 'primary',
              text: { type: 'plain_text', text: 'Publish resolution' },
              value: String(incident.id),
            },
          ],
        },
      ],
    });
  },
};

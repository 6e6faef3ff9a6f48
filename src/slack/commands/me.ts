import { readMe } from '../../paging/contact-settings.js';
import { meModal } from '../blocks/me-modal.js';
import { platformCode } from '../errors.js';
import type { Services } from '../services.js';
import { invalid } from './parsing.js';
import { ephemeral, type GeneralSubcommand } from './subcommand.js';

/** Opens the person's paging settings form (`/incident me`, the Home's Paging settings button). */
export async function openMeForm(services: Services, userId: string, triggerId: string): Promise<void> {
  const me = await readMe(services.db, services.config, userId);
  await services.client.views.open({ trigger_id: triggerId, view: meModal(me, services.unavailable) });
}

export const meCommand: GeneralSubcommand<{ kind: 'me' }> = {
  name: 'me',
  usage: 'me',
  summary: 'your own e-mail, phone, ntfy topic and rules for pages (opens a form; a new address is used once you confirm its code)',
  needsIncident: false,
  parse: ({ rest }) => (rest.trim() ? invalid('`/incident me` takes nothing after it: it opens your form.') : { kind: 'me' }),
  async handle({ services, command, ack, respond }) {
    // Ack first: the trigger_id is valid for three seconds from the user's keystroke.
    await ack();
    try {
      await openMeForm(services, command.user_id, command.trigger_id);
    } catch (err) {
      services.logger.warn({ err }, 'could not open the contact settings form');
      const why = platformCode(err) ?? 'Slack or the database did not answer';
      await respond(ephemeral(`⚠️ Could not open your paging settings (${why}). Try \`/incident me\` again in a moment.`)).catch(() => {});
    }
  },
};

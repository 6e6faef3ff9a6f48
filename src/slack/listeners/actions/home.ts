import { HOME_ACTIONS } from '../../blocks/home.js';
import { openMeForm } from '../../commands/me.js';
import { platformCode } from '../../errors.js';
import { button, tell, type Button } from './buttons.js';

/**
 * The Home's own buttons. Its Acknowledge and Done buttons are the page DM's and the follow-up list's
 * (listeners/actions/paging.ts, followups.ts); Request cover is the cover request's.
 */
export const homeButtons: readonly Button[] = [
  button({
    actionId: HOME_ACTIONS.pagingSettings,
    what: 'anything',
    parse: () => true,
    run: async ({ services, userId, triggerId, reply }) => {
      await openMeForm(services, userId, triggerId).catch(async (err: unknown) => {
        services.logger.warn({ err }, 'could not open the contact settings form from the Home');
        const why = platformCode(err) ?? 'Slack or the database did not answer';
        await tell(reply, `⚠️ Could not open your paging settings (${why}). Click again, or use \`/incident me\`.`);
      });
    },
  }),
];

import { readMe } from '../../../paging/contact-settings.js';
import { codeModal, ENTER_CODE_ACTION } from '../../blocks/me-modal.js';
import { maskedPending } from '../../../paging/contact-settings.js';
import { button, tell, type Button } from './buttons.js';

/** The *Enter code* button of `/incident me`: stacks the code form onto it for every address still waiting. */
export const meButtons: readonly Button[] = [
  button({
    actionId: ENTER_CODE_ACTION,
    what: 'a code to enter',
    parse: (value) => value,
    run: async ({ services, userId, triggerId, reply }) => {
      const me = await readMe(services.db, services.config, userId);
      if (me.pending.length === 0) {
        await tell(
          reply,
          '⚠️ No code is waiting any more: it expired or was used. Save the address again in `/incident me` for a new one.',
        );
        return;
      }
      const waiting = me.pending.map((p) => ({ method: p.method, maskedAddress: maskedPending(p) }));
      await services.client.views.push({ trigger_id: triggerId, view: codeModal(waiting) }).catch(async (err: unknown) => {
        services.logger.warn({ err }, 'could not open the code form');
        await tell(reply, '⚠️ Slack did not open the code form in time; click again.');
      });
    },
  }),
];

import type { App, BlockAction } from '@slack/bolt';
import { z } from 'zod';
import { takeCover } from '../../../paging/cover.js';
import { COVER_TAKE_ACTION, coverModal, HOME_REQUEST_COVER_ACTION } from '../../blocks/cover.js';
import { say } from '../../outcome.js';
import type { Services } from '../../services.js';
import { anId, button, tell, type Button } from './buttons.js';

/** I'll cover on a posted request: the first click takes it; every other one hears why not. */
const takeButton = button({
  actionId: COVER_TAKE_ACTION,
  what: 'a cover request',
  parse: anId,
  run: async ({ services, value, userId, reply }) => {
    const outcome = await takeCover(services.db, services.config, { requestId: value, taker: userId, now: new Date() });
    await tell(reply, say(outcome));
  },
});

const opener = z.object({ user: z.object({ id: z.string().min(1) }), trigger_id: z.string().min(1) });

/**
 * The App Home's Request cover button opens the form. It may carry no value and, from the Home tab, comes
 * with no response_url: a failure is told by DM.
 */
const homeRequestCover: Button = {
  actionId: HOME_REQUEST_COVER_ACTION,
  listen(app: App, services: Services) {
    app.action<BlockAction>(HOME_REQUEST_COVER_ACTION, async ({ ack, body }) => {
      await ack();
      const clicked = opener.safeParse(body);
      if (!clicked.success) return;
      const dm = (text: string) => services.client.chat.postMessage({ channel: clicked.data.user.id, text }).catch(() => undefined);
      if (services.config.schedules.length === 0) {
        await dm('⚠️ No on-call schedules are configured (`schedules:` in the config), so there is no shift to ask cover for.');
        return;
      }
      await services.client.views
        .open({ trigger_id: clicked.data.trigger_id, view: coverModal(services.config) })
        .catch(async (err: unknown) => {
          services.logger.warn({ err }, 'could not open the Request cover form');
          await dm('⚠️ Slack did not open the Request cover form in time; click *Request cover* again.');
        });
    });
  },
};

export const coverButtons: readonly Button[] = [takeButton, homeRequestCover];

import { completeFollowup, followupsOf, getFollowup } from '../../../incidents/followups.js';
import { FOLLOWUP_DONE_ACTION, followupListMessage } from '../../blocks/lists.js';
import { findTarget } from '../target.js';
import { say } from '../../outcome.js';
import { anId, button, tell, type Button } from './buttons.js';

/** "Done" on a follow-up list, redrawn in place to show what is left; on the App Home, the Home is re-published instead. */
export const followupButtons: readonly Button[] = [
  button({
    actionId: FOLLOWUP_DONE_ACTION,
    what: 'a follow-up',
    parse: anId,
    run: async ({ services, value, userId, reply, inMessage }) => {
      const followup = await getFollowup(services.db, value);
      const target = followup ? await findTarget(services, { ref: followup.incidentId, channelId: undefined, userId }) : undefined;
      if (!followup || !target?.ok) {
        await tell(reply, '⚠️ That follow-up no longer exists.');
        return;
      }
      const outcome = await completeFollowup(services.db, { followupId: value, actor: userId });
      if (!outcome.ok) await tell(reply, say(outcome));
      if (inMessage)
        await reply({
          replace_original: true,
          ...followupListMessage(target.incident, await followupsOf(services.db, followup.incidentId)),
        });
    },
  }),
];

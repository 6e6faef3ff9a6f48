import type { App } from '@slack/bolt';
import { SUMMARY_ACTIONS } from '../../blocks/incident.js';

/** Summary buttons whose features arrive with later releases answer so, rather than silently. */
export function registerActions(app: App): void {
  for (const actionId of Object.values(SUMMARY_ACTIONS)) {
    app.action(actionId, async ({ ack, respond }) => {
      await ack();
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'This action is not available yet in this version of Firewatch.' });
    });
  }
}

import { snoozeReminders, stopReminders } from '../../../incidents/cadence.js';
import { REMINDER_ACTIONS } from '../../blocks/timeline.js';
import { say } from '../../outcome.js';
import { incidentButton, incidentValue, tell, type Button } from './buttons.js';

/** Whoever may act on the incident may snooze or stop its update reminders. */
export const reminderButtons: readonly Button[] = [
  incidentButton({
    actionId: REMINDER_ACTIONS.snooze,
    parse: incidentValue,
    run: async ({ services, value, userId, reply }) =>
      tell(reply, say(await snoozeReminders(services.db, { incidentId: value.incidentId, actor: userId }))),
  }),
  incidentButton({
    actionId: REMINDER_ACTIONS.stop,
    parse: incidentValue,
    run: async ({ services, value, userId, reply }) =>
      tell(reply, say(await stopReminders(services.db, { incidentId: value.incidentId, actor: userId }))),
  }),
];

import { DECLARE_CALLBACK } from './blocks/declare-modal.js';
import { SUMMARY_ACTIONS } from './blocks/incident.js';
import { FOLLOWUP_DONE_ACTION } from './blocks/lists.js';
import { CHANGE_STATUS_CALLBACK, DECLINE_CALLBACK, UPDATE_CALLBACK } from './blocks/modals.js';
import { PAGE_ACTIONS } from './blocks/paging.js';
import { POSTMORTEM_CALLBACK, POSTMORTEM_WRITE_ACTION } from './blocks/postmortem.js';
import { REMINDER_ACTIONS } from './blocks/timeline.js';

/** Every button Firewatch puts in a message, and so listens for. */
export const HANDLED_ACTIONS: ReadonlySet<string> = new Set([
  ...Object.values(SUMMARY_ACTIONS),
  ...Object.values(PAGE_ACTIONS),
  ...Object.values(REMINDER_ACTIONS),
  FOLLOWUP_DONE_ACTION,
  POSTMORTEM_WRITE_ACTION,
]);

/** Every form Firewatch opens, and so takes submissions of. */
export const HANDLED_VIEWS: ReadonlySet<string> = new Set([
  DECLARE_CALLBACK,
  UPDATE_CALLBACK,
  CHANGE_STATUS_CALLBACK,
  DECLINE_CALLBACK,
  POSTMORTEM_CALLBACK,
]);

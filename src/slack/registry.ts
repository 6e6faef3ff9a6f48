/**
 * Every listener Firewatch registers on Bolt. The sets of handled actions and views are read off the same
 * lists that register them, so the events endpoint never turns away a button or form that has a listener,
 * nor passes Bolt one that has none.
 */
import type { App } from '@slack/bolt';
import type { Button } from './listeners/actions/buttons.js';
import { checklistActions } from './listeners/actions/checklists.js';
import { coverButtons } from './listeners/actions/cover.js';
import { followupButtons } from './listeners/actions/followups.js';
import { homeButtons } from './listeners/actions/home.js';
import { meButtons } from './listeners/actions/me.js';
import { pageButtons } from './listeners/actions/paging.js';
import { postmortemButtons } from './listeners/actions/postmortem.js';
import { reminderButtons } from './listeners/actions/reminders.js';
import { silenceButtons } from './listeners/actions/silences.js';
import { statusPageButtons } from './listeners/actions/statuspage.js';
import { summaryButtons } from './listeners/actions/summary.js';
import { registerIncidentCommand } from './listeners/commands/incident.js';
import { registerHomeEvents } from './listeners/events/home.js';
import { registerMemberEvents } from './listeners/events/members.js';
import { registerPinEvents } from './listeners/events/pins.js';
import { coverForm } from './listeners/views/cover.js';
import { declareForm } from './listeners/views/declare.js';
import type { Form } from './listeners/views/forms.js';
import { incidentForms } from './listeners/views/incident-forms.js';
import { meForms } from './listeners/views/me.js';
import { postmortemForm } from './listeners/views/postmortem.js';
import { statusPageForms } from './listeners/views/statuspage.js';
import type { Services } from './services.js';

const BUTTONS: readonly Button[] = [
  ...summaryButtons,
  ...statusPageButtons,
  ...pageButtons,
  ...reminderButtons,
  ...postmortemButtons,
  ...followupButtons,
  ...meButtons,
  ...coverButtons,
  ...homeButtons,
  ...silenceButtons,
  ...checklistActions,
];
const FORMS: readonly Form[] = [declareForm, ...incidentForms, postmortemForm, ...meForms, coverForm, ...statusPageForms];
const EVENT_FAMILIES = [registerPinEvents, registerMemberEvents, registerHomeEvents];

/** Every button Firewatch puts in a message, and so listens for. */
export const HANDLED_ACTIONS: ReadonlySet<string> = new Set(BUTTONS.map((b) => b.actionId));

/** Every form Firewatch opens, and so takes submissions of. */
export const HANDLED_VIEWS: ReadonlySet<string> = new Set(FORMS.map((f) => f.callbackId));

export function registerListeners(app: App, services: Services): void {
  registerIncidentCommand(app, services);
  for (const f of FORMS) f.listen(app, services);
  for (const b of BUTTONS) b.listen(app, services);
  for (const register of EVENT_FAMILIES) register(app, services);
}

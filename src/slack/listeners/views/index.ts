import type { App } from '@slack/bolt';
import type { Services } from '../../services.js';
import { registerDeclareView } from './declare.js';
import { registerIncidentForms } from './incident-forms.js';

export function registerViews(app: App, services: Services): void {
  registerDeclareView(app, services);
  registerIncidentForms(app, services);
}

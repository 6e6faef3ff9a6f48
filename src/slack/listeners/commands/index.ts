import type { App } from '@slack/bolt';
import type { Services } from '../../services.js';
import { registerIncidentCommand } from './incident.js';

export function registerCommands(app: App, services: Services): void {
  registerIncidentCommand(app, services);
}

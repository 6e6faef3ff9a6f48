import type { App } from '@slack/bolt';
import type { Services } from '../../services.js';
import { registerDeclareView } from './declare.js';

export function registerViews(app: App, services: Services): void {
  registerDeclareView(app, services);
}

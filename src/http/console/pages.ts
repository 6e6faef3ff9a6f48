// Every console page, each section in its own module.
import type { Route } from '../server.js';
import type { ConsoleContext } from './context.js';
import { homePage } from './home.js';
import { incidentPage } from './incident-page.js';

export function consolePages(ctx: ConsoleContext): Route[] {
  return [...homePage(ctx), ...incidentPage(ctx)];
}

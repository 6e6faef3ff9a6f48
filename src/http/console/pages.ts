// Every console page, each section in its own module.
import type { Route } from '../server.js';
import { auditPageRoutes } from './audit-page.js';
import type { ConsoleContext } from './context.js';
import { followupsPage } from './followups-page.js';
import { homePage } from './home.js';
import { insightsPage } from './insights-page.js';

export function consolePages(ctx: ConsoleContext): Route[] {
  return [...homePage(ctx), ...insightsPage(ctx), ...followupsPage(ctx), ...auditPageRoutes(ctx)];
}

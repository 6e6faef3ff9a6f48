// Every console page, each section in its own module.
import type { Route } from '../server.js';
import { auditPageRoutes } from './audit-page.js';
import type { ConsoleContext } from './context.js';
import { followupsPage } from './followups-page.js';
import { declarePage } from './incident-declare.js';
import { incidentPage } from './incident-page.js';
import { incidentsListPage } from './incidents-list.js';
import { insightsPage } from './insights-page.js';
import { oncallPage } from './oncall-page.js';

export function consolePages(ctx: ConsoleContext): Route[] {
  return [
    ...incidentsListPage(ctx),
    ...declarePage(ctx),
    ...incidentPage(ctx),
    ...insightsPage(ctx),
    ...oncallPage(ctx),
    ...followupsPage(ctx),
    ...auditPageRoutes(ctx),
  ];
}

import { escapeHtml } from '../html.js';
import type { Route } from '../server.js';
import { signedIn, type ConsoleContext } from './context.js';
import { sendConsolePage } from './layout.js';

/** The console's front door. */
export function homePage(ctx: ConsoleContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/',
      handler: signedIn(ctx.auth, async (_req, res, session) =>
        sendConsolePage(res, 200, session, {
          title: 'Firewatch',
          section: undefined,
          body: `<h1>Firewatch</h1>\n<p>Welcome, ${escapeHtml(session.name)}.</p>`,
        }),
      ),
    },
  ];
}

import type { App } from '@slack/bolt';
import { z } from 'zod';
import { refreshHomes } from '../../../outbox/home.js';
import { recordHomeOpened } from '../../../paging/home.js';
import type { Services } from '../../services.js';

const homeOpened = z.object({ user: z.string().min(1), tab: z.string() });

/**
 * Someone opened the app's Home tab: it is published for them (through the outbox, like every later
 * refresh), and remembered, so what changes for them from now on re-publishes it. The Messages tab is not it.
 */
export function registerHomeEvents(app: App, { db, outbox }: Services): void {
  app.event('app_home_opened', async ({ event }) => {
    const parsed = homeOpened.safeParse(event);
    if (!parsed.success || parsed.data.tab !== 'home') return;
    const { user } = parsed.data;
    await db.transaction(async (tx) => {
      await recordHomeOpened(tx, user);
      await refreshHomes(tx, [user]);
    });
    outbox.wake();
  });
}

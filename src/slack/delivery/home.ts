import { homeData } from '../../paging/home.js';
import { supersededBy } from '../../outbox/supersede.js';
import { homeView } from '../blocks/home.js';
import { DONE, type Handler } from './context.js';

/** Publishes a person's Home as it stands now; a later queued publish for them makes this one unnecessary. */
export const publishHome: Handler<'home.publish'> = async (ctx, { userId }, row) => {
  const later = await supersededBy(ctx.db, row);
  if (later) return { status: 'done', result: { superseded: later } };
  const data = await homeData(ctx.db, ctx.config, userId, new Date());
  await ctx.client.views.publish({ user_id: userId, view: homeView(ctx.config, data) });
  return DONE;
};
